"""Flask Tour: run each chapter's Flask app from a notebook and look at its answers.

``serve(app)`` starts an app in a background thread on a free port of 127.0.0.1;
``show(response)`` prints a response like ``curl -i`` and displays pages and images inline;
``show_code(obj)`` prints the real source the notebook is about;
``check("01.1")`` checks a "Try it" exercise and says ✓, or what it expected and what came back.
"""

from .display import show, show_code
from .exercises import check
from .server import Server, serve, stop_all

__all__ = ["Server", "check", "serve", "show", "show_code", "stop_all"]
