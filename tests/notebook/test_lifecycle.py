"""serve() under a classroom's habits: endless re-runs, interrupted kernels, exits, load."""

import gc
import subprocess
import sys
import textwrap
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.helpers.support import kernel_manager, make_app, open_fds
from tourapp import serve


@pytest.mark.slow
def test_1000_serve_stop_cycles_leave_no_threads_or_file_descriptors():
    app = make_app("cycles")
    with serve(app) as server:  # warm up: lazily created objects are not leaks
        requests.get(server.url, timeout=5)
    gc.collect()  # garbage from earlier tests must not close its sockets mid-count
    threads, fds = set(threading.enumerate()), open_fds()
    for i in range(1000):
        server = serve(app)
        if i % 10 == 0:  # a request now and then, so handler threads come and go too
            assert requests.get(server.url, timeout=5).text == "ok"
    server.stop()
    assert set(threading.enumerate()) - threads == set()
    gc.collect()
    assert open_fds() <= fds


@pytest.mark.slow
def test_8_threads_by_500_requests_against_a_chapter_server():
    from tourapp.chapters import hello

    with serve(hello.app) as server:

        def worker(_):
            with requests.Session() as session:
                return sum(session.get(f"{server.url}/", timeout=10).text == "Hello there!" for _ in range(500))

        with ThreadPoolExecutor(8) as pool:
            assert sum(pool.map(worker, range(8))) == 8 * 500


def _run(client, code, timeout=30):
    """Execute code in the kernel and return (status, stdout)."""
    out = []
    reply = client.execute_interactive(
        code,
        timeout=timeout,
        output_hook=lambda m: out.append(m["content"].get("text", "")) if m["msg_type"] == "stream" else None,
    )
    return reply["content"]["status"], "".join(out)


@pytest.mark.slow
def test_a_server_survives_an_interrupt_of_another_cell_and_still_stops():
    km = kernel_manager()
    km.start_kernel()
    try:
        client = km.client()
        client.start_channels()
        client.wait_for_ready(timeout=60)
        status, _ = _run(
            client,
            "import requests, time\nfrom tourapp import serve\nfrom tourapp.chapters import hello\nserver = "
            "serve(hello.app)",
        )
        assert status == "ok"
        # a cell that would run for a minute, interrupted the way the toolbar's stop button does
        msg_id = client.execute("print('sleeping', flush=True); time.sleep(60)", stop_on_error=False)
        while True:  # interrupt only once the cell is really running, however loaded the machine
            msg = client.get_iopub_msg(timeout=30)
            if msg["parent_header"].get("msg_id") == msg_id and msg["content"].get("text") == "sleeping\n":
                break
        time.sleep(0.1)
        km.interrupt_kernel()
        reply = client.get_shell_msg(timeout=30)
        assert reply["parent_header"]["msg_id"] == msg_id
        assert reply["content"]["status"] == "error" and reply["content"]["ename"] == "KeyboardInterrupt"
        status, out = _run(client, "print(requests.get(server.url).text); server.stop(); print(server.running)")
        assert (status, out) == ("ok", "Hello there!\nFalse\n")
        client.stop_channels()
    finally:
        km.shutdown_kernel(now=True)


def test_stop_all_runs_at_interpreter_exit():
    # An atexit hook registered before tourapp's runs after it (last in, first out), so it
    # sees what stop_all() left behind.
    script = textwrap.dedent(
        """
        import atexit
        state = {}
        atexit.register(lambda: print("running at exit:", state["server"].running))
        from tourapp import serve
        from tourapp.chapters import hello
        state["server"] = serve(hello.app)
        print("running before exit:", state["server"].running)
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True).stdout
    assert out == "running before exit: True\nrunning at exit: False\n"
