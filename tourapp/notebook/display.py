"""Show HTTP responses the way ``curl -i`` prints them, and pages and images inline."""

from __future__ import annotations

import base64
import inspect
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from markupsafe import escape

from ..chapters.paths import ROOT, chapter_file

if TYPE_CHECKING:
    import requests

__all__ = ["show", "show_code"]

_TEXT_TYPES = ("text/", "application/json", "application/xml", "application/javascript", "image/svg+xml")
_INLINE_IMAGES = {"image/png": "png", "image/jpeg": "jpeg", "image/gif": "gif"}
_MARKUP = re.compile(r"<[a-zA-Z!]")  # a page worth rendering, not a bare sentence
_BLOCK_TEXT = re.compile(
    r"<(?:p|h[1-6]|li|tr|pre|dt|dd|figcaption)\b[^>]*>(.*?)(?=<(?:/?(?:p|h[1-6]|li|tr|pre|ul|ol|table|div|main|body|dt|dd))\b|$)",
    re.IGNORECASE | re.DOTALL,
)
_DATA_IMAGE = re.compile(r"data:image/[a-z]+;base64,([A-Za-z0-9+/=]+)$", re.IGNORECASE)
# One attribute of a start tag, as html.parser's tolerant parser reads it (its attrfind_tolerant):
# the name, then an optional value, quoted with ' or " or bare.
_ATTRIBUTE = re.compile(r"""((?<=['"\s/])[^\s/>][^\s/=>]*)(\s*=+\s*('[^']*'|"[^"]*"|(?!['"])[^>\s]*))?(?:\s|/(?!>))*""")
_TAG_NAME = re.compile(r"<[a-zA-Z][^\t\n\r\f />\x00]*(?:\s|/(?!>))*")
_FOLD_AFTER = 25  # lines of show()'s text before the rest is folded away in a notebook
_FOLD_AT_LEAST = 10  # ... when that hides this many lines or more: folding three is no help
_LANGUAGES = {".py": "python", ".html": "html", ".sql": "sql", ".css": "css", ".cfg": "ini", ".svg": "xml"}


def show(response: requests.Response, *, inline: bool = True) -> None:
    """Print a ``requests`` response like ``curl -i``; in a notebook also display pages and images.

    Redirects that ``requests`` followed are printed first, as ``curl -iL`` would.

    :param inline: display HTML pages (in a frame) and images below the text.
    """
    text = "\n".join(_as_text(r) for r in [*response.history, response])
    lines = text.split("\n")
    if _in_notebook() and len(lines) > _FOLD_AFTER + _FOLD_AT_LEAST:
        from IPython.display import display

        # A long body (an SVG's source, a long page) would push the picture off the screen:
        # show its start and fold the rest; terminals and nbval read the whole text/plain.
        head, rest = "\n".join(lines[:_FOLD_AFTER]), "\n".join(lines[_FOLD_AFTER:])
        folded = (
            f"<pre>{escape(head)}</pre><details><summary>{len(lines) - _FOLD_AFTER} more lines</summary>"
            f"<pre>{escape(rest)}</pre></details>"
        )
        display({"text/plain": text, "text/html": folded}, raw=True)
    else:
        print(text)
    if inline and _in_notebook() and not response.is_redirect:  # a browser never shows a redirect's own page
        _display_inline(response)


def show_code(obj: str | Path | ModuleType | type | Callable[..., object], *, fold: bool = False) -> None:
    """Print the source of a module, function or class, or of a file such as ``"templates/base.html"``.

    A file's name is looked up among the chapters' files first (``tourapp/chapters/templates/…``),
    then in the workbook (the folder holding the package).

    :param fold: in a notebook, show only the file's name and line count until the reader opens it.
    """
    if isinstance(obj, (str, Path)):
        path = chapter_file(obj)
        source = path.read_text(encoding="utf-8")
    else:
        file = inspect.getsourcefile(obj)
        if file is None:
            raise TypeError(f"{obj!r} has no source file to show")
        path = Path(file)
        source = inspect.getsource(obj)
    name = path.resolve().relative_to(ROOT).as_posix()
    if _in_notebook():
        from IPython.display import Markdown, display

        fence = "```"
        listing = f"{fence}{_LANGUAGES.get(path.suffix, '')}\n{source.rstrip()}\n{fence}"
        if fold:  # a listing the prose explains in words: there to read, not in the way
            lines = source.rstrip().count("\n") + 1
            summary = f"<summary><code>{name}</code> · {lines} lines</summary>"
            display(Markdown(f"<details>{summary}\n\n{listing}\n\n</details>"))
        else:
            display(Markdown(f"`{name}`\n\n{listing}"))
    else:
        print(f"# {name}\n{source.rstrip()}")


