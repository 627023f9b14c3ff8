"""Self-checking "Try it" exercises: ``check("01.1")`` serves the learner's app and tells ✓ or ✗.

Each chapter's checks are one module here, named after the chapter's module (``hello.py`` for
chapter 01). A check gets a :class:`~tourapp.classroom.exercises.expect.Probe` for the served app, sends it
requests and compares the answers with ``expect_status``, ``expect_text``, ``expect_json`` …;
:func:`run` turns whatever happens into a :class:`Result`, and :func:`check` prints it.
"""

from .checking import assert_passed, check, run
from .registry import CHECK_CELL, Exercise, exercise, for_chapter, get
from .results import MIMETYPE, Result, results_in

__all__ = [
    "CHECK_CELL",
    "MIMETYPE",
    "Exercise",
    "Result",
    "assert_passed",
    "check",
    "exercise",
    "for_chapter",
    "get",
    "results_in",
    "run",
]
