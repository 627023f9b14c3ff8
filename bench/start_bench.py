"""Time a newcomer's `make lab` on a fresh clone until Lab answers: the first start, which
installs everything, and the second, which installs nothing; beside them, pip installing the
same lock into a fresh venv (what the first start cost before uv).

Each start is printed as wall time until Lab answers (polled every 10 ms) and the CPU time make
and everything it ran used, start to shutdown: on a shared machine the wall time grows with the
load average (printed too) and the CPU time hardly does. Python writes its bytecode cache on the
first start as on a learner's machine, even where PYTHONDONTWRITEBYTECODE is set (containers and
CI often set it); a third start shows what the second costs without that cache.

The clone, its .venv and Lab's settings live in a temporary folder; Lab listens on a free port
of 127.0.0.1 and is shut down through its API (or, failing that, its process group by pid).
Package downloads come from uv's and pip's caches when they are warm, as on a second clone.
"""

import os
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from tourapp.chapters import lifecycle

ROOT = Path(__file__).resolve().parent.parent
GOALS = "goals: first <= 20 s, second < 3 s"


def cpu_of_children():
    """Return the CPU seconds (user and system) this process's finished children have used."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def start_lab(clone, home, extra_env=None, timeout=300):
    """Run `make lab` in the clone; return the seconds until Lab's /api/status answers and the CPU
    seconds make and all it ran used until Lab was shut down."""
    port, token = lifecycle.free_port(), secrets.token_hex(16)
    lab_args = f"--no-browser --ip=127.0.0.1 --port={port} --ServerApp.port_retries=0 --IdentityProvider.token={token}"
    env = dict(
        os.environ,
        **{
            name: str(home / folder)
            for name, folder in [
                ("JUPYTER_CONFIG_DIR", "config"),
                ("JUPYTER_DATA_DIR", "data"),
                ("JUPYTER_RUNTIME_DIR", "runtime"),
                ("IPYTHONDIR", "ipython"),
            ]
        },
    )
    env.pop("VIRTUAL_ENV", None)  # the clone makes its own .venv, whatever runs this script
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # a learner's Python caches what it compiles
    env.update(extra_env or {})
    url = f"http://127.0.0.1:{port}"
    cpu = cpu_of_children()
    start = time.perf_counter()
    with open(home / "make-lab.log", "ab") as log:
        # A session of its own, so the fallback can stop make and Lab together by make's pid.
        make = subprocess.Popen(
            ["make", "lab", f"LAB_ARGS={lab_args}"],
            cwd=clone,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    answered = None
    try:
        while make.poll() is None and time.perf_counter() - start < timeout:
            try:
                if requests.get(f"{url}/api/status", params={"token": token}, timeout=2).ok:
                    answered = time.perf_counter() - start
                    break
            except requests.RequestException:  # not listening yet: a refused connection returns at once
                time.sleep(0.01)
    finally:
        stop(make, url, token)
    if answered is None:
        raise RuntimeError(
            f"Lab did not answer (make exited {make.poll()}); see {home / 'make-lab.log'}:\n"
            + (home / "make-lab.log").read_text(errors="replace")[-3000:]
        )
    return answered, cpu_of_children() - cpu


def stop(make, url, token):
    """Shut Lab down through its API; if make has not exited 30 s later, stop its process group."""
    try:
        requests.post(f"{url}/api/shutdown", headers={"Authorization": f"token {token}"}, timeout=10)
        make.wait(timeout=30)
    except (requests.RequestException, subprocess.TimeoutExpired):
        lifecycle.stop_group(make)


def pip_install(clone):
    """Time a fresh venv with pip installing the lock and the workbook, as `make` did before uv."""
    venv = clone / ".venv-pip"
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [
            venv / "bin/python",
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-r",
            "requirements.lock",
            "-e",
            ".[test]",
        ],
        cwd=clone,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def main():
    with tempfile.TemporaryDirectory(prefix="start-bench-") as scratch:
        clone, home = Path(scratch) / "flask-tour", Path(scratch) / "home"
        home.mkdir()
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        load = os.getloadavg()[0]
        first = start_lab(clone, home)
        second = start_lab(clone, home)
        # As after a first start that wrote no bytecode: the venv's cache gone, none written.
        for cache in (clone / ".venv").rglob("__pycache__"):
            shutil.rmtree(cache)
        uncached = start_lab(clone, home, {"PYTHONDONTWRITEBYTECODE": "1"})
        pip = pip_install(clone)
    print(f"load average (1 min) before: {load:.1f}, after: {os.getloadavg()[0]:.1f}, on {os.cpu_count()} cpus")
    print(
        f"make lab on a fresh clone until Lab answers: first {first[0]:5.1f} s   second {second[0]:4.2f} s   ({GOALS})"
    )
    print(f"  CPU used by make and all it ran: first {first[1]:5.1f} s   second {second[1]:4.2f} s")
    print(
        f"  second start without a bytecode cache (PYTHONDONTWRITEBYTECODE=1 on the first): "
        f"{uncached[0]:4.2f} s, CPU {uncached[1]:4.2f} s"
    )
    print(
        f"pip installing the same lock into a fresh venv: {pip:5.1f} s   (uv's whole first start is "
        f"{pip / first[0]:.1f}x faster)"
    )


if __name__ == "__main__":
    main()
