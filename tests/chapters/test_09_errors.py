"""Chapter 09: a custom 404 page for unknown URLs and abort(404), JSON errors for JSON clients."""

import pytest
import requests
from flask import abort, render_template_string

from tests.helpers.support import MISSING as UNDEFINED
from tests.helpers.support import factory_placeholder, flask_cli, grown, placeholder, traversal_test, try_it_test
from tourapp.chapters import errors, movies

JSON = {"Accept": "application/json"}
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
NOT_FOUND_PAGE = ("<title>404 error · Flask Tour</title>", "<p>404 - page not found</p>")

MISSING = [
    "/nowhere",  # test that an unknown route gets the custom page
    "/about/",
    "/users/",
    "/users/Zed",  # test that abort(404) in a view gets the same page
    "/users/peter",  # (names are case-sensitive)
    "/users/" + "x" * 10_000,  # test that an over-long name is a 404, not a 500
    "/users/%ff%fe",  # test that bytes that are not UTF-8 are a 404
    "/users/<script>alert(1)<",  # test that markup in a name is never echoed
    "/users/{{7*7}}",  # test that template syntax in a name is never evaluated
    "/static/missing.png",  # test that a missing static file gets the custom page too
]


@pytest.fixture
def client():
    return errors.create_app({"TESTING": True}).test_client()


@pytest.mark.parametrize(
    ("path", "body"),
    [("/", "Home page"), ("/about", "About page"), ("/users/Peter", "Hello Peter"), ("/users/Lucia", "Hello Lucia")],
)
def test_pages_answer_as_in_the_tutorial(client, path, body):
    response = client.get(path)
    assert (response.status_code, response.text) == (200, body)
    assert response.content_type == "text/html; charset=utf-8"


@pytest.mark.parametrize("path", MISSING)
@pytest.mark.parametrize("headers", [{}, BROWSER, {"Accept": "*/*"}])
def test_missing_pages_get_the_custom_404_page(client, path, headers):
    response = client.get(path, headers=headers)
    assert response.status_code == 404
    assert response.content_type == "text/html; charset=utf-8"
    assert all(part in response.text for part in NOT_FOUND_PAGE)
    assert "Accept" in response.vary
    assert "<script>" not in response.text and "49" not in response.text and "xxx" not in response.text


@pytest.mark.parametrize("path", MISSING)
def test_json_clients_get_a_json_404(client, path):
    response = client.get(path, headers=JSON)
    assert response.status_code == 404
    assert response.content_type == "application/json"
    body = response.get_json()
    assert (body["code"], body["name"]) == (404, "Not Found")
    if path == "/users/Zed":  # test that abort's description reaches the JSON body
        assert body["description"] == "There is no user of that name."
    assert "<script>" not in response.text and "49" not in response.text


@pytest.mark.parametrize(
    ("accept", "mimetype"),
    [
        (None, "text/html"),  # test that a client without Accept gets HTML
        ("*/*", "text/html"),  # curl and requests
        ("application/json", "application/json"),
        ("application/*", "application/json"),
        ("application/json;q=0.9, text/html;q=0.8", "application/json"),
        ("text/html;q=0.9, application/json;q=0.8", "text/html"),
        ("text/plain", "text/html"),  # test that nothing acceptable falls back to HTML
        ("%%% not a header ;;;q=x", "text/html"),  # test that a garbled Accept is not a 500
    ],
)
def test_the_accept_header_chooses_the_format(client, accept, mimetype):
    response = client.get("/nowhere", headers={"Accept": accept} if accept else {})
    assert (response.status_code, response.mimetype) == (404, mimetype)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/"),  # test that wrong methods are refused with 405
        ("DELETE", "/about"),
        ("PUT", "/users/Peter"),
    ],
)
@pytest.mark.parametrize("headers", [{}, JSON])
def test_wrong_methods_are_405_in_either_format(client, method, path, headers):
    response = client.open(path, method=method, headers=headers)
    assert response.status_code == 405
    assert set(response.allow) == {"GET", "HEAD", "OPTIONS"}  # test that JSON errors keep the Allow header
    if headers:
        assert response.get_json()["name"] == "Method Not Allowed"
    else:
        assert response.mimetype == "text/html"


test_traversal_is_a_404 = traversal_test(
    [
        ("/static/../pyproject.toml", b"[project]"),  # test that traversal through /static/ is a 404
        ("/static/..%2fpyproject.toml", b"[project]"),
        ("/static/%2e%2e/templates/404.html", b"{% block"),
        ("/static/%2fetc%2fpasswd", b"root:"),  # (Werkzeug first merges the slashes with a 308)
    ],
    page=NOT_FOUND_PAGE[1],
)


def test_over_a_real_socket(live):
    url = live(errors.app)
    assert requests.get(f"{url}/", timeout=5).text == "Home page"
    assert requests.get(f"{url}/about", timeout=5).text == "About page"
    page = requests.get(f"{url}/nowhere", timeout=5)
    assert page.status_code == 404 and NOT_FOUND_PAGE[1] in page.text
    data = requests.get(f"{url}/users/Zed", headers=JSON, timeout=5)
    assert (data.status_code, data.json()["description"]) == (404, "There is no user of that name.")
    assert data.headers["Vary"] == "Accept"


