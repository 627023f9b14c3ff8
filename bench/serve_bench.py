"""Measure serve() side by side with its peers, in one run, and print the ratios.

- start: serve() until the first 200, vs `flask --app tourapp.chapters.hello run` in a subprocess;
- restart: stop + start of a served app (what a re-run cell costs);
- idle: CPU used by a running server that gets no requests;
- round trip: one GET through serve() over a real socket, vs Flask's in-process test_client().
"""

import os
import resource
import statistics
import subprocess
import sys
import time

import requests

from tourapp import serve
from tourapp.chapters import hello, lifecycle

APP = "tourapp.chapters.hello"


def median_ms(samples):
    return statistics.median(samples) * 1000


def time_serve_to_first_200(runs=30):
    """Time serve() and one successful request, from nothing to an answer."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        with serve(hello.app) as server:
            assert requests.get(server.url, timeout=5).status_code == 200
            samples.append(time.perf_counter() - start)
    return samples


def time_flask_run_to_first_200(runs=5):
    """Time `flask --app … run` in a fresh process until it answers 200."""
    samples = []
    for _ in range(runs):
        port = lifecycle.free_port()
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", APP, "run", "--port", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            while True:
                try:
                    if requests.get(f"http://127.0.0.1:{port}/", timeout=5).status_code == 200:
                        break
                except requests.ConnectionError:
                    time.sleep(0.005)
            samples.append(time.perf_counter() - start)
        finally:
            proc.terminate()
            proc.wait()
    return samples


def time_restart(runs=500):
    """Time stop + start, as a re-run serve() cell does it; count the restarts that kept the port."""
    server = serve(hello.app)
    samples, same_port = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        port = server.port
        server = serve(hello.app)  # stops the old server, starts a new one on the same port
        samples.append(time.perf_counter() - start)
        same_port += server.port == port
    server.stop()
    return samples, same_port


def idle_cpu(seconds=2.0):
    """Return CPU seconds per wall second this process spends while a server idles."""
    with serve(hello.app):
        before = resource.getrusage(resource.RUSAGE_SELF)
        time.sleep(seconds)
        after = resource.getrusage(resource.RUSAGE_SELF)
    used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return used / seconds


def time_round_trips(runs=2000):
    """Time one GET through serve() (keep-alive session) and through test_client()."""
    client = hello.app.test_client()
    via_client = []
    for _ in range(runs):
        start = time.perf_counter()
        client.get("/")
        via_client.append(time.perf_counter() - start)
    via_socket = []
    with serve(hello.app) as server, requests.Session() as session:
        for _ in range(runs):
            start = time.perf_counter()
            session.get(server.url)
            via_socket.append(time.perf_counter() - start)
    return via_socket, via_client


def main():
    print(f"serve() benchmarks on {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    served = median_ms(time_serve_to_first_200())
    flask_run = median_ms(time_flask_run_to_first_200())
    print(
        f"start to first 200    serve(): {served:8.2f} ms   flask run: {flask_run:8.1f} ms   "
        f"ratio {flask_run / served:6.0f}x  (goal >= 50x)"
    )
    restart, same_port = time_restart()
    print(
        f"stop + start          median {median_ms(restart):.2f} ms, "
        f"p99 {sorted(restart)[int(len(restart) * 0.99)] * 1000:.2f} ms  (goal <= 2 ms), "
        f"same port {same_port}/{len(restart)}"
    )
    print(f"idle server CPU       {idle_cpu() * 100:.3f} % of one core  (goal ~0)")
    via_socket, via_client = time_round_trips()
    print(
        f"round trip            serve(): {median_ms(via_socket):.3f} ms   test_client(): "
        f"{median_ms(via_client):.3f} ms   ratio {median_ms(via_socket) / median_ms(via_client):.1f}x"
    )


if __name__ == "__main__":
    main()
