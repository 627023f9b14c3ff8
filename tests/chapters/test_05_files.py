"""Chapter 05: /image sends the PNG; /files/… and /download/… send files of one folder, never more."""

import http.client
from functools import partial
from urllib.parse import urlsplit

import flask
import pytest
import requests

from tests.helpers.support import MISSING, clear_4xx_test, factory_placeholder, flask_cli, placeholder, try_it_test
from tests.helpers.support import grown as grown_from
from tourapp.chapters import files
from tourapp.chapters.paths import ROOT, STATIC

PNG = (STATIC / "sid.png").read_bytes()
FILES = {
    "hello.txt": (STATIC / "files" / "hello.txt").read_bytes(),
    "notes/tea.txt": (STATIC / "files" / "notes" / "tea.txt").read_bytes(),
}
# Files just outside the served folders; none of them may ever come back.
OUTSIDE = [PNG, (ROOT / "tourapp" / "chapters" / "paths.py").read_bytes(), (ROOT / "pyproject.toml").read_bytes()]
FILE_ROUTES = ["/files/", "/download/", "/static/"]
# Ways to climb out of a folder: plain, percent-encoded, encoded slashes, backslashes,
# absolute paths, NUL bytes, and climbing out of a subfolder.
TRAVERSALS = [
    "../sid.png",
    "../../paths.py",
    "../../pyproject.toml",
    "%2e%2e/sid.png",
    "%2E%2E/%2E%2E/pyproject.toml",
    "..%2Fsid.png",
    "%2e%2e%2f%2e%2e%2fpaths.py",
    "..%5Csid.png",
    "..\\..\\pyproject.toml",
    "%2Fetc%2Fpasswd",
    "/etc/passwd",
    "%2F" + str(ROOT / "pyproject.toml").lstrip("/").replace("/", "%2F"),
    "notes/../../sid.png",
    "notes/%2e%2e/%2e%2e/sid.png",
    "hello.txt%00",
    "%00../sid.png",
    "....//sid.png",
]


@pytest.fixture
def client():
    return files.create_app({"TESTING": True}).test_client()


def test_image_is_the_png_from_static(client):
    # test the tutorial's /image: a PNG, the very bytes of static/sid.png
    with client.get("/image") as response:
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "image/png"
        assert response.data == PNG
        assert response.headers["Content-Length"] == str(len(PNG))


@pytest.mark.parametrize("name", FILES)
@pytest.mark.parametrize(("route", "disposition"), [("/files/", "inline"), ("/download/", "attachment")])
def test_files_are_sent_by_name(client, route, disposition, name):
    # test that a file of the folder comes back whole, typed by its extension
    with client.get(route + name) as response:
        assert response.status_code == 200
        assert response.data == FILES[name]
        assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
        assert response.headers["Content-Disposition"] == f"{disposition}; filename={name.rsplit('/', 1)[-1]}"


def test_the_static_route_serves_the_same_picture(client):
    with client.get("/static/sid.png") as response:
        assert response.data == PNG


@pytest.mark.parametrize("attempt", TRAVERSALS)
@pytest.mark.parametrize("route", FILE_ROUTES)
def test_traversal_is_a_404_and_never_a_file_outside(client, route, attempt):
    # test that no spelling of "go up" leaves the folder: 404 (after at most a slash redirect)
    response = client.get(route + attempt, follow_redirects=True)
    assert response.status_code == 404
    assert all(outside not in response.data for outside in OUTSIDE)


@pytest.mark.parametrize(
    "url",
    [
        "/files/notes",  # test that a folder is not a file
        "/files/notes/",
        "/files/.",
        "/files/",  # test that an empty name matches no rule
        "/files/missing.txt",
        "/files/%ff%fe.txt",  # test that invalid UTF-8 is a clean 404
        "/files/" + "a" * 5000,  # test that a name too long for the file system is a 404, not a 500
        "/download/" + "a/" * 3000 + "b",
        "/images",
        "/image/",  # test that the strict rule takes no trailing slash
    ],
)
def test_what_is_not_there_is_a_404(client, url):
    assert client.get(url).status_code == 404


test_bad_requests_get_a_clear_4xx = clear_4xx_test(
    [
        ("POST", "/image", 405),  # test that files are read-only: other methods get 405
        ("PUT", "/files/hello.txt", 405),
        ("DELETE", "/files/hello.txt", 405),
        ("POST", "/download/hello.txt", 405),
    ]
)


@pytest.mark.parametrize("url", ["/image", "/files/hello.txt"])
def test_a_cached_copy_is_confirmed_with_304(client, url):
    # test that a client holding the current ETag gets 304 and no body
    with client.get(url) as first:
        etag = first.headers["ETag"]
    with client.get(url, headers={"If-None-Match": etag}) as response:
        assert response.status_code == 304
        assert response.data == b""


def test_a_byte_range_is_sent_alone(client):
    # test that Range requests work: the first 8 bytes are the PNG signature
    with client.get("/image", headers={"Range": "bytes=0-7"}) as response:
        assert response.status_code == 206
        assert response.data == PNG[:8]


