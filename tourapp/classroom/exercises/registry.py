"""Every exercise of the workbook, by id: ``"01.1"`` is the first exercise of chapter 01.

A chapter's exercises live in one module of this package, named after the chapter's module
(``tourapp/classroom/exercises/hello.py`` for ``tourapp/chapters/hello.py``); each check is a function
decorated with :func:`exercise`. A chapter's module is imported the first time one of its exercises
is looked up; the others only when an id belongs to no chapter's module.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from ...chapters import CHAPTERS

__all__ = ["BROKEN", "CHECK_CELL", "Exercise", "exercise", "for_chapter", "get"]

# The cell that grades an exercise: check("NN.k") alone. A check handed an app of its own
# (check("01.1", first_try), 01's demonstration of a wrong answer) grades nothing of the learner's;
# the grader, the student edition and the tests all tell the two apart by this.
CHECK_CELL = re.compile(r"""^\s*check\(\s*["'](\d\d\.\d+)["']\s*\)\s*$""", re.MULTILINE)
_EXERCISES: dict[str, Exercise] = {}
BROKEN: dict[str, str] = {}  # module name -> why it could not be imported
_loaded: set[str | None] = set()  # the chapters whose modules were imported; None: all of them
_BY_NUMBER = {c.number: c for c in CHAPTERS}
_Check = TypeVar("_Check", bound=Callable[..., None])


@dataclass(frozen=True)
class Exercise:
    """One "Try it" exercise: what the learner defines, what a right answer does, how to check it."""

    id: str
    title: str
    name: str  # the function the learner's exercise cell defines, e.g. "shout_app"
    goal: str  # one sentence a passing check prints, e.g. "GET /shout answers 'HELLO THERE!'"
    check: Callable[..., None]  # check(probe): raises expect.Miss or expect.NotDone unless the app is right
    # "app": the learner builds an app and the check serves it; "test": the learner writes a
    # test function and the check runs it against a right app and broken ones (chapter 13);
    # "project": the learner's function writes files into a project folder and returns the folder,
    # which the check runs in subprocesses (chapter 17).
    kind: str = "app"
    # Set for a check that writes to the app's database: the hint for building the app on a database
    # of its own. The check then refuses an app on the workbook's database before it starts.
    own_database: str | None = None

    @property
    def chapter(self) -> str:
        """Return the chapter number, ``"01"`` for exercise ``"01.1"``."""
        return self.id.partition(".")[0]


def exercise(
    id: str, title: str, *, name: str, goal: str, kind: str = "app", own_database: str | None = None
) -> Callable[[_Check], _Check]:
    """Register the decorated function as the check of exercise ``id``."""

    def register(check: _Check) -> _Check:
        if id in _EXERCISES and _EXERCISES[id].check.__qualname__ != check.__qualname__:
            raise ValueError(f"exercise {id} is defined twice")
        _EXERCISES[id] = Exercise(id, title, name, goal, check, kind, own_database)
        return check

    return register


def get(id: str) -> Exercise | None:
    """Return the exercise with this id, or None."""
    _load(id.partition(".")[0])
    if id not in _EXERCISES:
        _load()
    return _EXERCISES.get(id)


def for_chapter(chapter: str | int) -> list[Exercise]:
    """Return a chapter's exercises in order; ``chapter`` is ``"01"`` or ``1``."""
    number = f"{int(chapter):02d}"
    _load(number)
    found = [ex for ex in _EXERCISES.values() if ex.chapter == number]
    return sorted(found, key=lambda ex: int(ex.id.partition(".")[2]))


def _load(chapter: str | None = None) -> None:
    """Import a chapter's module of this package once (every module for None), so that it registers its exercises.

    Only the chapter's own where it can: a kernel checking chapter 01 need not import SQLAlchemy
    for chapter 10's checks.
    """
    if None in _loaded or chapter in _loaded:
        return
    found = _BY_NUMBER.get(chapter) if chapter is not None else None
    if found is None:  # every module: asked for all, or for a number that is no chapter
        chapter = None
        package = importlib.import_module(__package__)
        names = [module.name for module in pkgutil.iter_modules(package.__path__)]
    else:
        names = [found.exercises] if found.exercises else []
    for module in names:
        name = f"{__package__}.{module}"
        try:
            importlib.import_module(name)
        except Exception as exc:  # one broken chapter must not take every other chapter's checks down
            BROKEN[name] = f"{type(exc).__name__}: {exc}"
    _loaded.add(chapter)
