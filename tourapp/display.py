"""Show HTTP responses the way ``curl -i`` prints them, and pages and images inline."""

from __future__ import annotations

import base64
import inspect
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from markupsafe import escape

from .paths import ROOT

__all__ = ["show", "show_code"]

_TEXT_TYPES = ("text/", "application/json", "application/xml", "application/javascript", "image/svg+xml")
_INLINE_IMAGES = {"image/png": "png", "image/jpeg": "jpeg", "image/gif": "gif"}
_IMG_SRC = re.compile(r"""(<img\b[^>]*?\bsrc\s*=\s*)(["'])([^"']*)\2""", re.IGNORECASE)
_STYLESHEET = re.compile(r"""<link\b[^>]*?\brel\s*=\s*["']?stylesheet["']?[^>]*>""", re.IGNORECASE)
_MARKUP = re.compile(r"<[a-zA-Z!]")  # a page worth rendering, not a bare sentence
_BLOCKS = re.compile(r"<(?:p|h[1-6]|li|tr|div|br|pre)\b", re.IGNORECASE)
_HREF = re.compile(r"""\bhref\s*=\s*(["'])([^"']*)\1""", re.IGNORECASE)
_LANGUAGES = {".py": "python", ".html": "html", ".sql": "sql", ".css": "css", ".cfg": "ini", ".svg": "xml"}


def show(response, *, inline=True):
    """Print a ``requests`` response like ``curl -i``; in a notebook also display pages and images.

    Redirects that ``requests`` followed are printed first, as ``curl -iL`` would.

    :param inline: display HTML pages (in a frame) and images below the text.
    """
    for earlier in response.history:
        print(_as_text(earlier))
    print(_as_text(response))
    if inline and _in_notebook():
        _display_inline(response)


def show_code(obj):
    """Print the source of a module, function or class, or of a file given relative to the repo."""
    if isinstance(obj, (str, Path)):
        path = ROOT / obj
        source = path.read_text(encoding="utf-8")
    else:
        path = Path(inspect.getsourcefile(obj))
        source = inspect.getsource(obj)
    name = path.resolve().relative_to(ROOT).as_posix()
    if _in_notebook():
        from IPython.display import Markdown, display

        fence = "```"
        display(Markdown(f"`{name}`\n\n{fence}{_LANGUAGES.get(path.suffix, '')}\n{source.rstrip()}\n{fence}"))
    else:
        print(f"# {name}\n{source.rstrip()}")


def _as_text(response):
    """Return the status line, headers, a blank line and the body (binary bodies summarized)."""
    version = {10: "HTTP/1.0", 11: "HTTP/1.1"}.get(getattr(response.raw, "version", 11), "HTTP/1.1")
    lines = [f"{version} {response.status_code} {response.reason}"]
    # The raw headers keep repeats apart (two Date lines, as curl -i prints them); the merged
    # response.headers would join them with a comma.
    headers = getattr(response.raw, "headers", None) or response.headers
    lines += [f"{name}: {value}" for name, value in headers.items()]
    lines.append("")
    body = response.content
    if body:
        if _is_text(response):
            lines.append(body.decode(response.encoding or "utf-8", errors="replace"))
        else:
            lines.append(_summary(response))
    return "\n".join(lines)


def _mimetype(response):
    return response.headers.get("Content-Type", "").split(";")[0].strip().lower()


def _is_text(response):
    mimetype = _mimetype(response)
    return mimetype.startswith(_TEXT_TYPES) or mimetype.endswith("+json")


def _summary(response):
    """Describe a binary body by kind and size, e.g. ``<PNG image, 4.1 KiB>``."""
    mimetype = _mimetype(response) or "application/octet-stream"
    kind, _, subtype = mimetype.partition("/")
    what = f"{subtype.upper()} image" if kind == "image" else f"{mimetype} data"
    return f"<{what}, {_size(len(response.content))}>"


def _size(n):
    if n < 1024:
        return f"{n} bytes"
    return f"{n / 1024:.1f} KiB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MiB"


def _in_notebook():
    """Tell whether we run in a Jupyter kernel, where rich output can be displayed."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


def _display_inline(response):
    from IPython.display import HTML, Image, display

    mimetype = _mimetype(response)
    if mimetype in _INLINE_IMAGES and response.content:
        display(Image(data=response.content, format=_INLINE_IMAGES[mimetype]))
    elif mimetype == "image/svg+xml" and response.content:
        # The body as the app sent it: IPython's SVG() re-writes it through minidom, whose
        # escaping differs between Pythons (`&quot;` in text before 3.13, `"` from 3.13 on).
        display({"image/svg+xml": response.text}, raw=True)
    elif mimetype == "text/html" and _MARKUP.search(response.text):
        display(HTML(_framed(response)))


def _framed(response):
    """Wrap a page in a sandboxed frame, its images and stylesheets fetched from the app and inlined.

    The notebook's browser resolves relative links against JupyterLab, not the app (and on a
    hub cannot reach 127.0.0.1 at all), so the page must carry what it shows. The frame keeps
    the page's styles from restyling the notebook and its scripts from running.
    """
    import requests

    page = response.text
    origin = urlsplit(response.url)[:2]

    def fetch(link):
        url = urljoin(response.url, link)
        if link.startswith("data:") or urlsplit(url)[:2] != origin:
            return None
        try:
            answer = requests.get(url, timeout=10)
        except requests.RequestException:
            return None
        return answer if answer.ok else None

    def inline_image(match):
        answer = fetch(match.group(3))
        if answer is None:
            return match.group(0)
        data = base64.b64encode(answer.content).decode("ascii")
        return f"{match.group(1)}{match.group(2)}data:{_mimetype(answer)};base64,{data}{match.group(2)}"

    def inline_stylesheet(match):
        href = _HREF.search(match.group(0))
        answer = fetch(href.group(2)) if href else None
        return match.group(0) if answer is None else f"<style>\n{answer.text}</style>"

    images = len(_IMG_SRC.findall(page))
    page = _STYLESHEET.sub(inline_stylesheet, _IMG_SRC.sub(inline_image, page))
    # A sandboxed frame cannot report its height: size it from what the page holds, and let
    # the reader drag its corner (resize) where the guess is off.
    height = min(600, 60 + 40 * len(_BLOCKS.findall(page)) + 180 * images)
    return (
        f'<div><iframe srcdoc="{escape(page)}" sandbox title="{escape(response.url)}" '
        f'style="width: 100%; height: {height}px; resize: vertical; border: 1px solid #ccc; background: white;"></iframe></div>'
    )
