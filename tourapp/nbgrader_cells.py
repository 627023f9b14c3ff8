"""Mark the teacher's notebooks for nbgrader: answers as solution cells, checks as locked grade cells.

Usage: python -m tourapp.nbgrader_cells [NOTEBOOK ...] [--check]
(default: every notebook in notebooks/, marked in place; ``--check`` changes nothing and fails
when a notebook is not marked as it should be)

Each exercise is a pair of cells: the answer cell, which defines the function the exercise names
and keeps its solution between ``### BEGIN SOLUTION`` and ``### END SOLUTION``, and right under it
the check cell, ``check("NN.k")``. nbgrader (schema 3) sees the answer cell as a solution cell and
the check cell as a locked grade cell worth :data:`POINTS`, whose hidden test asserts the check's
result: ``nbgrader autograde`` gives the point exactly when the workbook's own check passed. The
hidden test is nbgrader's ``### BEGIN HIDDEN TESTS`` region, so neither nbgrader's release nor
``make student`` hands it to students, and learners only ever see ``check("NN.k")``.
``tools/record.py`` marks every notebook it records, so a new exercise is marked on its first record.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

from .chapters.paths import ROOT

__all__ = ["HIDDEN_BEGIN", "HIDDEN_END", "POINTS", "mark", "strip_hidden_tests"]

POINTS = 1  # per exercise, as the workbook's grader counts them
HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
_HIDDEN_TEST = """\
{begin}
# For nbgrader: this cell earns its point only when the check above passed.
from tourapp.exercises import assert_passed  # noqa: E402

assert_passed("{id}")
{end}"""


def mark(nb):
    """Give a notebook's exercise cells their nbgrader metadata and hidden tests; return True if it changed.

    :raise ValueError: a check cell without its answer cell right above it (see
        :func:`tourapp.student_edition.check_answer_cells`).
    """
    from .exercises import CHECK_CELL  # the registry imports every chapter's checks: only when needed
    from .student_edition import check_answer_cells

    check_answer_cells(nb)
    before = nbformat.writes(nb)
    graded = set()
    for index, cell in enumerate(nb.cells):
        ids = CHECK_CELL.findall(cell.source) if cell.cell_type == "code" else []
        if not ids:
            continue
        if len(ids) > 1:
            raise ValueError(f"one cell checks {' and '.join(ids)}: give each check a cell of its own")
        exercise_id = ids[0]
        tag = exercise_id.replace(".", "-")
        answer = nb.cells[index - 1]
        answer.metadata["nbgrader"] = _metadata(f"answer-{tag}", solution=True)
        cell.metadata["nbgrader"] = _metadata(f"check-{tag}", grade=True, locked=True, points=POINTS)
        cell.source = strip_hidden_tests(cell.source).rstrip("\n") + "\n" + _hidden_test(exercise_id)
        graded.update((index - 1, index))
    for index, cell in enumerate(nb.cells):  # an exercise removed since the last record
        if index not in graded and "nbgrader" in cell.metadata:
            del cell.metadata["nbgrader"]
            cell.source = strip_hidden_tests(cell.source)
    return nbformat.writes(nb) != before


def strip_hidden_tests(source):
    """Take nbgrader's hidden-test regions out of a cell's source, the way ``nbgrader`` does.

    :raise ValueError: a region that does not close, or one inside another.
    """
    lines, inside = [], False
    for line in source.split("\n"):  # nbgrader splits on "\n" and joins again: the same result
        if HIDDEN_BEGIN.removeprefix("### ") in line:
            if inside:
                raise ValueError("BEGIN HIDDEN TESTS inside another hidden-test region")
            inside = True
        elif HIDDEN_END.removeprefix("### ") in line:
            inside = False
        elif not inside:
            lines.append(line)
    if inside:
        raise ValueError("BEGIN HIDDEN TESTS without an END HIDDEN TESTS after it")
    return "\n".join(lines)


def _hidden_test(exercise_id):
    """Return the hidden test of a check cell: it fails when the check above it did not pass."""
    return _HIDDEN_TEST.format(begin=HIDDEN_BEGIN, end=HIDDEN_END, id=exercise_id)


def _metadata(grade_id, *, grade=False, solution=False, locked=False, points=None):
    """Return a cell's nbgrader metadata, schema 3."""
    meta = {
        "cell_type": "code",  # nbgrader keeps the type it was made for, to notice a changed cell
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": 3,
        "solution": solution,
        "task": False,
    }
    if points is not None:
        meta["points"] = points
    return meta


def main(argv=None):
    """Mark notebooks in place, or with ``--check`` report the ones that are not marked."""
    parser = argparse.ArgumentParser(prog="python -m tourapp.nbgrader_cells", description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every notebook in notebooks/")
    parser.add_argument("--check", action="store_true", help="change nothing; fail if a notebook needs marking")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    unmarked = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        try:
            changed = mark(nb)
        except ValueError as exc:
            parser.exit(1, f"{path}: {exc}\n")
        if changed and args.check:
            unmarked.append(path)
        elif changed:
            nbformat.write(nb, path)
            print(f"marked {path}")
    if unmarked:
        lines = [f"{path}: not marked for nbgrader (python -m tourapp.nbgrader_cells)\n" for path in unmarked]
        parser.exit(1, "".join(lines))


if __name__ == "__main__":
    sys.exit(main())
