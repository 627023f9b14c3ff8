"""Chapter 08: a page whose pictures come from /static/, and /about sent with send_static_file."""

import http.client
import re
from functools import partial
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from flask import current_app, render_template_string

from tests.helpers.support import (
    MISSING,
    clear_4xx_test,
    factory_placeholder,
    flask_cli,
    placeholder,
    traversal_test,
    try_it_test,
)
from tests.helpers.support import grown as grown_from
from tourapp.chapters import static_files
from tourapp.chapters.paths import STATIC

LINKS = re.compile(r'<(?:img src|link rel="stylesheet" href)="([^"]+)"')


@pytest.fixture
def client():
    return static_files.create_app({"TESTING": True}).test_client()


def test_home_page_links_the_picture_both_ways(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.content_type == "text/html; charset=utf-8"
    assert "<title>Home page · Flask Tour</title>" in response.text
    # test that both images, the fixed path and url_for's, name /static/sid.jpg at the root
    assert re.findall(r'<img src="([^"]+)"', response.text) == ["/static/sid.jpg", "/static/sid.jpg"]


def test_every_link_on_the_home_page_loads(client):
    page = client.get("/").text
    links = LINKS.findall(page)
    assert len(links) == 3  # the stylesheet and the two images
    for link in links:
        with client.get(link) as response:  # closing a file response closes its file
            assert response.status_code == 200, link
            assert response.data == (STATIC / link.removeprefix("/static/")).read_bytes()


def test_url_for_follows_the_app_to_a_sub_path(client):
    # test that under a prefix (SCRIPT_NAME) only the url_for link moves with the app
    page = client.get("/", base_url="http://localhost/tour/").text
    assert re.findall(r'<img src="([^"]+)"', page) == ["/static/sid.jpg", "/tour/static/sid.jpg"]


@pytest.mark.parametrize("path", ["/about", "/static/about.html"])
def test_about_is_the_static_page_unchanged(client, path):
    with client.get(path) as response:
        assert response.status_code == 200
        assert response.content_type == "text/html; charset=utf-8"
        assert response.data == (STATIC / "about.html").read_bytes()
        assert "<p>About page</p>" in response.text


@pytest.mark.parametrize(
    ("path", "mimetype"),
    [
        ("/static/sid.jpg", "image/jpeg"),
        ("/static/sid.png", "image/png"),
        ("/static/style.css", "text/css"),
    ],
)
def test_static_files_come_with_their_type_and_an_etag(client, path, mimetype):
    with client.get(path) as response:
        assert (response.status_code, response.mimetype) == (200, mimetype)
    # test that a client holding the same version gets 304 and no body
    with client.get(path, headers={"If-None-Match": response.headers["ETag"]}) as again:
        assert (again.status_code, again.data) == (304, b"")


test_traversal_is_a_404 = traversal_test(
    [
        ("/static/../pyproject.toml", b"[project]"),  # test that traversal never leaves static/
        ("/static/..%2fpyproject.toml", b"[project]"),
        ("/static/%2e%2e/pyproject.toml", b"[project]"),
        ("/static/%2e%2e%2f%2e%2e%2fetc%2fpasswd", b"root:"),
        ("/static/..%5cpyproject.toml", b"[project]"),
        ("/static/%252e%252e/pyproject.toml", b"[project]"),  # double-encoded: a literal name, not a step up
        ("/static/sid.jpg/../../pyproject.toml", b"[project]"),
        ("/static//etc/passwd", b"root:"),  # (Werkzeug first merges the slashes with a 308)
        ("/static/%2fetc%2fpasswd", b"root:"),
        ("/static/../tourapp/chapters/static_files.py", b"send_static_file"),
        ("/about/../pyproject.toml", b"[project]"),
    ]
)


@pytest.mark.parametrize(
    "path",
    [
        "/static/missing.png",  # test that a missing file is a 404
        "/static/",
        "/static/" + "a" * 10_000,  # test that a name too long for the file system is a 404
        "/static/%ff%fe.png",  # test that bytes that are not UTF-8 are a 404
        "/static/<script>alert(1)<",  # test that markup in a file name is never echoed
        "/static/{{7*7}}",  # test that template syntax in a file name is never evaluated
        "/about/",  # test that unknown routes are 404s
        "/nowhere",
    ],
)
def test_unknown_files_and_routes_are_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "<script>" not in response.text and "49" not in response.text


test_bad_requests_get_a_clear_4xx = clear_4xx_test(
    [
        ("POST", "/", 405),  # test that wrong methods are refused with 405
        ("POST", "/about", 405),
        ("PUT", "/static/sid.jpg", 405),
        ("DELETE", "/static/about.html", 405),
    ]
)


def test_the_pictures_load_over_a_real_socket(live):
    url = live(static_files.app)
    page = requests.get(f"{url}/", timeout=5)
    for link in LINKS.findall(page.text):
        response = requests.get(urljoin(page.url, link), timeout=5)
        assert response.status_code == 200
        assert response.content == (STATIC / link.removeprefix("/static/")).read_bytes()
    about = requests.get(f"{url}/about", timeout=5)
    assert "<p>About page</p>" in about.text


@pytest.mark.parametrize(
    "raw_path",
    ["/static/../pyproject.toml", "/static/%2e%2e/pyproject.toml", "/static/..%2f..%2fetc/passwd"],
)
def test_raw_traversal_over_a_real_socket_is_a_404(live, raw_path):
    # http.client sends the path as written; requests and curl would tidy the ".." away first.
    url = urlsplit(live(static_files.app))
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=5)
    conn.request("GET", raw_path)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    assert response.status == 404
    assert b"[project]" not in body and b"root:" not in body


def test_flask_cli_knows_the_app():
    out = flask_cli("tourapp.chapters.static_files", "routes")
    assert "/about" in out and "/static/<path:filename>" in out


