"""Render notebooks to HTML pages everyone can read: a handout of the student edition, say.

Usage: python -m tourapp.classroom.handout NOTEBOOK.ipynb ...   (writes NOTEBOOK.html beside each)

nbconvert's JupyterLab template draws prompts, code comments and links in colours too faint
for WCAG's 4.5:1 contrast and tells links from text by colour alone; one stylesheet more fixes
that, and axe-core in Chromium checks the pages (tests/e2e/test_accessibility.py).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

__all__ = ["to_html"]

# Each colour keeps its hue and reaches 4.5:1 on the code cells' background (#f5f5f5): the theme's
# own comment (#408080), number (#080), operator and meta (#a2f), atom, bracket, error and quote
# colours reach 2.6:1 to 4.4:1. Unrun cells' prompts are drawn at half opacity, which fails too.
_READABLE = """<style>
:root {
  --jp-cell-prompt-not-active-opacity: 1; --jp-cell-prompt-not-active-font-color: #595959;
  --jp-mirror-editor-comment-color: #2e6262; --jp-mirror-editor-number-color: #006a00;
  --jp-mirror-editor-operator-color: #8b1ccf; --jp-mirror-editor-meta-color: #8b1ccf;
  --jp-mirror-editor-atom-color: #4a4ae0; --jp-mirror-editor-bracket-color: #62624a;
  --jp-mirror-editor-error-color: #c40000; --jp-mirror-editor-quote-color: #006b00;
}
.jp-RenderedHTMLCommon a:link, .jp-RenderedHTMLCommon a:visited { text-decoration: underline; }
</style>
"""


def to_html(nb: nbformat.NotebookNode) -> str:
    """Return the notebook as one standalone HTML page, in the light theme, with readable contrast."""
    body, _ = HTMLExporter(template_name="lab", theme="light").from_notebook_node(nb)
    # The notebooks are in English; nbconvert's lab template names no language before 7.7 or so.
    body = re.sub(r"<html(?![^>]*\blang=)", '<html lang="en"', body, count=1)
    return body.replace("</head>", f"{_READABLE}</head>", 1)


def main(argv: Sequence[str] | None = None) -> int:
    """Write NOTEBOOK.html beside each notebook named on the command line."""
    for path in map(Path, sys.argv[1:] if argv is None else argv):
        out = path.with_suffix(".html")
        out.write_text(to_html(nbformat.read(path, as_version=4)), encoding="utf-8")
        print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
