"""show(): a response printed like curl -i, binary bodies summarized, pages made self-contained."""

import re

import requests
from flask import Flask, send_file

from tourapp import display, serve, show

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8ffff3f0005fe02fea7d6a4c10000000049454e44ae426082"
)


def make_app():
    app = Flask("display-probe")

    @app.get("/")
    def page():
        return '<link rel="stylesheet" href="/style.css"><p>Hi</p><img src="/dot.png" alt="dot">'

    @app.get("/dot.png")
    def dot():
        return PNG, {"Content-Type": "image/png"}

    @app.get("/style.css")
    def style():
        return "p { color: red; }", {"Content-Type": "text/css"}

    @app.get("/text")
    def text():
        return "Hello Lucia", {"Content-Type": "text/plain; charset=utf-8"}

    return app


def test_text_response_is_printed_like_curl_i(capsys):
    with serve(make_app()) as server:
        show(requests.get(f"{server.url}/text", timeout=5))
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "HTTP/1.1 200 OK"
    assert "Content-Type: text/plain; charset=utf-8" in lines
    assert "Content-Length: 11" in lines
    assert re.search(r"^Server: Werkzeug/\S+ Python/\S+$", out, re.M)
    assert lines[-2:] == ["", "Hello Lucia"]


def test_binary_body_is_summarized(capsys):
    with serve(make_app()) as server:
        show(requests.get(f"{server.url}/dot.png", timeout=5))
    out = capsys.readouterr().out
    assert out.rstrip().endswith(f"<PNG image, {len(PNG)} bytes>")
    assert "\x89PNG" not in out


def test_followed_redirects_are_printed_first(capsys):
    app = Flask("redirect-probe")
    app.add_url_rule("/a/", "a", lambda: "here")
    with serve(app) as server:
        show(requests.get(f"{server.url}/a", timeout=5))
    out = capsys.readouterr().out
    assert out.index("HTTP/1.1 308 PERMANENT REDIRECT") < out.index("HTTP/1.1 200 OK")


def test_inline_page_carries_its_images_and_styles_in_a_sandboxed_frame():
    with serve(make_app()) as server:
        framed = display._framed(requests.get(server.url, timeout=5))
    assert framed.startswith("<div><iframe srcdoc=") and " sandbox " in framed
    assert "data:image/png;base64," in framed
    assert "p { color: red; }" in framed
    assert "/dot.png" not in framed and "<p>" not in framed  # escaped inside srcdoc


def test_size_units():
    assert display._size(312) == "312 bytes"
    assert display._size(4198) == "4.1 KiB"
    assert display._size(3 * 1024 * 1024) == "3.0 MiB"
