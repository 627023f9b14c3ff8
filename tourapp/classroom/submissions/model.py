"""What one submission showed: :class:`Graded`, read from the notebook as its kernel left it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import nbformat

from ..exercises import CHECK_CELL, Result, for_chapter, results_in
from ..exercises.expect import describe

__all__ = ["Graded", "Row", "chapter_of", "collect", "name_cell", "reason"]

Row = tuple[str, bool, str]  # (exercise id, passed, message)


@dataclass
class Graded:
    """What one submission showed: its check results, and why it stopped early if it did."""

    student: str
    chapter: str | None = None
    results: dict[str, Result] = field(default_factory=dict)  # exercise id -> its last result
    # exercise id -> (index of its check cell, what it raised: "" if nothing, None if it never ran)
    check_cells: dict[str, tuple[int, str | None]] = field(default_factory=dict)
    first_error: tuple[int, str] | None = None  # the first cell that raised: (its index, a description)
    problem: str | None = None  # why the run stopped early, e.g. "cell 7 (…) ran past the 60 s limit"
    unreadable: bool = False  # not a notebook: nothing ran
    grader_error: bool = False  # the grader could not run it (no kernel): not the student's fault
    notebook: nbformat.NotebookNode | None = field(default=None, repr=False)  # as executed, for feedback

    def rows(self) -> list[Row]:
        """Return ``(exercise, passed, message)`` for every exercise of the chapter, in order."""
        if self.chapter is None:
            return [("*", False, self.problem or "could not tell which chapter this notebook is for")]
        exercises = for_chapter(self.chapter)
        if not exercises:
            return [("*", False, self.problem or f"chapter {self.chapter} has no exercises to grade")]
        return [self._row(ex.id) for ex in exercises]

    def _row(self, exercise: str) -> Row:
        """Return the exercise's result, or the best reason why the notebook did not show one."""
        if exercise in self.results:
            result = self.results[exercise]
            return exercise, result.passed, result.message
        if self.unreadable or self.grader_error:  # both always say why
            return exercise, False, self.problem or "not graded"
        if exercise not in self.check_cells:
            return exercise, False, f'no result: the cell with check("{exercise}") is missing'
        index, error = self.check_cells[exercise]
        if error is None:
            return exercise, False, f"not reached: {self.problem or 'its check cell did not run'}"
        if not error:
            return exercise, False, "its check cell ran but reported nothing"
        message = f"its check cell raised {error}"
        if self.first_error and self.first_error[0] < index:  # the cause is often earlier
            message += f"; the first error was {self.first_error[1]}"
        return exercise, False, message


def collect(nb: nbformat.NotebookNode, graded: Graded) -> None:
    """Read the check results, and what each check cell did, from an executed notebook."""
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        error = next((out for out in cell.outputs if out.output_type == "error"), None)
        raised = f"{error.ename}: {error.evalue}" if error is not None else ""
        if error is not None and graded.first_error is None:
            graded.first_error = (index, name_cell(nb, index, f"raising {raised}"))
        ran = cell.execution_count is not None or cell.outputs
        checks = CHECK_CELL.findall(cell.source)
        for exercise_id in checks:
            graded.check_cells[exercise_id] = (index, raised if ran else None)
        for result in results_in(cell.outputs) if checks else ():
            graded.results[result.exercise] = result


def chapter_of(nb: nbformat.NotebookNode) -> str | None:
    """Tell which chapter a notebook is for: from the student edition's metadata, or its checks."""
    chapter = nb.metadata.get("flask_tour", {}).get("chapter")
    if chapter:
        return str(chapter)
    found = Counter(m[:2] for cell in nb.cells if cell.cell_type == "code" for m in CHECK_CELL.findall(cell.source))
    return found.most_common(1)[0][0] if found else None


def name_cell(nb: nbformat.NotebookNode, index: int | None, what: str) -> str:
    """Name a cell for a message: its number (from 1) and its first line."""
    if index is None:
        return f"the notebook {what}"
    first = nb.cells[index].source.strip().splitlines()[0] if nb.cells[index].source.strip() else ""
    first = first if len(first) <= 40 else first[:39] + "…"
    return f"cell {index + 1} ({first}) {what}"


def reason(exc: BaseException) -> str:
    """Say what went wrong in a few words: the exception's message, or its type when it has none."""
    return describe(exc) if str(exc).strip() else type(exc).__name__