def _raw_get(url, path):
    """Send ``path`` exactly as written (requests and curl would tidy up ``..`` first)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_image_over_a_real_socket(live):
    url = live(files.app)
    response = requests.get(f"{url}/image", timeout=5)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/png"
    assert response.content == PNG


@pytest.mark.parametrize("route", FILE_ROUTES)
def test_traversal_over_a_real_socket(live, route):
    # test that raw, unnormalized paths sent by a hostile client never reach a file outside
    url = live(files.app)
    for attempt in TRAVERSALS:
        status, body = _raw_get(url, route + attempt)
        assert status in (308, 404), attempt  # 308 only merges slashes; following it is a 404 above
        assert all(outside not in body for outside in OUTSIDE), attempt
    assert _raw_get(url, "/files/hello.txt") == (200, FILES["hello.txt"])


def test_flask_cli_knows_the_app():
    # `flask --app tourapp.chapters.files run` finds the app; `routes` proves it without a port.
    out = flask_cli("tourapp.chapters.files", "routes")
    assert "image" in out and "/files/<path:name>" in out and "/download/<path:name>" in out


# "Try it": the checks of tourapp/classroom/exercises/files.py, against right and typical wrong answers.

NOTEBOOK = "notebooks/05-send-file.ipynb"
NOTES = files.FILES / "notes"
grown = partial(grown_from, files.create_app)  # a factory of the chapter's app with one more route


def photo_png():
    return flask.send_file(STATIC / "sid.png")


def photo_typed_png():
    return flask.send_file(STATIC / "sid.jpg", mimetype="image/png")


def download_inline():
    return flask.send_file(STATIC / "sid.jpg", download_name="flask-tour.jpg")


def download_unnamed():
    return flask.send_file(STATIC / "sid.jpg", as_attachment=True)


def download_old_argument():
    return flask.send_file(STATIC / "sid.jpg", as_attachment=True, attachment_filename="flask-tour.jpg")


def notes_joined(name):
    return flask.send_file(NOTES / name)


def notes_checked(name):
    if not (NOTES / name).is_file():
        flask.abort(404)
    return flask.send_file(NOTES / name)


def notes_elsewhere(name):
    return flask.send_from_directory(files.FILES, name)


test_try_it_checks = try_it_test(
    [
        # test that the notebook's solutions pass
        ("05.1", "photo_app", "passed", "GET /photo sends static/sid.jpg as image/jpeg."),
        ("05.2", "photo_download_app", "passed", "as an attachment named flask-tour.jpg"),
        ("05.3", "notes_app", "passed", "a missing name and a name with .. get a 404"),
        # test that typical wrong answers fail with a hint that names the mistake
        (
            "05.1",
            grown("/photo", photo_png),
            "failed",
            "GET /photo sent static/sid.png, expected static/sid.jpg. Hint: check the file name in your path.",
        ),
        (
            "05.1",
            grown("/photo", photo_typed_png),
            "failed",
            "GET /photo answered with Content-Type image/png, expected image/jpeg. Hint: send_file guesses the type "
            "from the file name",
        ),
        (
            "05.2",
            grown("/photo/download", download_inline),
            "failed",
            "Content-Disposition: inline; filename=flask-tour.jpg, expected attachment; filename=flask-tour.jpg. Hint: "
            "the browser would show it in place: as_attachment=True",
        ),
        (
            "05.2",
            grown("/photo/download", download_unnamed),
            "failed",
            "Content-Disposition: attachment; filename=sid.jpg, expected attachment; filename=flask-tour.jpg. Hint: "
            "download_name='flask-tour.jpg'",
        ),
        (
            "05.2",
            grown("/photo/download", download_old_argument),
            "failed",
            "unexpected keyword argument 'attachment_filename' in download_old_argument(), line",
        ),
        (
            "05.3",
            grown("/notes/<path:name>", notes_joined),
            "failed",
            "GET /notes/missing.txt answered 500 INTERNAL SERVER ERROR because the view raised FileNotFoundError",
        ),
        (
            "05.3",
            grown("/notes/<path:name>", notes_elsewhere),
            "failed",
            "GET /notes/tea.txt answered 404 NOT FOUND, expected 200 OK. Hint: either no route matches /notes/tea.txt, "
            "or the view looks for tea.txt in another folder",
        ),
        (
            "05.3",
            grown("/notes/<path:name>", notes_checked),
            "failed",
            "GET /notes/../hello.txt sent static/files/hello.txt, from outside static/files/notes: a visitor could "
            "read any file this way. Hint: send_from_directory(folder, name)",
        ),
        # test that a function that is missing or still the placeholder is "not done yet"
        ("05.1", MISSING, "not done", "not done yet: `photo_app` is not defined"),
        (
            "05.2",
            factory_placeholder,
            "not done",
            "not done yet: factory_placeholder() still raises NotImplementedError",
        ),
        (
            "05.3",
            grown("/notes/<path:name>", placeholder),
            "not done",
            "not done yet: GET /notes/tea.txt still raises NotImplementedError",
        ),
    ],
    NOTEBOOK,
)
