"""serve(): a real server on a free port of 127.0.0.1, one per app, prompt to stop, leak-free."""

import gc
import os
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

import tourapp
from tests.helpers.support import kernel_manager, make_app, open_fds
from tourapp import serve, stop_all
from tourapp.notebook.server import _STOP_TIMEOUT


def test_answers_on_loopback_before_returning():
    with serve(make_app()) as server:
        assert server.url == f"http://127.0.0.1:{server.port}"
        assert server._httpd.server_address[0] == "127.0.0.1"
        assert requests.get(server.url, timeout=5).text == "ok"


def test_reserve_leaves_exactly_one_server_on_the_same_port():
    first = serve(make_app())
    with requests.Session() as tab:  # a browser tab open on the app, connection kept alive
        assert tab.get(first.url, timeout=5).text == "ok"
        second = serve(make_app())  # a re-run cell re-creates the app under the same name
        try:
            assert not first.running
            assert second.running
            assert [s for s in tourapp.notebook.server._servers.values() if s._key == "probe"] == [second]
            assert second.url == first.url and second.moved_from is None
            assert tab.get(second.url, timeout=5).text == "ok"  # the tab keeps working
        finally:
            second.stop()
    third = serve(make_app())  # after a clean-up cell, too: Run All twice keeps one address
    third.stop()
    assert third.port == first.port