# "Try it": the checks of tourapp/classroom/exercises/static_files.py, against right and typical wrong answers.


NOTEBOOK = "notebooks/08-static-files.ipynb"
grown = partial(grown_from, static_files.create_app)  # a factory of the static-files app with one more route


def picture_page(img):
    return render_template_string(
        '{% extends "base.html" %}{% block title %}Picture{% endblock %}{% block content %}' + img + "{% endblock %}"
    )


def picture_right():
    return picture_page("<img src=\"{{ url_for('static', filename='sid.png') }}\" alt=\"A flask\">")


def picture_fixed_path():
    return picture_page('<img src="/static/sid.png" alt="A flask">')


def picture_jpeg():
    return picture_page("<img src=\"{{ url_for('static', filename='sid.jpg') }}\" alt=\"A flask\">")


def picture_missing_file():
    return picture_page("<img src=\"{{ url_for('static', filename='sid.gif') }}\" alt=\"A flask\">")


def picture_none():
    return picture_page("<p>No picture yet</p>")


def hello_right():
    return current_app.send_static_file("files/hello.txt")


def hello_read_by_hand():
    return (STATIC / "files" / "hello.txt").read_text()


def hello_as_text_without_caching():
    return (STATIC / "files" / "hello.txt").read_text(), {"Content-Type": "text/plain"}


def hello_wrong_name():
    return current_app.send_static_file("hello.txt")


def hello_tag_but_no_304():
    return (STATIC / "files" / "hello.txt").read_text(), {"Content-Type": "text/plain", "ETag": '"fixed"'}


test_try_it_checks = try_it_test(
    [
        # test that the notebook's solutions pass, and so do the same answers written here
        ("08.1", "picture_app", "passed", "through url_for"),
        ("08.2", "hello_file_app", "passed", "earns a 304"),
        ("08.3", "cached_app", "passed", "max-age=3600"),
        ("08.1", grown("/picture/", picture_right), "passed", "GET /picture/ shows static/sid.png"),
        ("08.2", grown("/hello.txt", hello_right), "passed", "GET /hello.txt sends"),
        ("08.3", grown(config={"SEND_FILE_MAX_AGE_DEFAULT": 3600}), "passed", "public, max-age=3600"),
        # test that typical wrong answers fail with a hint that names the mistake
        (
            "08.1",
            grown("/picture/", picture_fixed_path),
            "failed",
            "Mounted under /tour, the page links the picture as '/static/sid.png', expected '/tour/static/sid.png'. "
            "Hint: a fixed path knows nothing of the prefix",
        ),
        (
            "08.1",
            grown("/picture/", picture_jpeg),
            "failed",
            "GET /picture/ links the picture as '/static/sid.jpg', expected '/static/sid.png'. Hint: link the picture "
            "with {{ url_for('static', filename='sid.png') }}",
        ),
        (
            "08.1",
            grown("/picture/", picture_missing_file),
            "failed",
            "as '/static/sid.gif', expected '/static/sid.png'",
        ),
        (
            "08.1",
            grown("/picture/", picture_none),
            "failed",
            "GET /picture/ has 0 <img> tags with a src, expected exactly one. Hint: add <img src=",
        ),
        (
            "08.1",
            grown("/picture", picture_right),
            "failed",
            "GET /picture/ answered 404 NOT FOUND, expected 200 OK. Hint: no route matches /picture/",
        ),
        (
            "08.2",
            grown("/hello.txt", hello_read_by_hand),
            "failed",
            "GET /hello.txt answered with Content-Type text/html, expected text/plain. Hint: send it with "
            "app.send_static_file('files/hello.txt')",
        ),
        (
            "08.2",
            grown("/hello.txt", hello_as_text_without_caching),
            "failed",
            "GET /hello.txt answered without an ETag header",
        ),
        (
            "08.2",
            grown("/hello.txt", hello_wrong_name),
            "failed",
            "GET /hello.txt answered 404 NOT FOUND, expected 200 OK. Hint: the route is there, but the file it asks "
            "for is not: its name is files/hello.txt",
        ),
        (
            "08.2",
            grown("/hello", hello_right),
            "failed",
            "GET /hello.txt answered 404 NOT FOUND, expected 200 OK. Hint: no route matches /hello.txt",
        ),
        (
            "08.2",
            grown("/hello.txt", hello_tag_but_no_304),
            "failed",
            "answered 200 OK, expected 304 NOT MODIFIED. Hint: the answer should depend on If-None-Match",
        ),
        (
            "08.3",
            grown(),
            "failed",
            "GET /static/sid.jpg answered with Cache-Control: no-cache, expected public, max-age=3600. Hint: set "
            "SEND_FILE_MAX_AGE_DEFAULT",
        ),
        (
            "08.3",
            grown(config={"SEND_FILE_MAX_AGE_DEFAULT": 60}),
            "failed",
            "Cache-Control: public, max-age=60, expected public, max-age=3600. Hint: max-age counts seconds: an hour "
            "is 3600 of them.",
        ),
        ("08.3", grown(config={"SEND_FILE_MAX_AGE": 3600}), "failed", "Hint: set SEND_FILE_MAX_AGE_DEFAULT"),
        # test that an exercise not started yet is "not done", not a failure
        ("08.1", MISSING, "not done", "not done yet: `picture_app` is not defined"),
        (
            "08.2",
            grown("/hello.txt", placeholder),
            "not done",
            "not done yet: GET /hello.txt still raises NotImplementedError in placeholder()",
        ),
        (
            "08.3",
            factory_placeholder,
            "not done",
            "not done yet: factory_placeholder() still raises NotImplementedError",
        ),
    ],
    NOTEBOOK,
)
