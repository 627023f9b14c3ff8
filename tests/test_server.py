"""serve(): a real server on a free port of 127.0.0.1, one per app, prompt to stop, leak-free."""

import gc
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

import tourapp
from support import make_app, open_fds
from tourapp import serve, stop_all


def test_answers_on_loopback_before_returning():
    with serve(make_app()) as server:
        assert server.url == f"http://127.0.0.1:{server.port}"
        assert server._httpd.server_address[0] == "127.0.0.1"
        assert requests.get(server.url, timeout=5).text == "ok"


def test_reserve_leaves_exactly_one_server_and_the_old_url_refuses():
    first = serve(make_app())
    old_url = first.url
    second = serve(make_app())  # a re-run cell re-creates the app under the same name
    try:
        assert not first.running
        assert second.running
        assert [s for s in tourapp.server._servers.values() if s._key == "probe"] == [second]
        assert requests.get(second.url, timeout=5).text == "ok"
        with pytest.raises(requests.ConnectionError):
            requests.get(old_url, timeout=5)
    finally:
        second.stop()


def test_stop_twice_is_harmless_and_stop_all_stops_everything():
    server = serve(make_app())
    server.stop()
    server.stop()
    a, b = serve(make_app("a")), serve(make_app("b"))
    stop_all()
    assert not a.running and not b.running
    assert tourapp.server._servers == {}


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


def test_hub_link_goes_through_the_proxy_while_requests_stay_local(monkeypatch):
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/ada/")
    with serve(make_app()) as server:
        assert server.link == f"/user/ada/proxy/{server.port}/"
        assert f'href="/user/ada/proxy/{server.port}/"' in server._repr_html_()
        assert server.url.startswith("http://127.0.0.1:")
        assert requests.get(server.url, timeout=5).text == "ok"