def _take(port):
    """Listen on a port the way another program would, keeping it from serve()."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen()
    return sock


def test_a_port_taken_meanwhile_gives_a_new_one_and_says_so():
    first = serve(make_app())
    first.stop()
    with _take(first.port):
        with serve(make_app()) as second:
            assert second.port != first.port and second.moved_from == first.port
            assert requests.get(second.url, timeout=5).text == "ok"
            said = second._bundle()
            assert f"port {first.port} was taken" in said["text/plain"]
            assert f"port {first.port} was taken" in said["text/html"]
    with serve(make_app()) as third:  # the new port is the one kept from now on
        assert third.port == second.port and third.moved_from is None


def test_stop_twice_is_harmless_and_stop_all_stops_everything():
    server = serve(make_app())
    server.stop()
    server.stop()
    a, b = serve(make_app("a")), serve(make_app("b"))
    stop_all()
    assert not a.running and not b.running
    assert tourapp.notebook.server._servers == {}


def test_stopping_from_several_threads_at_once_is_harmless():
    server = serve(make_app())
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda _: server.stop(), range(4)))
    assert not server.running


def test_context_manager_stops_on_exit():
    with serve(make_app()) as server:
        url = server.url
    assert not server.running
    with pytest.raises(requests.ConnectionError):
        requests.get(url, timeout=5)


def test_stop_ends_idle_keep_alive_connections():
    # test that a client holding a keep-alive connection cannot make stop() hang
    server = serve(make_app())
    with requests.Session() as session:
        assert session.get(server.url, timeout=5).text == "ok"
        before = threading.active_count()
        server.stop()
        assert threading.active_count() < before


def test_stop_ends_a_connected_client_that_sends_nothing():
    # test that a client that connects and never sends a request cannot make stop() wait
    server = serve(make_app())
    with socket.create_connection(("127.0.0.1", server.port), timeout=5):
        deadline = time.monotonic() + 5
        # its handler is registered, then started: wait until it runs (a loaded machine lags)
        while not any(t.is_alive() for t in server._handlers) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert [t.is_alive() for t in server._handlers] == [True]
        started = time.monotonic()
        server.stop()
        # not a timing test: without the read-side shutdown this waits the full timeout
        assert time.monotonic() - started < _STOP_TIMEOUT / 2
        assert server._handlers == {}


def test_a_view_that_loops_forever_is_stopped_and_stops_using_the_cpu():
    app = make_app()
    running = threading.Event()

    @app.get("/spin")
    def spin():
        running.set()
        while True:
            pass

    server = serve(app)
    threading.Thread(target=lambda: _ignore_errors(requests.get, f"{server.url}/spin", timeout=30), daemon=True).start()
    assert running.wait(5)
    spinning = [t for t in server._handlers if t.is_alive()]
    server.stop(timeout=0.2)
    for thread in spinning:
        thread.join(5)
    assert not any(t.is_alive() for t in spinning)


def _ignore_errors(function, *args, **kwargs):
    try:
        function(*args, **kwargs)
    except Exception:
        pass


def test_allow_lists_methods_in_one_order_in_every_python_process():
    # test that a 405's Allow header reads the same in any kernel, whatever its hash seed
    code = (
        "import requests; from flask import Flask; from tourapp import serve\n"
        "app = Flask('allow'); app.add_url_rule('/', 'x', lambda: 'x', methods=['GET', 'POST', 'PUT', 'PATCH'])\n"
        "with serve(app) as s: print(requests.delete(s.url, timeout=5).headers['Allow'])"
    )
    seen = set()
    for seed in ("1", "2", "3", "random"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60, check=True
        )
        seen.add(out.stdout.strip())
    assert seen == {"GET, HEAD, OPTIONS, PATCH, POST, PUT"}


def test_the_displayed_link_says_stopped_once_the_server_stops():
    nb = new_notebook(
        cells=[
            new_code_cell(
                "from flask import Flask\nfrom tourapp import serve\napp = Flask('shown')\nserver = serve(app)\nserver"
            ),
            new_code_cell("server.stop()"),
        ]
    )
    NotebookClient(nb, km=kernel_manager(), timeout=60).execute(cleanup_kc=True)
    [output] = nb.cells[0].outputs
    assert output.output_type == "display_data"  # not an execute_result: it can be updated
    text, html = output.data["text/plain"], output.data["text/html"]
    assert text.endswith("(shown, stopped)") and "href" not in html and "stopped" in html
    assert nb.cells[1].outputs == []


def test_debug_mode_is_switched_off():
    app = make_app()
    app.debug = True
    with serve(app):
        assert app.debug is False


def test_200_cycles_leave_no_threads_or_file_descriptors():
    app = make_app()
    with serve(app):  # warm up: imports and lazily created objects are not leaks
        pass
    gc.collect()  # garbage from earlier tests must not close its sockets mid-count
    threads, fds = set(threading.enumerate()), open_fds()
    for _ in range(200):
        with serve(app) as server:
            requests.get(server.url, timeout=5)
    assert set(threading.enumerate()) - threads == set()
    gc.collect()
    assert open_fds() <= fds


def test_8_threads_by_100_concurrent_requests_all_succeed():
    with serve(make_app()) as server:

        def worker(t):
            with requests.Session() as session:
                return [session.get(f"{server.url}/echo/{t * 1000 + i}", timeout=10).text for i in range(100)]

        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(worker, range(8)))
    assert results == [[str(t * 1000 + i) for i in range(100)] for t in range(8)]


def test_repr_links_to_the_server(monkeypatch):
    monkeypatch.delenv("JUPYTERHUB_SERVICE_PREFIX", raising=False)
    with serve(make_app()) as server:
        assert server.link == f"{server.url}/"
        assert server.link in repr(server) and "running" in repr(server)
        assert f'href="{server.link}"' in server._repr_html_()
    assert "stopped" in repr(server) and "href" not in server._repr_html_()


def test_hub_link_goes_through_the_proxy_while_requests_stay_local(monkeypatch):
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/ada/")
    with serve(make_app()) as server:
        assert server.link == f"/user/ada/proxy/{server.port}/"
        assert f'href="/user/ada/proxy/{server.port}/"' in server._repr_html_()
        assert server.url.startswith("http://127.0.0.1:")
        assert requests.get(server.url, timeout=5).text == "ok"


def test_codespace_link_is_the_forwarded_address_while_requests_stay_local(monkeypatch):
    monkeypatch.delenv("JUPYTERHUB_SERVICE_PREFIX", raising=False)
    monkeypatch.setenv("CODESPACES", "true")
    monkeypatch.setenv("CODESPACE_NAME", "ana-flask-tour-5g4wq7")
    monkeypatch.setenv("GITHUB_CODESPACES_PORT_FORWARDING_DOMAIN", "app.github.dev")
    with serve(make_app()) as server:
        forwarded = f"https://ana-flask-tour-5g4wq7-{server.port}.app.github.dev/"
        assert server.link == forwarded
        assert f'href="{forwarded}"' in server._repr_html_()
        assert requests.get(server.url, timeout=5).text == "ok"
