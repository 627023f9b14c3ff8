"""JupyterLite's in-process transport, run in CPython: the same answers as over a real socket."""

import re
import shutil
import sys

import pytest
import requests
from flask import Flask, make_response, redirect, session
from werkzeug.routing import IntegerConverter

from tests.helpers.support import from_notebook, run_check
from tourapp import serve, show
from tourapp.chapters import CHAPTERS, files, hello, movies, path_params, query_params, responses, templates
from tourapp.chapters.paths import TEMPLATES
from tourapp.classroom.exercises import for_chapter
from tourapp.notebook import lite, platforms, server

APPS = {
    "01": lambda: hello.app,
    "02": query_params.create_app,
    "03": path_params.create_app,
    "04": responses.create_app,
    "05": files.create_app,
    "06": movies.create_app,
    "07": templates.create_app,
}
DATE = re.compile(r"^Date: .*$", re.M)


@pytest.fixture
def in_process():
    """Serve apps the way the JupyterLite kernel does, then go back to sockets."""
    lite.activate()
    try:
        yield
    finally:
        lite.deactivate()


def paths(app):
    """Every route (GET to one that refuses it answers 405 and Allow), with sample values; and a 404."""
    found = ["/no/such/page"]
    urls = app.url_map.bind("127.0.0.1")
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        converters = rule._converters
        values = {name: 3 if isinstance(converters[name], IntegerConverter) else "Lucia" for name in rule.arguments}
        found.append(urls.build(rule.endpoint, values, method=sorted(rule.methods)[0]))
    return sorted(set(found))


def shown(url, capsys, **kwargs):
    """Return what show() prints for GET url, its Date line left out (it tells the time)."""
    show(requests.get(url, timeout=5, **kwargs), inline=False)
    return DATE.sub("Date: …", capsys.readouterr().out)


def served_text(app, capsys, path, **kwargs):
    with serve(app) as running:
        return shown(running.url + path, capsys, **kwargs)


@pytest.mark.parametrize("chapter", sorted(APPS))
def test_show_prints_the_same_through_the_transport_as_over_a_socket(chapter, capsys):
    app = APPS[chapter]()
    routes = paths(app)
    assert len(routes) > 1
    over_socket = {path: served_text(app, capsys, path) for path in routes}
    # A route that answers at random (chapter 06's /rmovie) is compared by its headers' names only.
    again = {path: served_text(app, capsys, path) for path in routes}
    random = {path for path in routes if again[path] != over_socket[path]}
    assert len(random) <= 1
    lite.activate()
    try:
        in_kernel = {path: served_text(app, capsys, path) for path in routes}
    finally:
        lite.deactivate()
    for path in random:
        assert _names(in_kernel.pop(path)) == _names(over_socket.pop(path))
    assert in_kernel == over_socket


def _names(text):
    return [line.split(":")[0] for line in text.split("\n\n")[0].splitlines()]


def cookie_app():
    app = Flask("lite-cookies")
    app.secret_key = "test"

    @app.get("/set")
    def set_cookies():
        response = make_response("set")
        response.set_cookie("a", "1")
        response.set_cookie("b", "2")
        session["seen"] = True
        return response

    @app.get("/count")
    def count():
        session["n"] = session.get("n", 0) + 1
        return str(session["n"])

    @app.get("/go")
    def go():
        return redirect("/count")

    @app.post("/echo")
    def echo():
        from flask import request

        return {"form": request.form.to_dict(), "args": request.args.to_dict(), "agent": request.user_agent.string}

    @app.get("/stream")
    def stream():
        return app.response_class(iter([b"one ", b"two"]), mimetype="text/plain")

    @app.get("/boom")
    def boom():
        raise RuntimeError("boom")

    return app


