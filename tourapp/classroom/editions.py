"""The editions as nbconvert preprocessors: nbgrader's marks on the teacher's notebooks, and the student edition.

Usage: python -m tourapp.classroom.editions student [NOTEBOOK ...] [--out DIR] [--allow-dirty]
       (make student: every notebook in notebooks/ by default, written to build/student/)
       python -m tourapp.classroom.editions mark [NOTEBOOK ...] [--check]
       (every notebook in notebooks/ by default, marked in place; ``--check`` changes nothing and
       fails when a notebook is not marked as it should be)

Each exercise is a pair of cells: the answer cell, which defines the function the exercise names
and keeps its solution between ``### BEGIN SOLUTION`` and ``### END SOLUTION``, and right under it
the check cell, ``check("NN.k")``. :class:`MarkCells` gives them nbgrader's metadata (schema 3): the
answer is a solution cell, the check a locked grade cell worth :data:`POINTS` whose hidden test
(nbgrader's ``### BEGIN HIDDEN TESTS`` region) asserts the check's result, so ``nbgrader autograde``
gives the point exactly when the workbook's own check passed. ``tools/record.py`` marks every
notebook it records, so a new exercise is marked on its first record.

The student edition is what ``nbgrader generate_assignment`` releases, made by the steps of the same
names and rules as nbgrader 0.9's (:class:`LockCells`, :class:`ClearSolutions`, nbconvert's
``ClearOutputPreprocessor``, :class:`ClearHiddenTests`), with one note cell more at the top
(:class:`StudentNote`). A solution region runs from a line containing ``BEGIN SOLUTION`` to the next
line containing ``END SOLUTION`` and becomes ``# YOUR CODE HERE`` / ``raise NotImplementedError()``
at the first line's indentation. Two rules go further than nbgrader, so that nothing leaks and "Run
All" works: a code solution must sit inside a function (the stub raises), and an ``END SOLUTION``
needs its ``BEGIN SOLUTION`` (nbgrader drops the stray line, and outside a solution cell a
misspelt BEGIN would let the solution out). An answer cell
without the markers stops the edition, naming the cell, and so do notebooks with uncommitted
changes unless ``--allow-dirty`` says they are meant.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import nbformat
from nbconvert.preprocessors import ClearOutputPreprocessor, Preprocessor
from nbformat import NotebookNode
from nbformat.v4 import new_markdown_cell
from traitlets import Bool, Dict, Integer, Unicode

from ..chapters.paths import ROOT

__all__ = [
    "HIDDEN_BEGIN",
    "HIDDEN_END",
    "PLACEHOLDER",
    "POINTS",
    "ClearHiddenTests",
    "ClearSolutions",
    "LockCells",
    "MarkCells",
    "StudentNote",
    "check_answer_cells",
    "has_solution",
    "mark",
    "strip_hidden_tests",
    "strip_solutions",
    "student_edition",
    "uncommitted",
    "write_edition",
]

POINTS = 1  # per exercise, as the workbook's grader counts them
HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"  # as MarkCells writes them
CODE_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"  # nbgrader's, for Python
PLACEHOLDER = CODE_STUB.split("\n")
_CHAPTER = re.compile(r"^(\d\d)-")
_HIDDEN_TEST = """\
{begin}
# For nbgrader: this cell earns its point only when the check above passed.
from tourapp.classroom.exercises import assert_passed  # noqa: E402

