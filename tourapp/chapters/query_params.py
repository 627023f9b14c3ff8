"""Chapter 02: read data from the query string, as in ``/greet?name=Lucia``."""

from flask import Flask, request

# Plain text, as in the tutorial: a browser shows a name sent back here as typed, never as HTML.
PLAIN_TEXT = {"Content-Type": "text/plain; charset=utf-8"}


def create_app(test_config=None):
    """Create the query-parameters app; ``test_config`` overrides its settings in tests."""
    app = Flask(__name__)
    if test_config:
        app.config.from_mapping(test_config)

    @app.get("/")
    def index():
        """Name the home page."""
        return "Home page"

    @app.get("/greet")
    def greet():
        """Greet the ``name`` given in the query string, or a guest when there is none."""
        name = request.args.get("name", "Guest")
        return f"Hello {name}", 200, PLAIN_TEXT

    return app


app = create_app()
