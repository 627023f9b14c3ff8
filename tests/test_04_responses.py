"""Chapter 04: make_response, 201 vs 200, methods and 405, both slash forms, escaped names."""

import subprocess
import sys

import pytest
import requests
from markupsafe import escape

from tourapp.chapters import responses

MARKUP = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)",
    '"><b>Peter',
    "Tom & Jerry's",
]


@pytest.fixture
def client():
    return responses.create_app({"TESTING": True}).test_client()


@pytest.mark.parametrize(
    ("method", "url", "status", "body"),
    [
        ("POST", "/users/Peter", 201, "user Peter created"),  # test that creating answers 201
        ("POST", "/users/Peter/", 201, "user Peter created"),  # test the tutorial's curl, with its slash
        ("GET", "/users/Peter", 200, "Hello Peter"),  # test that reading answers 200
        ("GET", "/users/Peter/", 200, "Hello Peter"),
        ("GET", "/", 200, "Home page"),
    ],
)
def test_transcript(client, method, url, status, body):
    response = client.open(url, method=method)
    assert response.status_code == status
    assert response.text == body
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert response.headers["Content-Length"] == str(len(body))


@pytest.mark.parametrize("url", ["/users/Peter", "/users/Peter/"])
def test_created_user_has_a_location(client, url):
    # test that the 201 names the new resource, without the slash either way
    assert client.post(url).headers["Location"] == "/users/Peter"


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
@pytest.mark.parametrize("url", ["/users/Peter", "/users/Peter/"])
def test_other_methods_get_405_with_allow(client, method, url):
    response = client.open(url, method=method)
    assert response.status_code == 405
    assert set(response.allow) == {"GET", "HEAD", "OPTIONS", "POST"}


@pytest.mark.parametrize(
    ("method", "status", "allow"),
    [
        ("HEAD", 200, None),  # test that HEAD comes free with GET: headers, no body
        ("OPTIONS", 200, {"GET", "HEAD", "OPTIONS", "POST"}),  # test that OPTIONS lists the methods
    ],
)
def test_automatic_methods(client, method, status, allow):
    response = client.open("/users/Peter", method=method)
    assert response.status_code == status
    assert response.data == b""
    if allow:
        assert set(response.allow) == allow
    else:
        assert response.headers["Content-Length"] == "11"


@pytest.mark.parametrize("name", MARKUP)
@pytest.mark.parametrize(("method", "status", "template"), [("GET", 200, "Hello {}"), ("POST", 201, "user {} created")])
def test_markup_in_a_name_is_escaped(client, method, status, template, name):
    # test that a name in these HTML bodies never comes back as live markup
    response = client.open(f"/users/{name}", method=method)
    assert response.status_code == status
    assert response.text == template.format(escape(name))
    assert "<" not in response.text and '"' not in response.text
    assert "<" not in response.headers.get("Location", "")


@pytest.mark.parametrize("url", ["/users/<b>Peter</b>", "/users/<script>alert(1)<%2Fscript>"])
def test_closing_tags_cannot_reach_a_view(client, url):
    # test that `</…>` needs a slash, which ends the <name> segment: no rule matches
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/users/%ff%fe", "Hello \ufffd\ufffd"),  # test that invalid UTF-8 is replaced, not a 500
        ("/users/Zo%C3%AB", "Hello Zoë"),
        ("/users/" + "x" * 100_000, "Hello " + "x" * 100_000),  # test that a long name is answered whole
    ],
)
def test_odd_names_get_an_answer_not_an_error(client, url, body):
    response = client.get(url)
    assert response.status_code == 200
    assert response.text == body


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("GET", "/users", 404),  # test that the list of users does not exist
        ("GET", "/users/", 404),
        ("POST", "/users/Peter/extra", 404),
        ("GET", "/users/Peter//", 308),  # test that doubled slashes are still merged by a redirect
        ("GET", "/nowhere", 404),
        ("POST", "/", 405),
    ],
)
def test_unknown_routes_and_methods(client, method, url, status):
    assert client.open(url, method=method).status_code == status


def test_tutorial_curls_over_a_real_socket(live):
    # test `curl -X POST localhost:5000/users/Peter/` and `curl -i localhost:5000/users/Peter/`
    url = live(responses.app)
    created = requests.post(f"{url}/users/Peter/", allow_redirects=False, timeout=5)
    assert (created.status_code, created.text) == (201, "user Peter created")
    greeted = requests.get(f"{url}/users/Peter/", allow_redirects=False, timeout=5)
    assert (greeted.status_code, greeted.text) == (200, "Hello Peter")
    assert greeted.headers["Content-Type"] == "text/html; charset=utf-8"
    assert greeted.headers["Content-Length"] == "11"
    refused = requests.put(f"{url}/users/Peter", timeout=5)
    assert refused.status_code == 405
    assert set(refused.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS", "POST"}


def test_markup_over_a_real_socket(live):
    # test that a browser-like request with markup in the name gets only escaped text back
    url = live(responses.app)
    response = requests.get(f"{url}/users/<img src=x onerror=alert(1)>", timeout=5)
    assert response.text == "Hello &lt;img src=x onerror=alert(1)&gt;"


def test_an_over_long_name_is_refused_by_the_server(live):
    # test that a request line beyond the server's limit is a 414, not a 500 or a hang
    url = live(responses.app)
    assert requests.post(f"{url}/users/{'x' * 70_000}", timeout=5).status_code == 414


def test_flask_cli_knows_the_app():
    # `flask --app tourapp.chapters.responses run` finds the app; `routes` proves it without a port.
    out = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "tourapp.chapters.responses", "routes"],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout
    assert "create_user" in out and "get_user" in out and "/users/<name>" in out
