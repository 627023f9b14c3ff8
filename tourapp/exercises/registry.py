"""Every exercise of the workbook, by id: ``"01.1"`` is the first exercise of chapter 01.

A chapter's exercises live in one module of this package, named after the chapter's module
(``tourapp/exercises/hello.py`` for ``tourapp/chapters/hello.py``); each check is a function
decorated with :func:`exercise`. The modules are imported the first time an exercise is looked up.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["BROKEN", "CHECK_CELL", "Exercise", "exercise", "for_chapter", "get"]

# The cell that grades an exercise: check("NN.k") alone. A check handed an app of its own
# (check("01.1", first_try), 01's demonstration of a wrong answer) grades nothing of the learner's;
# the grader, the student edition and the tests all tell the two apart by this.
CHECK_CELL = re.compile(r"""^\s*check\(\s*["'](\d\d\.\d+)["']\s*\)\s*$""", re.MULTILINE)
_EXERCISES: dict[str, Exercise] = {}
BROKEN: dict[str, str] = {}  # module name -> why it could not be imported
_loaded = False


@dataclass(frozen=True)
class Exercise:
    """One "Try it" exercise: what the learner defines, what a right answer does, how to check it."""

    id: str
    title: str
    name: str  # the function the learner's exercise cell defines, e.g. "shout_app"
    goal: str  # one sentence a passing check prints, e.g. "GET /shout answers 'HELLO THERE!'"
    check: Callable  # check(probe): raises expect.Miss or expect.NotDone unless the app is right
    # "app": the learner builds an app and the check serves it; "test": the learner writes a
    # test function and the check runs it against a right app and broken ones (chapter 13).
    kind: str = "app"

    @property
    def chapter(self):
        """Return the chapter number, ``"01"`` for exercise ``"01.1"``."""
        return self.id.partition(".")[0]


def exercise(id, title, *, name, goal, kind="app"):
    """Register the decorated function as the check of exercise ``id``."""

    def register(check):
        if id in _EXERCISES and _EXERCISES[id].check.__qualname__ != check.__qualname__:
            raise ValueError(f"exercise {id} is defined twice")
        _EXERCISES[id] = Exercise(id, title, name, goal, check, kind)
        return check

    return register


def get(id):
    """Return the exercise with this id, or None."""
    _load()
    return _EXERCISES.get(id)


def for_chapter(chapter):
    """Return a chapter's exercises in order; ``chapter`` is ``"01"`` or ``1``."""
    _load()
    chapter = f"{int(chapter):02d}"
    found = [ex for ex in _EXERCISES.values() if ex.chapter == chapter]
    return sorted(found, key=lambda ex: int(ex.id.partition(".")[2]))


def _load():
    """Import every module of this package once, so that each chapter registers its exercises."""
    global _loaded
    if _loaded:
        return
    package = importlib.import_module(__package__)
    for module in pkgutil.iter_modules(package.__path__):
        name = f"{__package__}.{module.name}"
        try:
            importlib.import_module(name)
        except Exception as exc:  # one broken chapter must not take every other chapter's checks down
            BROKEN[name] = f"{type(exc).__name__}: {exc}"
    _loaded = True