def test_flask_cli_knows_the_app():
    out = flask_cli("tourapp.chapters.errors", "routes")
    assert "/about" in out and "/users/<name>" in out


# "Try it": the checks of tourapp/classroom/exercises/errors.py, against right and typical wrong answers.


NOTEBOOK = "notebooks/09-error-pages.ipynb"


def movie_app(view):
    """Return a factory that builds the errors app with ``view`` answering ``GET /movies/<int:movie_id>``."""
    return grown(errors.create_app, "/movies/<int:movie_id>", view)


def movie_right(movie_id):
    if movie_id not in movies.MOVIES:
        abort(404, description=f"There is no movie with id {movie_id}.")
    return movies.MOVIES[movie_id]


def movie_by_hand(movie_id):
    if movie_id not in movies.MOVIES:
        return {"error": f"There is no movie with id {movie_id}."}, 404
    return movies.MOVIES[movie_id]


def movie_plain_abort(movie_id):
    if movie_id not in movies.MOVIES:
        abort(404)
    return movies.MOVIES[movie_id]


def movie_not_found_in_text(movie_id):
    return movies.MOVIES.get(movie_id, "There is no movie with that id.")


def movie_key_error(movie_id):
    return movies.MOVIES[movie_id]


PAGE_500 = (
    '{% extends "base.html" %}{% block title %}500 error{% endblock %}{% block content %}<p>500 - something '
    "went wrong</p>{% endblock %}"
)


def boom():
    return 1 / 0


def oops_app(handler=None):
    """Return a factory that builds the errors app with a failing GET /boom and ``handler`` for 500."""

    def factory():
        app = errors.create_app()
        app.add_url_rule("/boom", view_func=boom)
        if handler is not None:
            app.register_error_handler(500, handler)
        return app

    return factory


def handler_right(error):
    if errors.wants_json():
        return errors.json_error(error)
    return render_template_string(PAGE_500), 500


def handler_no_status(error):
    return render_template_string(PAGE_500)


def handler_html_only(error):
    return render_template_string(PAGE_500), 500


def handler_plain_text(error):
    return "500 - something went wrong", 500


def handler_unframed(error):
    return "<p>500 - something went wrong</p>", 500


test_try_it_checks = try_it_test(
    [
        # test that the notebook's solutions pass, and so do the same answers written here
        ("09.1", "movie_app", "passed", "a 404 through abort()"),
        ("09.2", "oops_app", "passed", "GET /boom answers 500"),
        ("09.1", movie_app(movie_right), "passed", "JSON for programs"),
        ("09.2", oops_app(handler_right), "passed", "framed by base.html"),
        # test that typical wrong answers fail with a hint that names the mistake
        (
            "09.1",
            movie_app(movie_by_hand),
            "failed",
            'GET /movies/9 answered {"error": "There is no movie with id 9."}, expected {"code": 404, "description": '
            '"There is no movie with id 9.", "name": "Not Found"}. Hint: missing \'code\', \'name\', '
            "'description'; unexpected 'error'; the JSON was written by the view, not by the app's handlers: "
            "call abort(404, description=…)",
        ),
        (
            "09.1",
            movie_app(movie_plain_abort),
            "failed",
            (
                (
                    "Hint: 'description' should be 'There is no movie with id 9.', not 'The requested URL was not "
                    "found on the server."
                ),
                'give abort() the sentence to send: abort(404, description=f"There is no movie with id {movie_id}.")',
            ),
        ),
        (
            "09.1",
            movie_app(movie_not_found_in_text),
            "failed",
            "GET /movies/9 answered 200 OK, expected 404 NOT FOUND. Hint: for an id that is not in MOVIES, call "
            "abort(404, description=…)",
        ),
        (
            "09.1",
            movie_app(movie_key_error),
            "failed",
            "GET /movies/9 answered 500 INTERNAL SERVER ERROR because the view raised KeyError: 9 in movie_key_error()",
        ),
        (
            "09.2",
            oops_app(),
            "failed",
            "GET /boom answered a page without the title '500 error · Flask Tour'. Hint: that is Flask's own page: "
            "register a handler with @app.errorhandler(500).",
        ),
        (
            "09.2",
            oops_app(handler_no_status),
            "failed",
            "GET /boom answered 200 OK, expected 500 INTERNAL SERVER ERROR. Hint: the handler must still say what "
            "happened",
        ),
        (
            "09.2",
            oops_app(handler_html_only),
            "failed",
            "GET /boom answered with Content-Type text/html, expected application/json. Hint: for a client that asks "
            "for JSON, answer errors.json_error(error)",
        ),
        (
            "09.2",
            oops_app(handler_plain_text),
            "failed",
            'Hint: render a template that extends "base.html", with 500 error in its title block.',
        ),
        ("09.2", oops_app(handler_unframed), "failed", "without the title '500 error · Flask Tour'"),
        # test that an exercise not started yet is "not done", not a failure
        ("09.1", UNDEFINED, "not done", "not done yet: `movie_app` is not defined"),
        (
            "09.1",
            movie_app(placeholder),
            "not done",
            "not done yet: GET /movies/2 still raises NotImplementedError in placeholder()",
        ),
        (
            "09.2",
            factory_placeholder,
            "not done",
            "not done yet: factory_placeholder() still raises NotImplementedError",
        ),
    ],
    NOTEBOOK,
)
