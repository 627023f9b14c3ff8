"""Chapter 04: build responses with ``make_response``: status codes, headers, methods."""

from flask import Flask, make_response, url_for
from markupsafe import escape


def create_app(test_config=None):
    """Create the responses app; ``test_config`` overrides its settings in tests."""
    app = Flask(__name__)
    if test_config:
        app.config.from_mapping(test_config)

    @app.get("/")
    def index():
        """Name the home page."""
        return "Home page"

    # strict_slashes=False: /users/Peter/ (the tutorial's curl) answers like /users/Peter.
    @app.post("/users/<name>", strict_slashes=False)
    def create_user(name):
        """Pretend to create a user: 201 Created, with a Location header naming the new user."""
        response = make_response(f"user {escape(name)} created", 201)
        response.headers["Location"] = url_for("get_user", name=name)
        return response

    @app.get("/users/<name>", strict_slashes=False)
    def get_user(name):
        """Greet a user; the name is escaped because this body is HTML."""
        return make_response(f"Hello {escape(name)}", 200)

    return app


app = create_app()
