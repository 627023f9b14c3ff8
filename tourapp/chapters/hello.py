"""Chapter 01: the classic hello.py, the smallest useful Flask app: one route that says hello.

This is the shape every Flask tutorial starts from: one module-level ``app`` and a route. The
later chapters build their apps in a ``create_app`` function instead (an app factory, which the
end of chapter 01 explains). Run it with ``flask --app tourapp.chapters.hello run``.
"""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    """Greet whoever asks for the home page."""
    return "Hello there!"
