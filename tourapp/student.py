"""Write the student edition: every notebook with its solutions taken out and its outputs cleared.

Usage: python -m tourapp.student [NOTEBOOK ...] [--out DIR]
(default: every notebook in notebooks/, written to build/student/)

A solution is the lines between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` in a code cell
(nbgrader's markers). The student edition has ``# YOUR CODE HERE`` and ``raise
NotImplementedError`` in its place, at the same indentation. A solution must sit inside a
function: the placeholder raises, and at the top level of a cell it would stop "Run All".
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_markdown_cell

from .paths import ROOT

__all__ = ["strip_solutions", "student_edition", "write_edition"]

PLACEHOLDER = ["# YOUR CODE HERE", "raise NotImplementedError"]
_MARKER = re.compile(r"^(\s*)#+\s*(BEGIN|END) SOLUTION\s*$")
_CHAPTER = re.compile(r"^(\d\d)-")
NOTE = """\
**Student edition**, generated from `{source}` by `make student`: do not edit its text here
(change the source notebook and generate it again). The solutions of the "Try it" exercises
are taken out and all outputs are cleared. Write your code where a cell says `# YOUR CODE HERE`,
in place of `raise NotImplementedError`, run that cell, then run the check below it."""


def strip_solutions(source):
    """Replace each solution in a cell's source by the placeholder; return the new source.

    :raise ValueError: the markers do not pair up, or a solution is not inside a function.
    """
    lines, begin, indent = [], None, ""
    for number, line in enumerate(source.splitlines(), 1):
        marker = _MARKER.match(line)
        if marker is None:
            if begin is None:
                lines.append(line)
            continue
        if marker.group(2) == "BEGIN":
            if begin is not None:
                raise ValueError(f"line {number}: BEGIN SOLUTION inside the solution that begins on line {begin}")
            begin, indent = number, marker.group(1)
            if not indent:
                raise ValueError(
                    f"line {number}: a solution at the top level of a cell would stop 'Run All' in the "
                    "student edition, where it becomes `raise NotImplementedError`; put it inside a function"
                )
        else:
            if begin is None:
                raise ValueError(f"line {number}: END SOLUTION without a BEGIN SOLUTION before it")
            lines += [indent + text for text in PLACEHOLDER]
            begin = None
    if begin is not None:
        raise ValueError(f"line {begin}: BEGIN SOLUTION without an END SOLUTION after it")
    return "\n".join(lines)


def student_edition(nb, source):
    """Return the student edition of a notebook; ``source`` names it in the first cell's note."""
    nb = nbformat.from_dict(nb)  # a deep copy: the source notebook stays as it was
    for cell in nb.cells:
        if _has_marker(cell.source):
            if cell.cell_type != "code":
                raise ValueError(f"cell {cell.get('id', '?')}: solution markers belong in code cells")
            try:
                cell.source = strip_solutions(cell.source)
            except ValueError as exc:
                raise ValueError(f"cell {cell.get('id', '?')}, {exc}") from None
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
    note = new_markdown_cell(NOTE.format(source=source))
    note.id = "student-edition"
    nb.cells.insert(0, note)
    info = {"edition": "student", "source": source}
    chapter = _CHAPTER.match(Path(source).name)
    if chapter:
        info["chapter"] = chapter.group(1)
    nb.metadata["flask_tour"] = info
    return nb


def write_edition(path, out_dir):
    """Write the student edition of the notebook at ``path`` into ``out_dir``; return its path."""
    path = Path(path).resolve()
    source = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name
    nb = nbformat.read(path, as_version=4)
    try:
        edition = student_edition(nb, source)
    except ValueError as exc:
        raise ValueError(f"{source}: {exc}") from None
    out = Path(out_dir) / path.name
    out.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(edition, out)
    return out


def _has_marker(source):
    return any(_MARKER.match(line) for line in source.splitlines())


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tourapp.student", description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="source notebooks (default: notebooks/*.ipynb)")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "student", help="folder to write to")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    for path in paths:
        try:
            out = write_edition(path, args.out)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
