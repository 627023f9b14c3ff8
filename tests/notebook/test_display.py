"""show(): a response printed like curl -i, binary bodies summarized, pages made self-contained."""

import base64
import html
import re
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests
from flask import Flask, redirect
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

from tests.helpers.support import kernel_manager
from tourapp import serve, show
from tourapp.chapters import files, static_files
from tourapp.chapters.paths import STATIC
from tourapp.notebook import display

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

    @app.get("/long")
    def long():
        return "\n".join(f"line {n}" for n in range(100)), {"Content-Type": "text/plain"}

    @app.get("/go")
    def go():
        return redirect("/")

    @app.get("/page/<int:n>")
    def page_n(n):
        return PAGES[n][0]

    return app


# Pages whose pictures and stylesheets show() must inline, and the page the frame must carry.
DOT = f"data:image/png;base64,{base64.b64encode(PNG).decode()}"
PAGES = [
    # test that an unquoted src is inlined (and quoted, as base64 may end in "=")
    ("<p>Hi</p><img src=/dot.png alt=dot>", f'<p>Hi</p><img src="{DOT}" alt=dot>'),
    # test that data-src is left alone and src is the one inlined
    ('<p>Hi</p><img data-src="/dot.png" src="/dot.png">', f'<p>Hi</p><img data-src="/dot.png" src="{DOT}">'),
    # test that a ">" inside a quoted alt does not end the tag early
    ("<p>Hi</p><img alt='1 > 0' src='/dot.png'>", f"<p>Hi</p><img alt='1 > 0' src='{DOT}'>"),
    # test that rel is a list of words: "preload stylesheet" is a stylesheet too
    ('<link rel="preload stylesheet" href="/style.css"><p>Hi</p>', "<style>\np { color: red; }</style><p>Hi</p>"),
    # test that a character reference in a URL is decoded before it is fetched; the case of names does not matter
    ('<p>Hi</p><IMG SRC="/dot&#46;png">', f'<p>Hi</p><IMG SRC="{DOT}">'),
    # test that an alternate stylesheet (off until the reader picks it) and a tag in a comment stay as they are
    (
        '<link rel="alternate stylesheet" href="/style.css"><!-- <img src="/dot.png"> --><p>Hi</p>',
        '<link rel="alternate stylesheet" href="/style.css"><!-- <img src="/dot.png"> --><p>Hi</p>',
    ),
]


def srcdoc(framed):
    """Return the page inside a frame made by show(), unescaped."""
    return html.unescape(re.fullmatch(r'<div><iframe srcdoc="([^"]*)" sandbox .*', framed, re.DOTALL).group(1))


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


@pytest.mark.parametrize("n", range(len(PAGES)))
def test_inlining_reads_tags_as_a_browser_does_and_changes_nothing_else(n):
    with serve(make_app()) as server:
        assert srcdoc(display._framed(requests.get(f"{server.url}/page/{n}", timeout=5))) == PAGES[n][1]


def test_size_units():
    assert display._size(312) == "312 bytes"
    assert display._size(4198) == "4.1 KiB"
    assert display._size(3 * 1024 * 1024) == "3.0 MiB"


def _shown_in_a_kernel(code):
    """Run ``code`` after serving make_app() in a real kernel; return the outputs of that cell."""
    # the kernel imports this module as pytest does, from the checkout
    setup = f"import sys, requests\nsys.path.insert(0, {str(Path(__file__).parents[2])!r})\n"
    setup += (
        "from tests.notebook.test_display import make_app\nfrom tourapp import serve, show\nserver = serve(make_app())"
    )
    nb = new_notebook(cells=[new_code_cell(setup), new_code_cell(code), new_code_cell("server.stop()")])
    NotebookClient(nb, km=kernel_manager(), timeout=60).execute(cleanup_kc=True)
    return nb.cells[1].outputs


def test_a_long_body_is_folded_in_a_notebook_but_whole_in_text_plain():
    [output] = _shown_in_a_kernel('show(requests.get(f"{server.url}/long"))')
    html, text = output.data["text/html"], output.data["text/plain"]
    assert text.endswith("\n".join(f"line {n}" for n in range(100)))  # the whole body for nbval and terminals
    assert html.startswith("<pre>HTTP/1.1 200 OK") and "<details><summary>" in html
    assert "line 99" in html.split("<details>")[1] and "line 99" not in html.split("<details>")[0]


