"""Size a class: N students at once on a real JupyterHub on this machine (10, then 30).

Each student logs in (the hub's login form), gets a server, runs chapter 01 top to bottom in a
kernel of it (as Run All would) and opens the app it serves through the link the workbook shows.
Prints the time until the last student is done and the memory per student (RSS of their server
and its kernels). Needs `make hub-tools`. Not a test: figures depend on the machine.

Usage: python bench/hub_bench.py [N ...]
"""

import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tools import hub_launcher as jupyterhub  # noqa: E402  (the same hub tests/e2e/test_hub.py starts)

NOTEBOOK = "notebooks/01-hello.ipynb"


def student(hub, name):
    """Log in, wait for the server, run chapter 01, open its app; return seconds since the start."""
    browser = requests.Session()
    form = browser.get(f"{hub.url}/hub/login", timeout=60)
    browser.post(
        f"{hub.url}/hub/login",
        timeout=300,
        data={
            "username": name,
            "password": "any",
            "_xsrf": browser.cookies.get("_xsrf", path="/hub/") or "",
        },
        headers={"Referer": form.url},
    )
    hub.wait_ready(name, timeout=600)
    session = hub.run_notebook(name, NOTEBOOK, timeout=300)
    link = hub.evaluate(name, session, "server.link")
    # The student's own browser session: the hub's OAuth cookie for their server, then the app.
    answer = browser.get(f"{hub.url}{link}", timeout=60)
    assert answer.status_code == 200 and "Hello" in answer.text, (answer.status_code, answer.text[:200])
    return session


def rss_kib(pid):
    """Return the resident memory of a process and everything below it, in KiB."""
    total = 0
    for each in [pid, *jupyterhub.descendants(pid)]:
        try:
            status = Path(f"/proc/{each}/status").read_text()
        except OSError:
            continue
        total += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
    return total


def round_of(n):
    """Run one class of n students on a fresh hub; return (seconds to the last one done, MiB per student)."""
    names = [f"student{i:02d}" for i in range(n)]
    with jupyterhub.JupyterHub() as hub:
        start = time.perf_counter()
        with ThreadPoolExecutor(n) as pool:
            list(pool.map(lambda name: student(hub, name), names))
        elapsed = time.perf_counter() - start
        pids = [hub.api("GET", f"/hub/api/users/{name}").json()["servers"][""]["state"]["pid"] for name in names]
        per_student = [rss_kib(pid) / 1024 for pid in pids]
    return elapsed, sum(per_student) / n, max(per_student)


def main():
    reason = jupyterhub.missing()
    if reason:
        sys.exit(f"cannot run: {reason}")
    for n in [int(arg) for arg in sys.argv[1:]] or [10, 30]:
        elapsed, mean, most = round_of(n)
        print(
            f"{n:3d} students at once: last one done after {elapsed:5.1f} s   "
            f"memory per student (server + kernel): {mean:4.0f} MiB mean, {most:4.0f} MiB max   "
            f"class total ≈ {mean * n / 1024:.1f} GiB"
        )


if __name__ == "__main__":
    main()
