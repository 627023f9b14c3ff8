"""Write the student edition: every notebook with its solutions taken out and its outputs cleared.

Usage: python -m tourapp.classroom.student_edition [NOTEBOOK ...] [--out DIR] [--allow-dirty]
(default: every notebook in notebooks/, written to build/student/)

A solution is the lines between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` in a code cell
(nbgrader's markers). The student edition has ``# YOUR CODE HERE`` and ``raise
NotImplementedError()`` in its place, at the same indentation. A solution must sit inside a
function: the placeholder raises, and at the top level of a cell it would stop "Run All".
The edition is nbgrader's release of the same notebook (``nbgrader generate_assignment``): the
same placeholder, the hidden tests of the check cells taken out, check cells locked and answer
cells undeletable (see :mod:`tourapp.classroom.nbgrader_cells`), with one note cell more at the top.

Nothing may leak: an exercise's answer cell (the cell right above its ``check("NN.k")`` cell,
defining the function the exercise names) without the markers stops the edition, naming the
cell, and so do notebooks with uncommitted changes unless ``--allow-dirty`` says they are meant.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_markdown_cell

from ..chapters.paths import ROOT
from .nbgrader_cells import SOLUTION_MARKER, has_solution, mark, strip_hidden_tests

__all__ = ["strip_solutions", "student_edition", "uncommitted", "write_edition"]

PLACEHOLDER = ["# YOUR CODE HERE", "raise NotImplementedError()"]  # nbgrader's own stub
_CHAPTER = re.compile(r"^(\d\d)-")
NOTE = """\
**Student edition**, generated from `{source}` by `make student`: do not edit its text here
(change the source notebook and generate it again). The solutions of the "Try it" exercises
are taken out and all outputs are cleared. Write your code where a cell says `# YOUR CODE HERE`,
in place of `raise NotImplementedError()`, run that cell, then run the check below it."""


def strip_solutions(source):
    """Replace each solution in a cell's source by the placeholder; return the new source.

    :raise ValueError: the markers do not pair up, or a solution is not inside a function.
    """
    lines, begin, indent = [], None, ""
    for number, line in enumerate(source.split("\n"), 1):  # as nbgrader splits: the same text back
        marker = SOLUTION_MARKER.match(line)
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
                    "student edition, where it becomes `raise NotImplementedError()`; put it inside a function"
                )
        else:
            if begin is None:
                raise ValueError(f"line {number}: END SOLUTION without a BEGIN SOLUTION before it")
            lines += [indent + text for text in PLACEHOLDER]
            begin = None
    if begin is not None:
        raise ValueError(f"line {begin}: BEGIN SOLUTION without an END SOLUTION after it")
    return "\n".join(lines)


def student_edition(nb, source, note=None):
    """Return the student edition of a notebook; ``source`` names it in the first cell's note.

    :param note: the first cell's text (``{source}`` is filled in); the student edition's by default.
    :raise ValueError: an answer cell without markers (see :func:`~.nbgrader_cells.check_answer_cells`), or bad markers.
    """
    nb = nbformat.from_dict(nb)  # a deep copy: the source notebook stays as it was
    mark(nb)  # as nbgrader sees it, even before the notebook's next record
    for cell in nb.cells:
        try:
            if has_solution(cell.source):
                if cell.cell_type != "code":
                    raise ValueError("solution markers belong in code cells")
                cell.source = strip_solutions(cell.source)
            cell.source = strip_hidden_tests(cell.source)
        except ValueError as exc:
            raise ValueError(f"cell {cell.get('id', '?')}, {exc}") from None
        _lock(cell)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
    note = new_markdown_cell((note or NOTE).format(source=source))
    note.id = "student-edition"
    nb.cells.insert(0, note)
    info = {"edition": "student", "source": source}
    chapter = _CHAPTER.match(Path(source).name)
    if chapter:
        info["chapter"] = chapter.group(1)
    nb.metadata["flask_tour"] = info
    return nb


def write_edition(path, out_dir, note=None):
    """Write the student edition of the notebook at ``path`` into ``out_dir``; return its path."""
    path = Path(path).resolve()
    source = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name
    nb = nbformat.read(path, as_version=4)
    try:
        edition = student_edition(nb, source, note)
    except ValueError as exc:
        raise ValueError(f"{source}: {exc}") from None
    out = Path(out_dir) / path.name
    out.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(edition, out)
    return out


def uncommitted(paths):
    """Return git's status lines for the files that differ from the last commit, or None outside git."""
    paths = [Path(path).resolve() for path in paths]
    try:
        status = subprocess.run(
            ["git", "status", "--porcelain", "--", *map(str, paths)],
            cwd=paths[0].parent,
            capture_output=True,
            text=True,
            timeout=60,
        )
    except FileNotFoundError:  # no git on this machine
        return None
    return status.stdout.splitlines() if status.returncode == 0 else None


def _lock(cell):
    """Lock a cell as nbgrader's release does: checks can be neither changed nor deleted, answers not deleted."""
    meta = cell.metadata.get("nbgrader", {})
    if meta.get("solution"):
        cell.metadata["deletable"] = False
    elif meta.get("grade") or meta.get("locked"):
        cell.metadata["deletable"] = cell.metadata["editable"] = False


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m tourapp.classroom.student_edition", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("notebooks", nargs="*", type=Path, help="source notebooks (default: notebooks/*.ipynb)")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "student", help="folder to write to")
    parser.add_argument(
        "--allow-dirty", action="store_true", help="go on although the notebooks have uncommitted changes"
    )
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    # The whole folder by default, so that a notebook added or deleted there counts too.
    changed = uncommitted(args.notebooks or [ROOT / "notebooks"])
    if changed is None:
        print("note: the notebooks are not in a git checkout, so nothing tells whether they hold uncommitted changes")
    elif changed:
        listing = "\n".join(f"  {line}" for line in changed)
        if not args.allow_dirty:
            print(
                f"error: these notebooks have uncommitted changes (git status):\n{listing}\n"
                "A learner's attempts or a half-done edit would go out to students. Commit or restore them "
                "first, or pass --allow-dirty (make student ALLOW_DIRTY=1) if you mean to hand them out.",
                file=sys.stderr,
            )
            return 1
        print(f"warning: made from notebooks with uncommitted changes (--allow-dirty):\n{listing}", file=sys.stderr)
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
