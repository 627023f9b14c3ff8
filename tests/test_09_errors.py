"""Chapter 09: a custom 404 page for unknown URLs and abort(404), JSON errors for JSON clients."""

import subprocess
import sys

import pytest
import requests

from tourapp.chapters import errors

JSON = {"Accept": "application/json"}
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
NOT_FOUND_PAGE = ("<title>404 error · Flask Tour</title>", "<p>404 - page not found</p>")

MISSING = [
    "/nowhere",  # test that an unknown route gets the custom page
    "/about/",
    "/users/",
    "/users/Zed",  # test that abort(404) in a view gets the same page
    "/users/peter",  # (names are case-sensitive)
    "/users/" + "x" * 10_000,  # test that an over-long name is a 404, not a 500
    "/users/%ff%fe",  # test that bytes that are not UTF-8 are a 404
    "/users/<script>alert(1)<",  # test that markup in a name is never echoed
    "/users/{{7*7}}",  # test that template syntax in a name is never evaluated
    "/static/missing.png",  # test that a missing static file gets the custom page too
]


@pytest.fixture
def client():
    return errors.create_app({"TESTING": True}).test_client()


@pytest.mark.parametrize(
    ("path", "body"),
    [("/", "Home page"), ("/about", "About page"), ("/users/Peter", "Hello Peter"), ("/users/Lucia", "Hello Lucia")],
)
def test_pages_answer_as_in_the_tutorial(client, path, body):
    response = client.get(path)
    assert (response.status_code, response.text) == (200, body)
    assert response.content_type == "text/html; charset=utf-8"


@pytest.mark.parametrize("path", MISSING)
@pytest.mark.parametrize("headers", [{}, BROWSER, {"Accept": "*/*"}])
def test_missing_pages_get_the_custom_404_page(client, path, headers):
    response = client.get(path, headers=headers)
    assert response.status_code == 404
    assert response.content_type == "text/html; charset=utf-8"
    assert all(part in response.text for part in NOT_FOUND_PAGE)
    assert "Accept" in response.vary
    assert "<script>" not in response.text and "49" not in response.text and "xxx" not in response.text


@pytest.mark.parametrize("path", MISSING)
def test_json_clients_get_a_json_404(client, path):
    response = client.get(path, headers=JSON)
    assert response.status_code == 404
    assert response.content_type == "application/json"
    body = response.get_json()
    assert (body["code"], body["name"]) == (404, "Not Found")
    if path == "/users/Zed":  # test that abort's description reaches the JSON body
        assert body["description"] == "There is no user of that name."
    assert "<script>" not in response.text and "49" not in response.text


@pytest.mark.parametrize(
    ("accept", "mimetype"),
    [
        (None, "text/html"),  # test that a client without Accept gets HTML
        ("*/*", "text/html"),  # curl and requests
        ("application/json", "application/json"),
        ("application/*", "application/json"),
        ("application/json;q=0.9, text/html;q=0.8", "application/json"),
        ("text/html;q=0.9, application/json;q=0.8", "text/html"),
        ("text/plain", "text/html"),  # test that nothing acceptable falls back to HTML
        ("%%% not a header ;;;q=x", "text/html"),  # test that a garbled Accept is not a 500
    ],
)
def test_the_accept_header_chooses_the_format(client, accept, mimetype):
    response = client.get("/nowhere", headers={"Accept": accept} if accept else {})
    assert (response.status_code, response.mimetype) == (404, mimetype)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/"),  # test that wrong methods are refused with 405
        ("DELETE", "/about"),
        ("PUT", "/users/Peter"),
    ],
)
@pytest.mark.parametrize("headers", [{}, JSON])
def test_wrong_methods_are_405_in_either_format(client, method, path, headers):
    response = client.open(path, method=method, headers=headers)
    assert response.status_code == 405
    assert set(response.allow) == {"GET", "HEAD", "OPTIONS"}  # test that JSON errors keep the Allow header
    if headers:
        assert response.get_json()["name"] == "Method Not Allowed"
    else:
        assert response.mimetype == "text/html"


@pytest.mark.parametrize(
    ("path", "secret"),
    [
        ("/static/../pyproject.toml", b"[project]"),  # test that traversal through /static/ is a 404
        ("/static/..%2fpyproject.toml", b"[project]"),
        ("/static/%2e%2e/templates/404.html", b"{% block"),
        ("/static/%2fetc%2fpasswd", b"root:"),  # (Werkzeug first merges the slashes with a 308)
    ],
)
def test_traversal_gets_the_404_page_and_no_file(client, path, secret):
    response = client.get(path, follow_redirects=True)
    assert response.status_code == 404
    assert NOT_FOUND_PAGE[1] in response.text
    assert secret not in response.data


def test_over_a_real_socket(live):
    url = live(errors.app)
    assert requests.get(f"{url}/", timeout=5).text == "Home page"
    assert requests.get(f"{url}/about", timeout=5).text == "About page"
    page = requests.get(f"{url}/nowhere", timeout=5)
    assert page.status_code == 404 and NOT_FOUND_PAGE[1] in page.text
    data = requests.get(f"{url}/users/Zed", headers=JSON, timeout=5)
    assert (data.status_code, data.json()["description"]) == (404, "There is no user of that name.")
    assert data.headers["Vary"] == "Accept"


def test_flask_cli_knows_the_app():
    out = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "tourapp.chapters.errors", "routes"],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout
    assert "/about" in out and "/users/<name>" in out