def test_repeated_headers_cookies_redirects_and_bodies_behave_as_over_a_socket(in_process):
    app = cookie_app()
    with serve(app) as running:
        assert isinstance(running, lite.LiteServer)
        response = requests.get(f"{running.url}/set", timeout=5)
        assert response.url == f"{running.url}/set"
        assert response.cookies["a"] == "1" and response.cookies["b"] == "2"
        # Three Set-Cookie lines stay three lines in the raw headers, as curl -i prints them.
        assert len(response.raw.headers.getlist("Set-Cookie")) == 3
        with requests.Session() as browser:
            assert [browser.get(f"{running.url}/count", timeout=5).text for _ in range(2)] == ["1", "2"]
            followed = browser.get(f"{running.url}/go", timeout=5)
            assert followed.text == "3"
            assert [r.status_code for r in followed.history] == [302]
            assert followed.url == f"{running.url}/count"
        echoed = requests.post(f"{running.url}/echo?x=1", data={"name": "Lucia"}, timeout=5).json()
        assert echoed["form"] == {"name": "Lucia"} and echoed["args"] == {"x": "1"}
        assert echoed["agent"].startswith("python-requests/")
        streamed = requests.get(f"{running.url}/stream", timeout=5)
        assert streamed.text == "one two"
        assert streamed.headers["Transfer-Encoding"] == "chunked"
        failed = requests.get(f"{running.url}/boom", timeout=5)
        assert failed.status_code == 500 and "Internal Server Error" in failed.text


def test_the_server_object_keeps_the_api_and_says_there_is_no_tab(in_process):
    app = cookie_app()
    first = serve(app)
    assert first.running and first.port >= 5000
    assert first.url == f"http://127.0.0.1:{first.port}" and first.link == f"{first.url}/"
    assert "no page to open in a browser tab" in repr(first)
    again = serve(app)  # a re-run cell: the old one stops, the port is reused
    assert not first.running and again.port == first.port
    again.stop()
    again.stop()  # idempotent
    assert "stopped" in repr(again)
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{again.url}/count", timeout=1)  # nothing answers there any more


def test_requests_to_other_urls_still_go_over_sockets(in_process):
    lite.deactivate()
    with serve(cookie_app()) as real:  # a real socket server, started before activation
        lite.activate()
        assert requests.get(f"{real.url}/count", timeout=5).text == "1"


def exercises():
    return [ex for chapter in CHAPTERS if "01" <= chapter.number <= "07" for ex in for_chapter(chapter.number)]


@pytest.mark.parametrize("exercise", exercises(), ids=lambda ex: ex.id)
def test_each_check_passes_with_the_solution_in_process(exercise, in_process, tmp_path):
    chapter = next(c for c in CHAPTERS if c.number == exercise.id[:2])
    shutil.copy(TEMPLATES / "base.html", tmp_path)  # chapter 07's my_templates folder, as its notebook makes it
    # __name__ as in a kernel: the answers build Flask(__name__)
    answer = from_notebook(chapter.notebook, exercise.name, __name__="__main__", my_templates=tmp_path)
    result = run_check(exercise.id, answer)
    assert result.passed, result.message


def test_a_failing_check_says_the_same_in_process_as_over_a_socket(in_process):
    def wrong():
        app = Flask("wrong")
        app.get("/shout")(lambda: "hello there!")
        return app

    in_kernel = run_check("01.1", wrong)
    lite.deactivate()
    over_socket = run_check("01.1", wrong)
    assert (in_kernel.status, in_kernel.message) == (over_socket.status, over_socket.message)
    assert not in_kernel.passed and "HELLO THERE!" in in_kernel.message


def test_platforms_name_jupyterlite_from_the_pyodide_module():
    assert platforms.detect({}, {"pyodide": object()}) == platforms.JUPYTERLITE
    assert platforms.detect({}, sys.modules) != platforms.JUPYTERLITE


def test_the_server_module_switches_only_on_emscripten():
    assert server.Server is not lite.LiteServer
    assert not lite.in_browser()