assert_passed("{id}")
{end}"""
NOTE = """\
**Student edition**, generated from `{source}` by `make student`: do not edit its text here
(change the source notebook and generate it again). The solutions of the "Try it" exercises
are taken out and all outputs are cleared. Write your code where a cell says `# YOUR CODE HERE`,
in place of `raise NotImplementedError()`, run that cell, then run the check below it."""


class _Step(Preprocessor):
    """A preprocessor that runs unless configured off, as nbgrader's do (nbconvert's are off by default)."""

    enabled = Bool(True).tag(config=True)


class MarkCells(_Step):
    """Give each exercise's answer and check cells nbgrader's metadata, and each check its hidden test.

    A cell marked before but no longer part of an exercise loses its marks and its hidden test.
    :raise ValueError: a check cell without its answer cell right above it (see :func:`check_answer_cells`).
    """

    points = Integer(POINTS, help="The points each check cell is worth").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        """Mark every exercise of the notebook, in place."""
        from .exercises import CHECK_CELL  # the registry imports every chapter's checks: only when needed

        check_answer_cells(nb)
        graded: set[int] = set()
        for index, cell in enumerate(nb.cells):
            ids = CHECK_CELL.findall(cell.source) if cell.cell_type == "code" else []
            if not ids:
                continue
            if len(ids) > 1:
                raise ValueError(f"one cell checks {' and '.join(ids)}: give each check a cell of its own")
            tag = ids[0].replace(".", "-")
            nb.cells[index - 1].metadata["nbgrader"] = _metadata(f"answer-{tag}", solution=True)
            cell.metadata["nbgrader"] = _metadata(f"check-{tag}", grade=True, locked=True, points=self.points)
            hidden = _HIDDEN_TEST.format(begin=HIDDEN_BEGIN, end=HIDDEN_END, id=ids[0])
            cell.source = strip_hidden_tests(cell.source).rstrip("\n") + "\n" + hidden
            graded.update((index - 1, index))
        for index, cell in enumerate(nb.cells):  # an exercise removed since the last record
            if index not in graded and "nbgrader" in cell.metadata:
                del cell.metadata["nbgrader"]
                cell.source = strip_hidden_tests(cell.source)
        return nb, resources


class LockCells(_Step):
    """Make checks unchangeable and answers undeletable, as nbgrader's LockCells does."""

    lock_solution_cells = Bool(True, help="Whether solution cells are made undeletable").tag(config=True)
    lock_grade_cells = Bool(True, help="Whether grade cells are made undeletable and uneditable").tag(config=True)
    lock_readonly_cells = Bool(True, help="Whether read-only cells are made undeletable and uneditable").tag(
        config=True
    )
    lock_all_cells = Bool(False, help="Whether every cell is made undeletable and uneditable").tag(config=True)

    def preprocess_cell(self, cell: NotebookNode, resources: dict, index: int) -> tuple[NotebookNode, dict]:
        """Set the cell's ``deletable`` and ``editable`` by its nbgrader marks."""
        solution, grade = _is_solution(cell), _is_grade(cell)
        if (self.lock_solution_cells or self.lock_grade_cells) and solution and grade:
            cell.metadata["deletable"] = False
        elif self.lock_solution_cells and solution:
            cell.metadata["deletable"] = False  # the learner writes here, so it stays editable
        elif (
            (self.lock_grade_cells and grade) or (self.lock_readonly_cells and _is_locked(cell)) or self.lock_all_cells
        ):
            cell.metadata["deletable"] = cell.metadata["editable"] = False
        return cell, resources


class ClearSolutions(_Step):
    """Replace each solution region by nbgrader's stub, as nbgrader's ClearSolutions does.

    The traits have nbgrader's names (``delimeter`` spelt as there), so a course's nbgrader
    configuration reads the same here.
    """

    code_stub = Dict({"python": CODE_STUB}, help="The code that replaces a code solution, by language").tag(config=True)
    text_stub = Unicode("YOUR ANSWER HERE", help="The text that replaces a written solution").tag(config=True)
    begin_solution_delimeter = Unicode("BEGIN SOLUTION", help="The text marking a solution's first line").tag(
        config=True
    )
    end_solution_delimeter = Unicode("END SOLUTION", help="The text marking a solution's last line").tag(config=True)
    enforce_metadata = Bool(True, help="Whether a solution region outside a solution cell is refused").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        """Clear every cell's solutions, with the stub of the notebook's language."""
        language = nb.metadata.get("kernelspec", {}).get("language", "python")
        if language not in self.code_stub:
            raise ValueError(f"no code stub for the notebook's language {language!r} (ClearSolutions.code_stub)")
        resources["language"] = language
        nb, resources = super().preprocess(nb, resources)
        nb.metadata.pop("celltoolbar", None)  # nbgrader's own toolbar, for teachers only
        return nb, resources

    def preprocess_cell(self, cell: NotebookNode, resources: dict, index: int) -> tuple[NotebookNode, dict]:
        """Replace the cell's solution regions, or the whole of a solution cell that has none."""
        code = cell.cell_type == "code"
        stub = self.code_stub[resources.get("language", "python")] if code else self.text_stub
        try:
            source, replaced = _clear_solutions(
                cell.source, stub, self.begin_solution_delimeter, self.end_solution_delimeter, code=code
            )
        except ValueError as exc:
            raise _cell_error(cell, exc) from None
        if replaced and not _is_solution(cell) and self.enforce_metadata:
            raise _cell_error(
                cell,
                "a solution region in a cell that is not an exercise's answer cell (the code cell right above its "
                "check): nbgrader refuses it too",
            )
        cell.source = stub if _is_solution(cell) and not replaced else source
        return cell, resources


