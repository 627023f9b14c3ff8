"""Run an exercise's check against the learner's app and report ✓ or ✗, never a traceback."""

from __future__ import annotations

import inspect
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask

from ...notebook.display import _in_notebook
from ...notebook.server import Server
from .expect import Miss, NotDone, Probe, describe, where
from .registry import BROKEN, Exercise, for_chapter, get
from .results import MIMETYPE, Result

__all__ = ["assert_passed", "check", "run"]

_MISSING = object()
_DEFINES = re.compile(r"^[ \t]*(?:async[ \t]+)?def[ \t]+([A-Za-z_]\w*)[ \t]*\(", re.MULTILINE)
# Function name -> why the last cell that defines it failed; gone once a cell defines it cleanly.
_broken_cells: dict[str, str] = {}
# Exercise id -> what its last check in this kernel said, for assert_passed().
_last: dict[str, Result] = {}


def check(exercise_id: str, app: object = _MISSING) -> None:
    """Check an exercise and print ✓, or ✗ with what was expected and what came back.

    Without ``app``, the check takes the function the exercise asks for (``shout_app`` for
    01.1) from the caller's namespace, so that a check cell works, and explains, even before
    that function exists. ``app`` may be a Flask app or a function that builds one.
    """
    if app is _MISSING:
        exercise = get(exercise_id)
        if exercise is not None:
            if exercise.name in _broken_cells:  # grading the definition before it would mislead
                _report(Result(exercise.id, exercise.title, "failed", _broken_cells[exercise.name]))
                return
            app = sys._getframe(1).f_globals.get(exercise.name, _MISSING)
    _report(run(exercise_id, app))


def assert_passed(exercise_id: str) -> None:
    """Raise AssertionError, with the check's own words, unless the last check of this exercise passed.

    nbgrader's hidden test in every check cell (see :mod:`tourapp.classroom.editions`): the grade
    cell fails exactly when the check above it in the same cell did not pass.
    """
    result = _last.get(exercise_id)
    if result is None:
        raise AssertionError(f"{exercise_id} was not checked in this kernel: run its check cell")
    if not result.passed:
        raise AssertionError(str(result))


def run(exercise_id: str, app: object = _MISSING) -> Result:
    """Run an exercise's check against an app (or a function that builds one); return a :class:`Result`."""
    exercise = get(exercise_id)
    if exercise is None:
        chapter = for_chapter(exercise_id.partition(".")[0]) if exercise_id[:2].isdigit() else []
        known = ", ".join(ex.id for ex in chapter) or "none"
        broken = "".join(f" Could not load {name}: {why}." for name, why in BROKEN.items())
        return Result(
            exercise_id,
            "unknown exercise",
            "failed",
            f"there is no exercise {exercise_id} (this chapter has: {known}).{broken}",
        )
    try:
        if exercise.kind == "test":  # the learner wrote a test: the check runs it, no server needed
            exercise.check(_test_function(exercise, app))
        elif exercise.kind == "project":  # the learner's function writes files: the check runs the folder
            exercise.check(_project_folder(exercise, app))
        else:
            flask_app = _build(exercise, app)
            with _served(flask_app) as probe:
                if exercise.own_database:
                    from .cities import expect_outside_workbook  # SQLAlchemy: only for the database chapters

                    expect_outside_workbook(probe, exercise.own_database)
                exercise.check(probe)
    except NotDone as exc:
        return Result(exercise.id, exercise.title, "not done", f"not done yet: {exc}")
    except Miss as exc:
        return Result(exercise.id, exercise.title, "failed", str(exc))
    except Exception as exc:  # whatever the learner's app does, the learner gets a sentence
        return Result(exercise.id, exercise.title, "failed", f"the check could not finish: {describe(exc)}.")
    return Result(exercise.id, exercise.title, "passed", exercise.goal)


def _defined(name: str, obj: object) -> None:
    """Raise NotDone when the learner's cell never defined ``name``."""
    if obj is _MISSING:
        raise NotDone(f"`{name}` is not defined: write it in the exercise cell above, run that cell, then this one.")


def _call(name: str, function: Callable[[], object]) -> object:
    """Call the learner's function; a placeholder still in place is NotDone, any other error a Miss."""
    try:
        return function()
    except NotImplementedError as exc:
        raise NotDone(
            f"{name}() still raises NotImplementedError{where(exc, name)}: replace that line with your code."
        ) from None
    except Exception as exc:
        raise Miss(f"{name}() raised {describe(exc)}{where(exc, name)}.") from None