def _as_text(response: requests.Response) -> str:
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


def _mimetype(response: requests.Response) -> str:
    return response.headers.get("Content-Type", "").split(";")[0].strip().lower()


def _is_text(response: requests.Response) -> bool:
    mimetype = _mimetype(response)
    return mimetype.startswith(_TEXT_TYPES) or mimetype.endswith("+json")


def _summary(response: requests.Response) -> str:
    """Describe a binary body by kind and size, e.g. ``<PNG image, 4.1 KiB>``."""
    mimetype = _mimetype(response) or "application/octet-stream"
    kind, _, subtype = mimetype.partition("/")
    what = f"{subtype.upper()} image" if kind == "image" else f"{mimetype} data"
    return f"<{what}, {_size(len(response.content))}>"


def _frame_height(page: str) -> int:
    """Guess the height in pixels a page needs in a frame about 900 pixels wide.

    A sandboxed frame cannot report its height, so it is sized from what the page holds: a
    line per block of text (more for long ones), and the pictures, side by side as inline
    images sit. The reader can drag the frame's corner where the guess is off.
    """
    text = sum(len(re.sub(r"<[^>]+>|\s+", " ", body).strip()) // 120 + 1 for body in _block_texts(page))
    sources = [tag.attrs.get("src") or "" for tag in _start_tags(page) if tag.name == "img"]
    sizes = [_image_size(base64.b64decode(m.group(1))) for m in map(_DATA_IMAGE.match, sources) if m]
    rows, row_width, row_height = 0, 0, 0
    for width, height in sizes:  # inline images wrap like words: fill a row, then start the next
        width, height = min(width, 240), height * min(width, 240) // max(width, 1)
        if row_width and row_width + width > 860:
            rows, row_width, row_height = rows + row_height, 0, 0
        row_width, row_height = row_width + width + 12, max(row_height, height + 12)
    images = rows + row_height + (16 if sizes else 0)
    return min(600, 60 + 28 * text + images)


def _block_texts(page: str) -> list[str]:
    """Return the text of each block (heading, paragraph, list item …) of a page, tags and all."""
    return [m.group(1) for m in _BLOCK_TEXT.finditer(page)]


def _image_size(data: bytes) -> tuple[int, int]:
    """Return (width, height) of a PNG, GIF or JPEG image from its header; (240, 180) if unknown."""
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return int.from_bytes(data[6:8], "little"), int.from_bytes(data[8:10], "little")
    if data[:2] == b"\xff\xd8":  # JPEG: walk the segments to the frame header (SOFn)
        at = 2
        while at + 9 < len(data) and data[at] == 0xFF:
            marker, length = data[at + 1], int.from_bytes(data[at + 2 : at + 4], "big")
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                return int.from_bytes(data[at + 7 : at + 9], "big"), int.from_bytes(data[at + 5 : at + 7], "big")
            at += 2 + length
    return 240, 180


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} bytes"
    return f"{n / 1024:.1f} KiB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MiB"


