"""Flask Tour: run each chapter's Flask app from a notebook and look at its answers.

``serve(app)`` starts an app in a background thread on a free port of 127.0.0.1;
``show(response)`` prints a response like ``curl -i`` and displays pages and images inline;
``show_code(obj)`` prints the real source the notebook is about;
``check("01.1")`` checks a "Try it" exercise and says ✓, or what it expected and what came back.
"""

import importlib
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .classroom.exercises import check
    from .notebook.display import show, show_code
    from .notebook.server import Server, serve, stop_all

__all__ = ["Server", "check", "serve", "show", "show_code", "stop_all"]

# Each name is imported when first asked for: `flask --app tourapp.chapters.hello` and the grader
# import this package too, and need neither IPython nor the checks (a second or so per process).
_HOMES = {
    "Server": "notebook.server",
    "serve": "notebook.server",
    "stop_all": "notebook.server",
    "show": "notebook.display",
    "show_code": "notebook.display",
    "check": "classroom.exercises",
}


def __getattr__(name: str) -> object:
    """Import a public name from its module the first time it is used."""
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_HOMES[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


# In a kernel the checks follow every cell from the first (exercises.checking.watch_cells), so
# that a check knows when the cell defining its function failed, however tourapp was imported.
if "ipykernel" in sys.modules:
    from .classroom.exercises import checking as _checking  # noqa: F401
