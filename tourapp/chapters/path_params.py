"""Chapter 03: take data from the path itself, as in ``/greet/Robert/``, with converters."""

from flask import Flask, abort

# Plain text, as in the tutorial: a browser shows a name sent back here as typed, never as HTML.
PLAIN_TEXT = {"Content-Type": "text/plain; charset=utf-8"}
GUESTS = {1: "Lucia", 2: "Robert", 3: "Peter"}


def create_app(test_config=None):
    """Create the path-parameters app; ``test_config`` overrides its settings in tests."""
    app = Flask(__name__)
    if test_config:
        app.config.from_mapping(test_config)

    @app.get("/")
    def index():
        """Name the home page."""
        return "Home page"

    @app.get("/greet/<name>/")
    def greet(name):
        """Greet one name; the rule ends in a slash, so ``/greet/Robert`` is redirected here."""
        return f"Hello {name}", PLAIN_TEXT

    @app.get("/guests/<int:number>/")
    def guest(number):
        """Name the guest with this number; ``<int:…>`` only matches digits and passes an int."""
        if number not in GUESTS:
            abort(404)
        return f"Guest {number} is {GUESTS[number]}", PLAIN_TEXT

    @app.get("/greet-all/<path:names>")
    def greet_all(names):
        """Greet every name in the rest of the path; ``<path:…>`` also matches slashes."""
        return "Hello " + ", ".join(part for part in names.split("/") if part), PLAIN_TEXT

    return app


app = create_app()