class ClearHiddenTests(_Step):
    """Take the hidden-test regions out of the check cells, as nbgrader's ClearHiddenTests does."""

    begin_test_delimeter = Unicode("BEGIN HIDDEN TESTS", help="The text marking a hidden test's first line").tag(
        config=True
    )
    end_test_delimeter = Unicode("END HIDDEN TESTS", help="The text marking a hidden test's last line").tag(config=True)
    enforce_metadata = Bool(True, help="Whether a hidden-test region outside a grade cell is refused").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        """Take out every cell's hidden tests."""
        nb, resources = super().preprocess(nb, resources)
        nb.metadata.pop("celltoolbar", None)
        return nb, resources

    def preprocess_cell(self, cell: NotebookNode, resources: dict, index: int) -> tuple[NotebookNode, dict]:
        """Take out the cell's hidden-test regions."""
        try:
            source, removed = _clear_hidden_tests(cell.source, self.begin_test_delimeter, self.end_test_delimeter)
        except ValueError as exc:
            raise _cell_error(cell, exc) from None
        if removed and not _is_grade(cell) and self.enforce_metadata:
            raise _cell_error(
                cell, "a hidden test in a cell that is not an exercise's check cell: nbgrader refuses it too"
            )
        cell.source = source
        return cell, resources


class StudentNote(_Step):
    """Put the note cell on top and name the edition, its source and chapter in the notebook's metadata."""

    text = Unicode(NOTE, help="The note's text; {source} is filled in").tag(config=True)
    source = Unicode(help="The teacher's notebook the edition is made from, as the note names it").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        """Insert the note as the first cell."""
        note = new_markdown_cell(self.text.format(source=self.source))
        note.id = "student-edition"
        nb.cells.insert(0, note)
        info = {"edition": "student", "source": self.source}
        chapter = _CHAPTER.match(Path(self.source).name)
        if chapter:
            info["chapter"] = chapter.group(1)
        nb.metadata["flask_tour"] = info
        return nb, resources


def student_edition(nb: NotebookNode | dict, source: str, note: str | None = None) -> NotebookNode:
    """Return the student edition of a notebook; ``source`` names it in the first cell's note.

    :param note: the first cell's text (``{source}`` is filled in); the student edition's by default.
    :raise ValueError: an answer cell without markers (see :func:`check_answer_cells`), or bad markers.
    """
    edition: NotebookNode = nbformat.from_dict(nb)  # a deep copy: the source notebook stays as it was
    steps = [
        MarkCells(),  # as nbgrader sees it, even before the notebook's next record
        LockCells(),
        ClearSolutions(),
        # nbgrader's ClearOutput is this one; a notebook saved in Lab keeps its run times under "execution"
        ClearOutputPreprocessor(enabled=True, remove_metadata_fields={"collapsed", "scrolled", "execution"}),
        ClearHiddenTests(),
        StudentNote(source=source, text=note or NOTE),
    ]
    resources: dict = {}
    for step in steps:
        edition, resources = step(edition, resources)
    return edition


def mark(nb: NotebookNode) -> bool:
    """Give a notebook's exercise cells their nbgrader metadata and hidden tests; return True if it changed.

    :raise ValueError: as :class:`MarkCells`.
    """
    before = nbformat.writes(nb)
    MarkCells()(nb, {})
    return nbformat.writes(nb) != before


def strip_solutions(source: str) -> str:
    """Replace each solution in a code cell's source by nbgrader's Python stub; return the new source.

    :raise ValueError: the markers do not pair up, or a solution is not inside a function.
    """
    return _clear_solutions(source, CODE_STUB, "BEGIN SOLUTION", "END SOLUTION", code=True)[0]


def strip_hidden_tests(source: str) -> str:
    """Take nbgrader's hidden-test regions out of a cell's source, the way ``nbgrader`` does.

    :raise ValueError: a region that does not close, or one inside another.
    """
    return _clear_hidden_tests(source, "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")[0]


def has_solution(source: str) -> bool:
    """Tell whether a cell's source has a solution region, by nbgrader's rule (a line containing ``BEGIN SOLUTION``)."""
    return any("BEGIN SOLUTION" in line for line in source.split("\n"))


def _clear_solutions(source, stub, begin, end, *, code):
    """Replace each region from a line containing ``begin`` to one containing ``end``; return (source, replaced).

    nbgrader's rule: both delimiter lines go with the region, and the stub takes the first one's
    indentation. Beyond it, an ``end`` without its ``begin`` is refused, and so is a code solution at
    the top level of a cell.
    """
    lines, first, replaced = [], None, False
    for number, line in enumerate(source.split("\n"), 1):  # as nbgrader splits: the same text back
        if begin in line:
            if first is not None:
                raise ValueError(f"line {number}: {begin} inside the solution that begins on line {first}")
            first, replaced = number, True
            indent = line[: len(line) - len(line.lstrip())]
            if code and not indent:
                raise ValueError(
                    f"line {number}: a solution at the top level of a cell would stop 'Run All' in the "
                    "student edition, where it becomes `raise NotImplementedError()`; put it inside a function"
                )
            lines += [indent + text for text in stub.split("\n")]
        elif end in line:
            if first is None:
                raise ValueError(f"line {number}: {end} without a {begin} before it")
            first = None
        elif first is None:
            lines.append(line)
    if first is not None:
        raise ValueError(f"line {first}: {begin} without an {end} after it")
    return "\n".join(lines), replaced


