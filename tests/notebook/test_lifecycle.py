"""serve() under a classroom's habits (endless re-runs, interrupted kernels, exits, load), and
tourapp.chapters.lifecycle, which every server started from a kernel relies on to stop and to find a port."""

import gc
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.helpers.support import kernel_manager, make_app, open_fds, running
from tourapp import serve
from tourapp.chapters import lifecycle, processes
from tourapp.notebook.terminal import flask_run_banner


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


def test_clean_ups_run_once_at_exit_newest_first_and_a_failing_one_stops_none_of_the_others():
    script = textwrap.dedent(
        """
        from tourapp.chapters import lifecycle
        lifecycle.at_exit(lambda: print("first registered, last run"))
        @lifecycle.at_exit
        def broken():
            raise RuntimeError("this clean-up fails")
        lifecycle.at_exit(lambda: print("last registered, first run"))
        print("exiting")
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert done.stdout == "exiting\nlast registered, first run\nfirst registered, last run\n"
    assert "RuntimeError: this clean-up fails" in done.stderr


def test_listen_hands_over_a_listening_socket_and_moves_when_its_port_is_taken():
    with lifecycle.listen() as first:
        port = first.getsockname()[1]
        with socket.create_connection(("127.0.0.1", port), timeout=5):  # listening already: no race left
            pass
        with lifecycle.listen(port) as second:
            assert second.getsockname()[1] not in (0, port)


def _taken_first(monkeypatch):
    """Make the first free port handed out one that another socket holds; return that socket."""
    holder = lifecycle.listen()
    ports = [holder.getsockname()[1]]
    real = lifecycle.free_port
    monkeypatch.setattr(lifecycle, "free_port", lambda host="127.0.0.1": ports.pop() if ports else real(host))
    return holder


def test_on_free_port_tries_another_port_when_the_program_finds_its_port_taken(monkeypatch):
    # test with a real program that binds its port itself: the first port is held by another socket
    tried = []

    def start(port):
        tried.append(port)
        server = subprocess.Popen(
            [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if server.poll() is not None:
                output = server.stdout.read()
                server.stdout.close()
                raise (lifecycle.PortTaken if lifecycle.port_taken(output) else RuntimeError)(output)
            try:
                if requests.get(f"http://127.0.0.1:{port}/", timeout=1).ok:
                    return server
            except (requests.ConnectionError, requests.Timeout):  # the holder never answers
                time.sleep(0.05)
        raise TimeoutError(port)

    with _taken_first(monkeypatch) as holder:
        server = lifecycle.on_free_port(start)
        try:
            assert tried[0] == holder.getsockname()[1] and len(tried) == 2
            assert requests.get(f"http://127.0.0.1:{tried[1]}/", timeout=5).ok
        finally:
            server.terminate()
            server.wait()
            server.stdout.close()


def test_on_free_port_gives_up_after_its_attempts():
    def start(port):
        raise lifecycle.PortTaken(f"port {port} is taken")

    with pytest.raises(lifecycle.PortTaken, match="is taken") as raised:
        lifecycle.on_free_port(start, attempts=3)
    assert raised.value.errno == lifecycle.errno.EADDRINUSE


@pytest.mark.slow
def test_waitress_and_flask_run_move_to_another_port_when_theirs_is_taken(monkeypatch):
    # test the package's own starters: each finds the held port taken, says so, and tries again
    with _taken_first(monkeypatch) as holder:
        with processes.waitress("tourapp.chapters.query_params:create_app") as server:
            assert server.port != holder.getsockname()[1]
            assert requests.get(server.url, timeout=5).text == "Home page"
    with _taken_first(monkeypatch) as holder:
        banner = flask_run_banner("tourapp.chapters.hello")
        assert "Running on http://127.0.0.1:" in banner
        assert f":{holder.getsockname()[1]}" not in banner


_GROUP = """
import signal, subprocess, sys, time
signal.signal(signal.SIGTERM, signal.SIG_IGN if sys.argv[1] == "stubborn" else signal.SIG_DFL)
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
print(child.pid, flush=True)
time.sleep(60)
"""


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="no process groups on this platform")
@pytest.mark.parametrize("kind", ["polite", "stubborn"])
def test_stop_group_ends_the_leader_and_its_children_by_the_leaders_pid(kind):
    # test a polite leader (SIGTERM ends it) and one that ignores SIGTERM (SIGKILL after the timeout)
    leader = subprocess.Popen(
        [sys.executable, "-c", _GROUP, kind], stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    child = int(leader.stdout.readline())
    leader.stdout.close()
    assert running(leader.pid) and running(child)
    started = time.monotonic()
    status = lifecycle.stop_group(leader, timeout=1)
    assert status == (-signal.SIGTERM if kind == "polite" else -signal.SIGKILL)
    assert time.monotonic() - started < 10
    deadline = time.monotonic() + 10
    while running(child) and time.monotonic() < deadline:  # the orphan is reaped by whoever adopted it
        time.sleep(0.05)
    assert not running(child)


def test_the_process_modules_import_and_stop_where_os_has_no_geteuid_nor_process_groups():
    # test Windows' os, near enough: without geteuid or killpg, importing works and
    # stop_group terminates the process alone
    script = textwrap.dedent(
        """
        import os, subprocess, sys
        for name in ("geteuid", "killpg"):
            delattr(os, name)
        import tourapp.classroom.sandbox, tourapp.notebook.server, tourapp.notebook.terminal
        from tourapp.chapters import lifecycle, postgres, processes
        process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        print(lifecycle.stop_group(process) != 0, postgres.available() in (True, False))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout) == (0, "True True\n"), done.stderr
