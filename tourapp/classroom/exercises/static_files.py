"""Chapter 08's exercises: grow the static-files app by a picture linked with url_for, a file sent, a cache."""

import re

from werkzeug.exceptions import HTTPException

from ...chapters.paths import STATIC
from .expect import Miss, expect_mimetype, expect_status, expect_text
from .registry import exercise

PREFIX = "/tour"  # where a proxy might mount the app: https://example.org/tour/…
HELLO = (STATIC / "files" / "hello.txt").read_text(encoding="utf-8")
HOUR = 3600


@exercise(
    "08.1",
    "A picture, linked with url_for",
    name="picture_app",
    goal="GET /picture/ shows static/sid.png through url_for, so the link still works under a prefix.",
)
def picture(probe):
    """Check that GET /picture/ links sid.png with url_for: right at the root and under a prefix."""
    response = probe.get("/picture/")
    expect_status(response, 200)
    expect_mimetype(response, "text/html")
    src = _img_src(response.text, "GET /picture/")
    if src != "/static/sid.png":
        hint = "link the picture with {{ url_for('static', filename='sid.png') }}"
        raise Miss(f"GET /picture/ links the picture as {src!r}, expected '/static/sid.png'.", hint)
    image = probe.get(src)
    expect_status(image, 200)
    expect_mimetype(image, "image/png")
    # The same page as an app mounted under /tour gets it: only url_for knows about the prefix.
    page = probe.app.test_client().get("/picture/", base_url=f"http://localhost{PREFIX}/")
    src = _img_src(page.get_data(as_text=True), f"GET {PREFIX}/picture/")
    if src != f"{PREFIX}/static/sid.png":
        hint = (
            "a fixed path knows nothing of the prefix, so the link breaks: let "
            "{{ url_for('static', filename='sid.png') }} write it"
        )
        raise Miss(
            f"Mounted under {PREFIX}, the page links the picture as {src!r}, expected '{PREFIX}/static/sid.png'.", hint
        )


@exercise(
    "08.2",
    "A text file, sent as a file",
    name="hello_file_app",
    goal="GET /hello.txt sends static/files/hello.txt as text/plain, with an ETag that earns a 304.",
)
def hello_file(probe):
    """Check that GET /hello.txt sends the file with send_static_file: type, ETag, 304."""
    response = probe.get("/hello.txt")
    expect_status(response, 200, _missing_file_hint(probe, response))
    send = (
        "send it with app.send_static_file('files/hello.txt'), which also names its type and adds the caching headers"
    )
    expect_mimetype(response, "text/plain", send)
    expect_text(response, HELLO)
    etag = response.headers.get("ETag")
    if etag is None:
        raise Miss(
            "GET /hello.txt answered without an ETag header, so a browser cannot ask whether its copy is still good.",
            send,
        )
    again = probe.get("/hello.txt", headers={"If-None-Match": etag})
    expect_status(again, 304, "the answer should depend on If-None-Match: send_static_file handles it for you")


@exercise(
    "08.3",
    "Keep it for an hour",
    name="cached_app",
    goal="GET /static/… and GET /about answer with Cache-Control: public, max-age=3600.",
)
def cached(probe):
    """Check that the app's static files tell browsers to keep them for an hour."""
    for path in ("/static/sid.jpg", "/about"):
        response = probe.get(path)
        expect_status(response, 200)
        cache = response.headers.get("Cache-Control", "")
        ages = re.findall(r"max-age=(\d+)", cache)
        if ages == [str(HOUR)] and "no-cache" not in cache:
            continue
        if not ages:
            hint = "set SEND_FILE_MAX_AGE_DEFAULT, the setting Flask reads for every file it sends, to an hour"
        elif int(ages[0]) in (1, 60):
            hint = "max-age counts seconds: an hour is 3600 of them"
        else:
            hint = None
        raise Miss(f"GET {path} answered with Cache-Control: {cache or 'none'}, expected public, max-age={HOUR}.", hint)


def _img_src(page, label):
    """Return the src of the one <img> on a page, or fail."""
    sources = re.findall(r"""<img\b[^>]*\bsrc\s*=\s*["']([^"']*)["']""", page, re.IGNORECASE)
    if len(sources) != 1:
        raise Miss(
            f"{label} has {len(sources)} <img> tags with a src, expected exactly one.",
            "add <img src=\"{{ url_for('static', filename='sid.png') }}\" alt=\"…\"> to the page",
        )
    return sources[0]


def _missing_file_hint(probe, response):
    """Tell a route that finds no file from no route at all: both answer 404."""
    if response.status_code != 404:
        return None
    try:
        probe.app.url_map.bind("localhost").match("/hello.txt", method="GET")
    except HTTPException:
        return None  # no route: expect_status says so
    return (
        "the route is there, but the file it asks for is not: its name is files/hello.txt, "
        "relative to the static folder"
    )