def _clear_hidden_tests(source, begin, end):
    """Take out each region from a line containing ``begin`` to one containing ``end``; return (source, removed).

    nbgrader's rule, both delimiter lines going with the region; a stray ``end`` line goes too.
    """
    lines, inside, removed = [], False, False
    for line in source.split("\n"):  # nbgrader splits on "\n" and joins again: the same text back
        if begin in line:
            if inside:
                raise ValueError(f"{begin} inside another hidden-test region")
            inside = removed = True
        elif end in line:
            inside = False
        elif not inside:
            lines.append(line)
    if inside:
        raise ValueError(f"{begin} without an {end} after it")
    return "\n".join(lines), removed


def _nbgrader(cell):
    return cell.metadata.get("nbgrader", {})


def _cell_error(cell, what):
    """Return the error a step raises about ``cell``: ``what``, after the cell's id."""
    return ValueError(f"cell {cell.get('id', '?')}, {what}")


def _is_solution(cell):
    return bool(_nbgrader(cell).get("solution", False))


def _is_grade(cell):
    return bool(_nbgrader(cell).get("grade", False))


def _is_locked(cell):
    """Tell whether nbgrader sees the cell as read-only: a grade cell, or one marked locked, never a solution."""
    if _is_solution(cell):
        return False
    return _is_grade(cell) or bool(_nbgrader(cell).get("locked", False))


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


def check_answer_cells(nb: NotebookNode) -> None:
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


def _defines(source, name):
    return re.search(rf"^\s*def {re.escape(name)}\s*\(", source, re.MULTILINE) is not None


def _where(nb, index):
    """Name a cell as a person finds it: its number from the top, its id and its first line."""
    cell = nb.cells[index]
    first = next((line.strip() for line in cell.source.splitlines() if line.strip()), "")
    return f"cell {index + 1} (id {cell.get('id', '?')}, `{first[:60]}`)"


def write_edition(path: str | os.PathLike[str], out_dir: str | os.PathLike[str], note: str | None = None) -> Path:
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


def uncommitted(paths: Sequence[str | Path]) -> list[str] | None:
    """Return git's status lines for the files that differ from the last commit, or None outside git."""
    resolved = [Path(path).resolve() for path in paths]
    try:
        status = subprocess.run(
            ["git", "status", "--porcelain", "--", *map(str, resolved)],
            cwd=resolved[0].parent,
            capture_output=True,
            text=True,
            timeout=60,
        )
    except FileNotFoundError:  # no git on this machine
        return None
    return status.stdout.splitlines() if status.returncode == 0 else None


def _write_student(args):
    """Write the student edition of the notebooks named, refusing uncommitted ones unless allowed."""
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


def _mark_in_place(args):
    """Mark the notebooks named in place, or with ``--check`` report the ones that are not marked."""
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    unmarked = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        try:
            changed = mark(nb)
        except ValueError as exc:
            print(f"{path}: {exc}", file=sys.stderr)
            return 1
        if changed and args.check:
            unmarked.append(path)
        elif changed:
            nbformat.write(nb, path)
            print(f"marked {path}")
    for path in unmarked:
        print(f"{path}: not marked for nbgrader (python -m tourapp.classroom.editions mark)", file=sys.stderr)
    return 1 if unmarked else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``student`` or the ``mark`` command; return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m tourapp.classroom.editions", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    student = commands.add_parser(
        "student", help="write the student edition (make student)", description="Write the student edition."
    )
    student.add_argument("notebooks", nargs="*", type=Path, help="source notebooks (default: notebooks/*.ipynb)")
    student.add_argument("--out", type=Path, default=ROOT / "build" / "student", help="folder to write to")
    student.add_argument(
        "--allow-dirty", action="store_true", help="go on although the notebooks have uncommitted changes"
    )
    student.set_defaults(run=_write_student)
    marking = commands.add_parser(
        "mark",
        help="mark the teacher's notebooks for nbgrader (make record does it)",
        description="Mark the teacher's notebooks for nbgrader, in place.",
    )
    marking.add_argument("notebooks", nargs="*", type=Path, help="default: every notebook in notebooks/")
    marking.add_argument("--check", action="store_true", help="change nothing; fail if a notebook needs marking")
    marking.set_defaults(run=_mark_in_place)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
