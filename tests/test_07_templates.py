"""Chapter 07: ``/greet/<name>/`` renders templates/index.html, which extends base.html."""

import http.client
import subprocess
import sys
from urllib.parse import quote, urlsplit

import pytest
import requests
from markupsafe import escape

from tourapp.chapters import templates


@pytest.fixture
def client():
    return templates.create_app({"TESTING": True}).test_client()


def test_greet_renders_the_page_from_the_base_template(client):
    response = client.get("/greet/Peter/")
    assert response.status_code == 200
    assert response.content_type == "text/html; charset=utf-8"
    page = response.text
    assert "<p>Hello Peter</p>" in page
    # test that the page is base.html's: its title, its header and its stylesheet
    assert "<title>Greeting · Flask Tour</title>" in page
    assert "<header><h1>Greeting</h1></header>" in page
    assert '<link rel="stylesheet" href="/static/style.css">' in page


@pytest.mark.parametrize(
    "name",
    [
        "<b>Peter",  # test that markup in a name is escaped, never live
        "<img src=x onerror=alert(1)>",
        '"><svg onload=alert(1)>',
        "Tom & Jerry",
        "O'Brien",
    ],
)
def test_names_are_escaped(client, name):
    response = client.get(f"/greet/{quote(name, safe='')}/")
    assert response.status_code == 200
    assert f"<p>Hello {escape(name)}</p>" in response.text
    if "<" in name:
        assert name not in response.text


@pytest.mark.parametrize(
    "name",
    [
        "{{7*7}}",  # test that template syntax in a name comes back literally, never evaluated
        "{{ config }}",
        "{% print(7*7) %}",
        "{{ self.__init__.__globals__ }}",
    ],
)
def test_template_syntax_in_names_is_not_evaluated(client, name):
    response = client.get(f"/greet/{quote(name, safe='')}/")
    assert response.status_code == 200
    assert f"<p>Hello {escape(name)}</p>" in response.text
    assert "49" not in response.text and "SECRET_KEY" not in response.text


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/greet/%ff%fe/", "<p>Hello \ufffd\ufffd</p>"),  # test that bytes that are not UTF-8 are replaced, not a 500
        ("/greet/" + "x" * 10_000 + "/", "<p>Hello " + "x" * 10_000 + "</p>"),  # test that a long name is fine
        ("/greet/%C3%A9va/", "<p>Hello éva</p>"),  # test that UTF-8 names arrive decoded
    ],
)
def test_unusual_names_get_a_correct_answer(client, path, expected):
    response = client.get(path)
    assert response.status_code == 200
    assert expected in response.text


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/greet/Peter", 308),  # test that the slash-less URL redirects to the route's
        ("GET", "/greet/", 404),  # test that a missing name is a 404
        ("GET", "/greet/a%2Fb/", 404),  # test that an encoded slash does not fit in one segment
        ("GET", "/", 404),  # test that unknown routes are 404s
        ("GET", "/nowhere", 404),
        ("POST", "/greet/Peter/", 405),  # test that wrong methods are refused with 405
        ("DELETE", "/greet/Peter/", 405),
    ],
)
def test_bad_requests_get_a_clear_answer(client, method, path, status):
    response = client.open(path, method=method)
    assert response.status_code == status
    if status == 308:
        assert response.location.endswith("/greet/Peter/")
    if status == 405:
        assert set(response.allow) == {"GET", "HEAD", "OPTIONS"}


@pytest.mark.parametrize(
    ("path", "secret"),
    [
        ("/static/../tourapp/paths.py", b"TEMPLATES ="),  # test that traversal via /static/ never leaves it
        ("/static/..%2f..%2fpyproject.toml", b"[project]"),
        ("/static/%2e%2e/templates/base.html", b"{% block"),
        ("/static/..%5ctemplates%5cindex.html", b"{% block"),
        ("/static/%2fetc%2fpasswd", b"root:"),  # (Werkzeug first merges the slashes with a 308)
    ],
)
def test_traversal_through_static_is_a_404(client, path, secret):
    response = client.get(path, follow_redirects=True)
    assert response.status_code == 404
    assert secret not in response.data


def test_over_a_real_socket(live):
    url = live(templates.app)
    page = requests.get(f"{url}/greet/Peter/", timeout=5)
    assert (page.status_code, page.headers["Content-Type"]) == (200, "text/html; charset=utf-8")
    assert "<p>Hello Peter</p>" in page.text
    escaped = requests.get(f"{url}/greet/<b>Peter/", timeout=5)
    assert "<p>Hello &lt;b&gt;Peter</p>" in escaped.text
    # test that the stylesheet the page links to is served
    css = requests.get(f"{url}/static/style.css", timeout=5)
    assert css.status_code == 200 and css.headers["Content-Type"].startswith("text/css")


def test_an_over_long_url_is_refused_by_the_server(live):
    # The dev server refuses request lines over 64 KiB before Flask sees them.
    url = urlsplit(live(templates.app))
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=5)
    conn.request("GET", "/greet/" + "x" * 70_000 + "/")
    assert conn.getresponse().status == 414
    conn.close()


def test_flask_cli_knows_the_app():
    out = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "tourapp.chapters.templates", "routes"],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout
    assert "/greet/<name>/" in out and "greet" in out