def _in_notebook() -> bool:
    """Tell whether we run in a Jupyter kernel, where rich output can be displayed."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


def _display_inline(response: requests.Response) -> None:
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


def _framed(response: requests.Response) -> str:
    """Wrap a page in a sandboxed frame, its images and stylesheets fetched from the app and inlined.

    The notebook's browser resolves relative links against JupyterLab, not the app (and on a
    hub cannot reach 127.0.0.1 at all), so the page must carry what it shows. The frame keeps
    the page's styles from restyling the notebook and its scripts from running.
    """
    import requests

    page = response.text
    origin = urlsplit(response.url)[:2]

    def fetch(link: str) -> requests.Response | None:
        url = urljoin(response.url, link)
        if link.startswith("data:") or urlsplit(url)[:2] != origin:
            return None
        try:
            answer = requests.get(url, timeout=10)
        except requests.RequestException:
            return None
        return answer if answer.ok else None

    edits: list[
        tuple[int, int, str]
    ] = []  # (start, end, text) in the page's source; everything else stays byte for byte
    for tag in _start_tags(page):
        if tag.name == "img" and "src" in tag.values:
            answer = fetch(tag.attrs["src"] or "")
            if answer is not None:
                data = base64.b64encode(answer.content).decode("ascii")
                edits.append(tag.value_edit(page, "src", f"data:{_mimetype(answer)};base64,{data}"))
        elif tag.name == "link" and _is_stylesheet(tag.attrs.get("rel")) and (href := tag.attrs.get("href")):
            answer = fetch(href)
            if answer is not None:
                edits.append((tag.start, tag.end, f"<style>\n{answer.text}</style>"))
    for start, end, text in reversed(edits):
        page = page[:start] + text + page[end:]
    height = _frame_height(page)
    return (
        f'<div><iframe srcdoc="{escape(page)}" sandbox title="{escape(response.url)}" '
        f'style="width: 100%; height: {height}px; resize: vertical; border: 1px solid #ccc; background: '
        f'white;"></iframe></div>'
    )


class _StartTag:
    """One start tag of a page: its name, attributes (values unescaped) and where it and its values stand."""

    def __init__(self, name: str, attrs: list[tuple[str, str | None]], start: int, text: str) -> None:
        self.name, self.start, self.end = name, start, start + len(text)
        self.attrs: dict[str, str | None] = {}
        self.values: dict[str, tuple[int, int]] = {}  # attribute -> (start, end) in the page, quotes included
        for attr, value in attrs:  # the first of repeated attributes counts, as in a browser
            self.attrs.setdefault(attr, value)
        spans: list[tuple[str, tuple[int, int] | None]] = []
        at = _TAG_NAME.match(text).end()  # type: ignore[union-attr]  # the parser found a tag here
        while match := _ATTRIBUTE.match(text, at):
            if match.end() == at:
                break
            where = (start + match.start(3), start + match.end(3)) if match.group(3) is not None else None
            spans.append((match.group(1).lower(), where))
            at = match.end()
        # Offsets only where they read the same attributes as the parser did; otherwise none.
        if [name for name, _ in spans] == [name for name, _ in attrs]:
            for attr, where in spans:
                if where is not None:
                    self.values.setdefault(attr, where)

    def value_edit(self, page: str, attr: str, value: str) -> tuple[int, int, str]:
        """Return the (start, end, text) edit of ``page`` that gives ``attr`` a new value (no quotes or ampersands).

        The value keeps its quotes; a bare one gets double quotes.
        """
        start, end = self.values[attr]
        quote = page[start] if end > start and page[start] in "'\"" else '"'
        return start, end, f"{quote}{value}{quote}"


class _StartTags(HTMLParser):
    """Collect a page's start tags (not those in comments, scripts or styles) with their offsets."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[_StartTag] = []
        self._lines = [0] + [m.end() for m in re.finditer("\n", page)]
        self.feed(page)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line, column = self.getpos()  # where the tag starts: the parser moves on only after this call
        self.tags.append(_StartTag(tag, attrs, self._lines[line - 1] + column, self.get_starttag_text() or ""))


def _start_tags(page: str) -> list[_StartTag]:
    """Return the start tags of a page, in order."""
    return _StartTags(page).tags


def _is_stylesheet(rel: str | None) -> bool:
    """Tell whether a link's ``rel`` makes it a stylesheet the browser applies (not an alternate one)."""
    kinds = (rel or "").lower().split()
    return "stylesheet" in kinds and "alternate" not in kinds
