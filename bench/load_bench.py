"""Load a served chapter app from 8 client threads × 500 requests; print requests/s, p50, p99."""

import statistics
import time
from concurrent.futures import ThreadPoolExecutor

import requests

from tourapp import serve
from tourapp.chapters import hello, movies

THREADS, REQUESTS = 8, 500


def load(app, path):
    """Send THREADS × REQUESTS GETs over keep-alive sessions; return (errors, latencies, wall time)."""
    with serve(app) as server:

        def worker(_):
            latencies, errors = [], 0
            with requests.Session() as session:
                for _ in range(REQUESTS):
                    start = time.perf_counter()
                    try:
                        ok = session.get(f"{server.url}{path}", timeout=10).status_code == 200
                    except requests.RequestException:
                        ok = False
                    latencies.append(time.perf_counter() - start)
                    errors += not ok
            return errors, latencies

        start = time.perf_counter()
        with ThreadPoolExecutor(THREADS) as pool:
            results = list(pool.map(worker, range(THREADS)))
        wall = time.perf_counter() - start
    latencies = sorted(x for _, lat in results for x in lat)
    return sum(e for e, _ in results), latencies, wall


def main():
    print(f"{THREADS} threads x {REQUESTS} requests against serve()")
    for name, app, path in [("hello /", hello.app, "/"), ("movies /movies", movies.app, "/movies")]:
        errors, latencies, wall = load(app, path)
        p50 = statistics.median(latencies) * 1000
        p99 = latencies[int(len(latencies) * 0.99)] * 1000
        print(
            f"{name:16} {len(latencies) / wall:7.0f} requests/s   p50 {p50:6.2f} ms   p99 {p99:6.2f} ms   errors "
            f"{errors}"
        )


if __name__ == "__main__":
    main()
