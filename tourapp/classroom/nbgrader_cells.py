"""Mark the teacher's notebooks for nbgrader: answers as solution cells, checks as locked grade cells.

Usage: python -m tourapp.classroom.nbgrader_cells [NOTEBOOK ...] [--check]
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
import re
import sys
from pathlib import Path

import nbformat

from ..chapters.paths import ROOT

__all__ = [
    "HIDDEN_BEGIN",
    "HIDDEN_END",
    "POINTS",
    "SOLUTION_MARKER",
    "check_answer_cells",
    "has_solution",
    "mark",
    "strip_hidden_tests",
]

POINTS = 1  # per exercise, as the workbook's grader counts them
HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
SOLUTION_MARKER = re.compile(r"^(\s*)#+\s*(BEGIN|END) SOLUTION\s*$")
_HIDDEN_TEST = """\
{begin}
# For nbgrader: this cell earns its point only when the check above passed.
from tourapp.classroom.exercises import assert_passed  # noqa: E402

assert_passed("{id}")
{end}"""


def mark(nb):
    """Give a notebook's exercise cells their nbgrader metadata and hidden tests; return True if it changed.

    :raise ValueError: a check cell without its answer cell right above it (see
        :func:`check_answer_cells`).
    """
    from .exercises import CHECK_CELL  # the registry imports every chapter's checks: only when needed

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


def check_answer_cells(nb):
    """Refuse a notebook whose answers would reach the student edition unmarked.

    Each ``check("NN.k")`` cell must sit right under the code cell that defines the exercise's
    function, and every cell that defines it must keep its solution between the markers.

    :raise ValueError: naming the cell (its number, counting from 1, and its id) and what is wrong.
    """
    from .exercises import CHECK_CELL, get  # the registry imports every chapter's checks: only when needed

    names = {}
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for exercise_id in CHECK_CELL.findall(cell.source):
            exercise = get(exercise_id)
            if exercise is None:
                raise ValueError(f"{_where(nb, index)} checks {exercise_id}, which is no exercise")
            above = nb.cells[index - 1] if index else None
            if above is None or above.cell_type != "code" or not _defines(above.source, exercise.name):
                raise ValueError(
                    f"{_where(nb, index)} checks {exercise_id}, but the cell above it does not define "
                    f"`{exercise.name}()`: put the exercise's answer cell right above its check"
                )
            names[exercise.name] = exercise_id
    for index, cell in enumerate(nb.cells):
        defined = [name for name in names if cell.cell_type == "code" and _defines(cell.source, name)]
        if defined and not has_solution(cell.source):
            raise ValueError(
                f"{_where(nb, index)} defines `{defined[0]}()`, the answer to {names[defined[0]]}, but has no "
                "### BEGIN SOLUTION / ### END SOLUTION markers: the student edition would hand out whatever "
                "it holds. Put the solution between the markers (or remove the cell)"
            )


def has_solution(source):
    """Tell whether a cell's source has solution markers."""
    return any(SOLUTION_MARKER.match(line) for line in source.splitlines())


def _defines(source, name):
    return re.search(rf"^\s*def {re.escape(name)}\s*\(", source, re.MULTILINE) is not None


def _where(nb, index):
    """Name a cell as a person finds it: its number from the top, its id and its first line."""
    cell = nb.cells[index]
    first = next((line.strip() for line in cell.source.splitlines() if line.strip()), "")
    return f"cell {index + 1} (id {cell.get('id', '?')}, `{first[:60]}`)"


def main(argv=None):
    """Mark notebooks in place, or with ``--check`` report the ones that are not marked."""
    parser = argparse.ArgumentParser(
        prog="python -m tourapp.classroom.nbgrader_cells", description=__doc__.split("\n")[0]
    )
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
        lines = [f"{path}: not marked for nbgrader (python -m tourapp.classroom.nbgrader_cells)\n" for path in unmarked]
        parser.exit(1, "".join(lines))


if __name__ == "__main__":
    sys.exit(main())
