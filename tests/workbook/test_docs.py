"""The README and docs/ render as written: every code fence closed, every relative link and anchor found.

Parsed with mistune (nbconvert's Markdown parser, installed with the notebooks' tools), which
follows CommonMark's fences: an unclosed fence runs to the end of the file, swallowing the
headings after it, as GitHub shows it.
"""

import re
from urllib.parse import unquote, urlsplit

import mistune
import pytest

from tourapp.chapters.paths import ROOT

DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def _tokens(path):
    return mistune.create_markdown(renderer=None)(path.read_text(encoding="utf-8"))


def _walk(tokens):
    for token in tokens:
        yield token
        yield from _walk(token.get("children", []))


def _text(token):
    return token.get("raw", "") + "".join(_text(child) for child in token.get("children", []))


def _slug(heading):
    """Return GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _headings(path):
    return [(token["attrs"]["level"], _text(token)) for token in _walk(_tokens(path)) if token["type"] == "heading"]


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_every_code_fence_is_closed(path):
    # test that no fence swallows what follows it: a code block holding a fence line means the
    # block before it was never closed (or closed with text after its backticks, which does not
    # close it), and every "## " line of the file must come out as a heading, not as code
    code = [token for token in _walk(_tokens(path)) if token["type"] == "block_code"]
    swallowed = [token["raw"][:80] for token in code if any(_FENCE.match(line) for line in token["raw"].splitlines())]
    assert swallowed == [], f"{path.name}: a code fence is not closed before {swallowed}"
    lines = path.read_text(encoding="utf-8").splitlines()
    inside, written = False, []
    for line in lines:
        if _FENCE.match(line):
            inside = not inside
        elif not inside and line.startswith("## "):
            written.append(line[3:].strip())
    assert not inside, f"{path.name} ends inside a code fence"
    assert [text for level, text in _headings(path) if level == 2] == written


def test_the_readme_puts_the_learner_first():
    # test the order a newcomer reads: what it is, the two commands (and Python alone), their
    # own copy, the chapter map, getting help; the teacher's guide is a link, not the body
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    sections = [text for level, text in _headings(ROOT / "README.md") if level == 2]
    assert sections[:3] == ["Start", "Your own copy", "Chapters"], sections
    assert "When you are stuck" in sections
    for command in ["make lab", "make test", "py -m tourapp lab", "python3 -m tourapp lab", r".venv\Scripts\python"]:
        assert command in readme, command
    assert "curl.exe" in readme and "docs/teaching.md" in readme
    assert "nbgrader" not in readme.split("## For teachers")[0], "grading belongs in docs/teaching.md"
    assert "<!-- chapter table" in readme


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_every_relative_link_resolves(path):
    # test that each link to a file of the repository (and to a heading, after #) finds it, as
    # GitHub resolves it: relative to the document's folder
    links = [token["attrs"]["url"] for token in _walk(_tokens(path)) if token["type"] in {"link", "image"}]
    assert links
    broken = []
    for url in links:
        parts = urlsplit(url)
        if parts.scheme or parts.netloc:
            continue
        target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
        if not target.exists():
            broken.append(url)
        elif parts.fragment and target.suffix == ".md":
            if parts.fragment not in {_slug(text) for _, text in _headings(target)}:
                broken.append(url)
    assert broken == [], f"{path.name}: {broken}"
