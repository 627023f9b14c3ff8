"""Write feedback pages, one per student and one for the class, from what :func:`~.submissions.grade` saw.

A student's page gives their score, a line per exercise, and their executed notebook (rendered
by nbconvert) with each check's result marked in its colour. The class page gives each
exercise's pass rate and its most common failure messages, and links every student's page.
Pages run no script at all: a Content-Security-Policy forbids them, since a notebook's outputs
are the students' own HTML.
"""

from __future__ import annotations

import html
import os
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import nbformat
from nbconvert import HTMLExporter
from pygments.formatters import HtmlFormatter

from .exercises import for_chapter, results_in

if TYPE_CHECKING:
    from .submissions import Graded

__all__ = ["write_feedback"]

MOST_COMMON = 3  # failure messages listed per exercise on the class page
_TAG = "flask-tour-{status}"  # a check cell's tag; nbconvert makes it the class celltag_<tag>
_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 70em; margin: 2em auto; padding: 0 1em; line-height: 1.4 }
table { border-collapse: collapse; margin: 1em 0 }
td, th { border: 1px solid #d0d7de; padding: 0.3em 0.6em; text-align: left; vertical-align: top }
.passed { color: #1a7f37 } .failed { color: #cf222e } .not-done { color: #57606a }
.cell { margin: 0.6em 0 } .prompt { color: #57606a; font-size: 0.8em }
.input_area pre { background: #f6f8fa; padding: 0.5em; overflow-x: auto }
.output_area pre { white-space: pre-wrap; overflow-wrap: anywhere; max-height: 40em; overflow-y: auto }
.celltag_flask-tour-passed, .celltag_flask-tour-failed, .celltag_flask-tour-not-done {
  border-left: 0.5em solid; padding-left: 0.8em }
.celltag_flask-tour-passed { border-color: #1a7f37; background: #f0fff4 }
.celltag_flask-tour-failed { border-color: #cf222e; background: #fff5f5 }
.celltag_flask-tour-not-done { border-color: #6e7781; background: #f6f8fa }
.bar { display: inline-block; height: 0.8em; background: #1a7f37 }
"""
# No scripts, no requests anywhere: styles and pictures only come inline.
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def write_feedback(graded: Sequence[Graded], folder: str | os.PathLike[str]) -> Path:
    """Write ``<student>.html`` for every graded submission and ``index.html`` for the class; return the index."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    exporter = HTMLExporter(template_name="basic")
    for g in graded:
        (out / f"{g.student}.html").write_text(_student_page(g, exporter), encoding="utf-8")
    index = out / "index.html"
    index.write_text(_class_page(graded), encoding="utf-8")
    return index


def _student_page(g: Graded, exporter: HTMLExporter) -> str:
    """Return a student's page: the score, a row per exercise, and the executed notebook."""
    rows = g.rows()
    score = sum(passed for _, passed, _ in rows)
    anchors = _check_anchors(g)
    lines = []
    for exercise, passed, message in rows:
        status = g.results[exercise].status if exercise in g.results else "not done"
        title = g.results[exercise].title if exercise in g.results else _title(exercise)
        name = (
            f'<a href="#{quote(anchors[exercise], safe="=")}">{_e(exercise)}</a>'
            if exercise in anchors
            else _e(exercise)
        )
        lines.append(
            f'<tr class="{_css(status)}"><td>{name}</td><td>{_e(title)}</td>'
            f"<td>{_mark(passed, status)}</td><td>{_e(message)}</td></tr>"
        )
    body = [
        f"<h1>{_e(g.student)}: {score}/{len(rows)}</h1>",
        f"<p>Chapter {_e(g.chapter or '?')}. {_e(g.problem) + '.' if g.problem else ''}</p>",
        "<table><tr><th>exercise</th><th>title</th><th>result</th><th>message</th></tr>",
        *lines,
        "</table>",
    ]
    if g.notebook is not None:
        notebook, _ = exporter.from_notebook_node(_tagged(g.notebook))
        body += ["<h2>Your notebook, as the grader ran it</h2>", notebook]
    return _page(f"{g.student}: {score}/{len(rows)}", "\n".join(body))


def _class_page(graded: Sequence[Graded]) -> str:
    """Return the class page: per chapter, each exercise's pass rate and common failures, then the students."""
    body = ["<h1>Class feedback</h1>"]
    chapters = sorted({g.chapter or "?" for g in graded})
    for chapter in chapters:
        group = [g for g in graded if (g.chapter or "?") == chapter]
        body.append(f"<h2>Chapter {_e(chapter)}: {len(group)} submissions</h2>")
        body.append("<table><tr><th>exercise</th><th>passed by</th><th>most common failures</th></tr>")
        rows = {g.student: g.rows() for g in group}
        for exercise in [ex.id for ex in for_chapter(chapter)] or ["*"]:
            outcomes = [(passed, message) for r in rows.values() for e, passed, message in r if e == exercise]
            passed = sum(p for p, _ in outcomes)
            share = passed / len(outcomes) if outcomes else 0
            failures = Counter(_gist(message) for p, message in outcomes if not p).most_common(MOST_COMMON)
            listed = "".join(f"<li>{count} × {_e(message)}</li>" for message, count in failures)
            body.append(
                f"<tr><td>{_e(exercise)} · {_e(_title(exercise))}</td>"
                f'<td>{passed} of {len(outcomes)} ({share:.0%}) <span class="bar" style="width: '
                f'{share * 5:.2f}em"></span></td>'
                f"<td><ul>{listed}</ul></td></tr>"
            )
        body.append("</table>")
        ids = [ex.id for ex in for_chapter(chapter)]
        body.append("<table><tr><th>student</th>" + "".join(f"<th>{_e(i)}</th>" for i in ids) + "<th>score</th></tr>")
        for g in group:
            marks = [(e, p, g.results[e].status if e in g.results else "not done") for e, p, _ in rows[g.student]]
            cells = "".join(f'<td class="{_css(s)}">{_mark(p, s)}</td>' for _, p, s in marks[: len(ids)])
            score = sum(p for _, p, _ in marks)
            body.append(
                f"<tr><td><a "
                f'href="{quote(g.student)}.html">{_e(g.student)}</a></td>{cells}<td>{score}/{len(marks)}</td></tr>'
            )
        body.append("</table>")
    return _page("Class feedback", "\n".join(body))


def _tagged(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return a copy of the notebook whose check cells are tagged with their result's status."""
    nb = nbformat.from_dict(nb)
    for cell in nb.cells:
        results = results_in(cell.get("outputs", [])) if cell.cell_type == "code" else []
        if results:
            worst = min(results, key=lambda r: ["failed", "not done", "passed"].index(r.status))
            tags = cell.metadata.setdefault("tags", [])
            tags.append(_TAG.format(status=_css(worst.status)))
    return nb


def _check_anchors(g: Graded) -> dict[str, str]:
    """Return exercise -> the HTML id of its check cell in the rendered notebook, where it has one."""
    if g.notebook is None:
        return {}
    anchors: dict[str, str] = {}
    for exercise, (index, _) in g.check_cells.items():
        cell_id = g.notebook.cells[index].get("id")
        if cell_id:
            anchors[exercise] = f"cell-id={cell_id}"
    return anchors


def _title(exercise: str) -> str:
    found = (
        [ex for ex in for_chapter(exercise.partition(".")[0]) if ex.id == exercise] if exercise[:2].isdigit() else []
    )
    return found[0].title if found else ""


def _gist(message: str) -> str:
    """Return a failure message without its hint, so that the same mistake is counted once."""
    return message.partition(" Hint: ")[0]


def _mark(passed: bool, status: str) -> str:
    return "✓" if passed else {"failed": "✗"}.get(status, "·")


def _css(status: str) -> str:
    return status.replace(" ", "-")


def _e(text: object) -> str:
    return html.escape(str(text))


def _page(title: str, body: str) -> str:
    """Return a whole HTML page around ``body``."""
    code = HtmlFormatter().get_style_defs(".highlight")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
        f"<title>{_e(title)}</title><style>{_STYLE}{code}</style></head>\n<body><main>\n{body}\n</main></body></html>\n"
    )