def test_a_redirect_is_printed_but_only_the_final_page_is_rendered():
    outputs = _shown_in_a_kernel('show(requests.get(f"{server.url}/go"))')
    text = "".join(o.get("text", "") for o in outputs)
    assert text.index("HTTP/1.1 302 FOUND") < text.index("HTTP/1.1 200 OK")
    frames = [o.data["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert len(frames) == 1 and "Hi" in frames[0] and "Redirecting" not in frames[0]


def test_a_frame_is_sized_from_its_text_and_its_pictures():
    assert display._frame_height("<h1>Title</h1><p>one line</p>") < 150
    long = "<p>" + "word " * 400 + "</p>"
    assert display._frame_height(long) > display._frame_height("<p>word</p>") + 3 * 28
    picture = f'<p><img src="data:image/png;base64,{base64.b64encode(PNG).decode()}"></p>'
    assert display._image_size(PNG) == (1, 1)
    assert display._image_size((STATIC / "sid.jpg").read_bytes()) == (240, 180)
    assert display._image_size((STATIC / "sid.png").read_bytes()) == (240, 180)
    assert display._frame_height(picture) < display._frame_height(
        picture.replace("<p><img", "<p>x</p>" * 3 + "<p><img")
    )


def test_show_code_folds_a_listing_on_request(monkeypatch):
    # test that fold=True shows the file's name and length and keeps the whole listing inside
    shown = []
    monkeypatch.setattr(display, "_in_notebook", lambda: True)
    monkeypatch.setattr("IPython.display.display", lambda obj, **kwargs: shown.append(obj.data))
    display.show_code("templates/cities_chart.svg", fold=True)
    display.show_code("templates/cities_chart.svg")
    folded, whole = shown
    source = (STATIC.parent / "templates" / "cities_chart.svg").read_text(encoding="utf-8").rstrip()
    # the name shown is where the file is in the workbook: the chapters' files are in the package
    name = "tourapp/chapters/templates/cities_chart.svg"
    summary = f"<details><summary><code>{name}</code> · {source.count(chr(10)) + 1} lines</summary>"
    assert folded.startswith(summary + "\n\n```xml\n") and folded.endswith("```\n\n</details>")
    assert source in folded
    assert whole == f"`{name}`\n\n```xml\n{source}\n```"


_CHAPTER_PAGES = """
import requests
from tourapp import serve, show
from tourapp.chapters import files, static_files
site, pictures = serve(static_files.app), serve(files.app)
for url in [site.url, f"{site.url}/about", f"{site.url}/static/sid.jpg", f"{pictures.url}/image"]:
    show(requests.get(url))
site.stop(), pictures.stop()
"""


def test_every_picture_and_stylesheet_show_inlines_is_the_file_the_app_serves():
    # test show()'s real output in a kernel for chapter 08's pages and pictures and chapter 05's
    # /image: every byte of each inline picture, and each stylesheet, against what the app sends
    nb = new_notebook(cells=[new_code_cell(_CHAPTER_PAGES)])
    NotebookClient(nb, km=kernel_manager(), timeout=60).execute(cleanup_kc=True)
    shown = [output.data for output in nb.cells[0].outputs if output.output_type == "display_data"]
    frames = [srcdoc(data["text/html"]) for data in shown if "text/html" in data]
    images = [base64.b64decode(data[kind]) for data in shown for kind in ("image/png", "image/jpeg") if kind in data]
    with serve(static_files.app) as site, serve(files.app) as pictures:
        originals = [requests.get(url, timeout=5) for url in [f"{site.url}/", f"{site.url}/about"]]
        assert len(frames) == 2 and images == [
            requests.get(f"{site.url}/static/sid.jpg", timeout=5).content,
            requests.get(f"{pictures.url}/image", timeout=5).content,
        ]
        served = {}
        for original, page in zip(originals, frames, strict=True):
            sources = [tag.attrs["src"] for tag in display._start_tags(original.text) if tag.name == "img"]
            inlined = [tag.attrs["src"] for tag in display._start_tags(page) if tag.name == "img"]
            assert len(inlined) == len(sources)
            for source, data_url in zip(sources, inlined, strict=True):
                kind, _, data = data_url.partition(";base64,")
                answer = requests.get(urljoin(original.url, source), timeout=5)
                assert (kind, base64.b64decode(data, validate=True)) == ("data:image/jpeg", answer.content)
                served[source] = answer.content
            css = requests.get(f"{site.url}/static/style.css", timeout=5).text
            assert f"<style>\n{css}</style>" in page and "<link" not in page
    assert served == {"/static/sid.jpg": (STATIC / "sid.jpg").read_bytes()}
    assert images == [(STATIC / "sid.jpg").read_bytes(), (STATIC / "sid.png").read_bytes()]
