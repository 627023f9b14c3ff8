"""Chapter 09's exercises: grow the errors app by a view that aborts and a page for errors in the code."""

from werkzeug.exceptions import InternalServerError

from ...chapters.movies import MOVIES
from .expect import Miss, expect_json, expect_mimetype, expect_status, expect_text, json_body
from .registry import exercise

JSON = {"Accept": "application/json"}
MISSING_ID = 9
ABORT = "call abort(404, description=…) and let the app's error handlers answer, as /users/<name> does"


@exercise(
    "09.1",
    "Stop with abort()",
    name="movie_app",
    goal="GET /movies/<id> answers the title, or a 404 through abort(): the page for browsers, JSON for programs.",
)
def movie(probe):
    """Check that GET /movies/<id> answers a title, and aborts with a described 404 for an unknown id."""
    response = probe.get("/movies/2")
    expect_status(response, 200)
    expect_text(response, MOVIES[2])
    description = f"There is no movie with id {MISSING_ID}."
    response = probe.get(f"/movies/{MISSING_ID}", headers=JSON)
    expect_status(response, 404, "for an id that is not in MOVIES, " + ABORT)
    got = json_body(response)
    if isinstance(got, dict) and set(got) == {"code", "name", "description"} and got["description"] != description:
        hint = 'give abort() the sentence to send: abort(404, description=f"There is no movie with id {movie_id}.")'
    elif got is not None and set(got) != {"code", "name", "description"}:
        hint = "the JSON was written by the view, not by the app's handlers: " + ABORT
    else:
        hint = ABORT
    expect_json(response, {"code": 404, "name": "Not Found", "description": description}, hint)
    response = probe.get(f"/movies/{MISSING_ID}", headers={"Accept": "text/html"})
    expect_status(response, 404)
    expect_mimetype(response, "text/html", "a browser should get the 404 page: " + ABORT)
    if "404 - page not found" not in response.text:
        raise Miss(f"GET /movies/{MISSING_ID} for a browser answered a page without '404 - page not found'.", ABORT)


@exercise(
    "09.2",
    "A page for errors in the code",
    name="oops_app",
    goal="GET /boom answers 500 with a page of its own, framed by base.html, or JSON for programs.",
)
def oops(probe):
    """Check that an error in a view gets the app's own 500 page, and JSON for JSON clients."""
    response = probe.request("GET", "/boom", explain_errors=False)
    if response.status_code == 200:
        raise Miss(
            "GET /boom answered 200 OK, expected 500 INTERNAL SERVER ERROR.",
            "the handler must still say what happened: return the page and 500, as page_not_found returns 404",
        )
    expect_status(response, 500)
    expect_mimetype(response, "text/html")
    if "<title>500 error · Flask Tour</title>" not in response.text:
        if "<title>500 Internal Server Error</title>" in response.text:
            hint = "that is Flask's own page: register a handler with @app.errorhandler(500)"
        else:
            hint = 'render a template that extends "base.html", with 500 error in its title block'
        raise Miss("GET /boom answered a page without the title '500 error · Flask Tour'.", hint)
    if "500 - something went wrong" not in response.text:
        raise Miss(
            "GET /boom answered a page without '500 - something went wrong'.", "put that sentence in the content block"
        )
    response = probe.request("GET", "/boom", headers=JSON, explain_errors=False)
    expect_status(response, 500)
    expected = {"code": 500, "name": "Internal Server Error", "description": InternalServerError.description}
    expect_json(
        response, expected, "for a client that asks for JSON, answer errors.json_error(error), as page_not_found does"
    )