def _build(exercise: Exercise, obj: object) -> Flask:
    """Return the Flask app to check: ``obj`` itself, or what the learner's function builds."""
    name = exercise.name
    _defined(name, obj)
    if isinstance(obj, Flask):
        return obj
    if not callable(obj):
        raise Miss(f"`{name}` is {_kind(obj)}, expected a function that builds and returns a Flask app.")
    name = getattr(obj, "__name__", name)
    try:
        inspect.signature(obj).bind()
    except TypeError:
        raise Miss(f"{name}() should take no arguments: it builds the app all by itself.") from None
    except ValueError:  # a callable without a signature (a builtin): call it and see
        pass
    app = _call(name, obj)
    if not isinstance(app, Flask):
        raise Miss(f"{name}() returned {_kind(app)}, expected a Flask app: does it end with `return app`?")
    return app


def _test_function(exercise: Exercise, obj: object) -> Callable[..., object]:
    """Return the learner's test function, or raise NotDone or Miss when there is none to run."""
    _defined(exercise.name, obj)
    if not callable(obj):
        raise Miss(f"`{exercise.name}` is {_kind(obj)}, expected a test function.")
    return obj


def _project_folder(exercise: Exercise, obj: object) -> Path:
    """Call the learner's function, which writes into the project; return the folder it returns."""
    name = exercise.name
    _defined(name, obj)
    if not callable(obj):
        raise Miss(
            f"`{name}` is {_kind(obj)}, expected a function that writes into the project and returns its folder."
        )
    folder = _call(name, obj)
    if not isinstance(folder, (str, Path)):
        raise Miss(
            f"{name}() returned {_kind(folder)}, expected the project's folder: does it end with `return PROJECT`?"
        )
    return Path(folder)


@contextmanager
def _served(app: Flask) -> Iterator[Probe]:
    """Serve the app for one check, on its own port, with Flask's error log silenced."""
    # Not serve(): it keeps one server per app name, and the learner's app carries the name of
    # the chapter's app, whose server the notebook is still using.
    logger, was_disabled = app.logger, app.logger.disabled
    propagate = app.config.get("PROPAGATE_EXCEPTIONS")
    app.debug = False
    # The check explains a view's error itself; Flask's traceback would print from the
    # server's thread into whichever cell runs next.
    app.config["PROPAGATE_EXCEPTIONS"] = False
    logger.disabled = True
    server = Server(app, f"tourapp.classroom.exercises:{id(app)}")
    probe = Probe(server.url, app)
    try:
        with probe:
            yield probe
    finally:
        # A view that never answered is interrupted after a moment (see server._abandon), so a
        # loop in it does not keep a CPU busy until the kernel restarts.
        server.stop(timeout=0.5 if probe.timed_out else 5)
        logger.disabled = was_disabled
        app.config["PROPAGATE_EXCEPTIONS"] = propagate


def _kind(obj: object) -> str:
    """Describe a value by its type, for a message: ``None``, ``a str``, ``an int``."""
    if obj is None:
        return "None"
    name = type(obj).__name__
    return f"{'an' if name[0].lower() in 'aeiou' else 'a'} {name}"


def _report(result: Result) -> None:
    """Print a result; in a notebook show it as HTML, with its machine-readable copy attached."""
    _last[result.exercise] = result
    if _in_notebook():
        from IPython.display import display

        display({"text/plain": str(result), "text/html": result._repr_html_(), MIMETYPE: result.to_json()}, raw=True)
    else:
        print(result)


def _after_cell(result: Any) -> None:
    """Remember whether the cell that just ran, if it defines functions, defined them cleanly."""
    info = getattr(result, "info", None)
    names = set(_DEFINES.findall(getattr(info, "raw_cell", "") or ""))
    if not names:
        return
    error = result.error_before_exec or result.error_in_exec
    for name in names:
        if error is None:
            _broken_cells.pop(name, None)
        else:
            _broken_cells[name] = (
                f"the cell that defines `{name}` stopped with {_cell_error(error)}, so nothing was graded: "
                "fix that cell and run it again, then run this check."
            )


def _cell_error(error: BaseException) -> str:
    """Describe a cell's error with its line: ``SyntaxError: '(' was never closed (line 4)``."""
    if isinstance(error, SyntaxError):
        line = f" (line {error.lineno})" if error.lineno else ""
        return f"{type(error).__name__}: {error.msg}{line}"
    return f"{describe(error)}{where(error)}"


def watch_cells(shell: Any = None) -> None:
    """Follow the cells a kernel runs, so that a check knows when the cell above it failed."""
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:
            return
        shell = get_ipython()
    if shell is None or getattr(shell, "_flask_tour_watching", False):
        return
    shell.events.register("post_run_cell", _after_cell)
    shell._flask_tour_watching = True


if _in_notebook():
    watch_cells()
