"""Chapter 01: the classic hello.py, one route: ``GET /`` answers ``Hello there!``."""

import re
from pathlib import Path

import pytest
import requests
from support import flask_cli

from tourapp.chapters import hello
from tourapp.terminal import flask_run_banner


@pytest.fixture
def client():
    return hello.app.test_client()  # the classic module-level app: the tests only read from it


def test_index_says_hello(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.text == "Hello there!"
    assert response.content_type == "text/html; charset=utf-8"


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/nowhere", 404),  # test that an unknown route is a 404, not a 500
        ("POST", "/", 405),  # test that a wrong method is refused with 405
        ("DELETE", "/", 405),
        ("GET", "/%ff%fe", 404),  # test that invalid UTF-8 in the path is a clean 404
    ],
)
def test_bad_requests_get_a_clear_4xx(client, method, path, status):
    response = client.open(path, method=method)
    assert response.status_code == status
    if status == 405:
        assert set(response.allow) == {"GET", "HEAD", "OPTIONS"}


def test_over_a_real_socket(live):
    url = live(hello.app)
    assert requests.get(url, timeout=5).text == "Hello there!"


def test_flask_cli_knows_the_app():
    # `flask --app tourapp.chapters.hello run` finds the app; `routes` proves it without a port.
    out = flask_cli("tourapp.chapters.hello", "routes")
    assert "hello" in out and "GET" in out


def test_it_is_the_classic_five_lines():
    # test that chapter 01 shows the app every tutorial starts from: a module-level app, @app.route
    source = Path(hello.__file__).read_text(encoding="utf-8")
    assert "app = Flask(__name__)" in source and '@app.route("/")' in source
    assert "def create_app" not in source
    assert [rule.rule for rule in hello.app.url_map.iter_rules()] == ["/static/<path:filename>", "/"]


def test_flask_run_prints_its_banner_with_the_warning_and_stops():
    out = flask_run_banner("tourapp.chapters.hello")
    assert " * Serving Flask app 'tourapp.chapters.hello'" in out
    assert "WARNING: This is a development server. Do not use it in a production deployment." in out
    assert re.search(r"^ \* Running on http://127\.0\.0\.1:\d+$", out, re.M)
    assert out.rstrip().endswith("Press CTRL+C to quit")
