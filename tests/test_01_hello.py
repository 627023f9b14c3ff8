"""Chapter 01: one route, ``GET /`` answers ``Hello there!``."""

import pytest
import requests
from support import flask_cli

from tourapp.chapters import hello


@pytest.fixture
def client():
    return hello.create_app({"TESTING": True}).test_client()


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
    assert "index" in out and "GET" in out
