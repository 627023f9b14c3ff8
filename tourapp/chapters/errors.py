"""Chapter 09: custom error pages: a 404 page of our own, abort(), and JSON errors for programs."""

from flask import Flask, abort, current_app, render_template, request
from werkzeug.exceptions import HTTPException

from tourapp.chapters.paths import STATIC, TEMPLATES

USERS = ("Lucia", "Peter", "Robert")


def wants_json():
    """Tell whether the client prefers JSON to HTML, judging by its Accept header."""
    # Browsers and curl (Accept: */*) get HTML; only a client that asks for JSON gets it.
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"


def json_error(error):
    """Answer an HTTP error as JSON: ``{"code": 404, "description": "…", "name": "Not Found"}``."""
    # The workbook's one JSON error format: chapters 10 and 11 answer their errors with this function.
    response = current_app.json.response(code=error.code, description=error.description, name=error.name)
    response.status_code = error.code
    # keep the headers the error brings, such as a 405's Allow
    response.headers.extend((k, v) for k, v in error.get_headers() if k.lower() != "content-type")
    return response


def create_app(test_config=None):
    """Create the errors app; ``test_config`` overrides its settings in tests."""
    # 404.html extends base.html, which links the stylesheet from the static folder.
    app = Flask(__name__, template_folder=TEMPLATES, static_folder=STATIC)
    if test_config:
        app.config.from_mapping(test_config)

    @app.get("/")
    def index():
        """Name the home page."""
        return "Home page"

    @app.get("/about")
    def about():
        """Name the about page."""
        return "About page"

    @app.get("/users/<name>")
    def user(name):
        """Greet a known user; for anyone else, stop with a 404 that the handler below answers."""
        if name not in USERS:
            abort(404, description="There is no user of that name.")
        return f"Hello {name}"  # one of USERS, never the visitor's own text

    @app.errorhandler(404)
    def page_not_found(error):
        """Answer a missing page with templates/404.html, or with JSON if the client asks for it."""
        if wants_json():
            return json_error(error)
        return render_template("404.html"), 404

    @app.errorhandler(HTTPException)
    def http_error(error):
        """Answer the other HTTP errors (405, 400, …) with JSON if the client asks for it."""
        return json_error(error) if wants_json() else error

    @app.after_request
    def vary_on_accept(response):
        """Tell caches that an error's answer depends on the request's Accept header."""
        if response.status_code >= 400:
            response.vary.add("Accept")
        return response

    return app


app = create_app()
