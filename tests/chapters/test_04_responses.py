"""Chapter 04: make_response, 201 vs 200, methods and 405, both slash forms, escaped names."""

from functools import partial

import pytest
import requests
from flask import make_response, url_for
from markupsafe import escape

from tests.helpers.support import MISSING, factory_placeholder, flask_cli, placeholder, try_it_test
from tests.helpers.support import grown as grown_from
from tourapp.chapters import responses

MARKUP = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)",
    '"><b>Peter',
    "Tom & Jerry's",
]


@pytest.fixture
def client():
    return responses.create_app({"TESTING": True}).test_client()


@pytest.mark.parametrize(
    ("method", "url", "status", "body"),
    [
        ("POST", "/users/Peter", 201, "user Peter created"),  # test that creating answers 201
        ("POST", "/users/Peter/", 201, "user Peter created"),  # test the tutorial's curl, with its slash
        ("GET", "/users/Peter", 200, "Hello Peter"),  # test that reading answers 200
        ("GET", "/users/Peter/", 200, "Hello Peter"),
        ("GET", "/", 200, "Home page"),
    ],
)
def test_transcript(client, method, url, status, body):
    response = client.open(url, method=method)
    assert response.status_code == status
    assert response.text == body
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert response.headers["Content-Length"] == str(len(body))


@pytest.mark.parametrize("url", ["/users/Peter", "/users/Peter/"])
def test_created_user_has_a_location(client, url):
    # test that the 201 names the new resource, without the slash either way
    assert client.post(url).headers["Location"] == "/users/Peter"


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
@pytest.mark.parametrize("url", ["/users/Peter", "/users/Peter/"])
def test_other_methods_get_405_with_allow(client, method, url):
    response = client.open(url, method=method)
    assert response.status_code == 405
    assert set(response.allow) == {"GET", "HEAD", "OPTIONS", "POST"}


@pytest.mark.parametrize(
    ("method", "status", "allow"),
    [
        ("HEAD", 200, None),  # test that HEAD comes free with GET: headers, no body
        ("OPTIONS", 200, {"GET", "HEAD", "OPTIONS", "POST"}),  # test that OPTIONS lists the methods
    ],
)
def test_automatic_methods(client, method, status, allow):
    response = client.open("/users/Peter", method=method)
    assert response.status_code == status
    assert response.data == b""
    if allow:
        assert set(response.allow) == allow
    else:
        assert response.headers["Content-Length"] == "11"


@pytest.mark.parametrize("name", MARKUP)
@pytest.mark.parametrize(("method", "status", "template"), [("GET", 200, "Hello {}"), ("POST", 201, "user {} created")])
def test_markup_in_a_name_is_escaped(client, method, status, template, name):
    # test that a name in these HTML bodies never comes back as live markup
    response = client.open(f"/users/{name}", method=method)
    assert response.status_code == status
    assert response.text == template.format(escape(name))
    assert "<" not in response.text and '"' not in response.text
    assert "<" not in response.headers.get("Location", "")


@pytest.mark.parametrize("url", ["/users/<b>Peter</b>", "/users/<script>alert(1)<%2Fscript>"])
def test_closing_tags_cannot_reach_a_view(client, url):
    # test that `</…>` needs a slash, which ends the <name> segment: no rule matches
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/users/%ff%fe", "Hello \ufffd\ufffd"),  # test that invalid UTF-8 is replaced, not a 500
        ("/users/Zo%C3%AB", "Hello Zoë"),
        ("/users/" + "x" * 100_000, "Hello " + "x" * 100_000),  # test that a long name is answered whole
    ],
)
def test_odd_names_get_an_answer_not_an_error(client, url, body):
    response = client.get(url)
    assert response.status_code == 200
    assert response.text == body


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("GET", "/users", 404),  # test that the list of users does not exist
        ("GET", "/users/", 404),
        ("POST", "/users/Peter/extra", 404),
        ("GET", "/users/Peter//", 308),  # test that doubled slashes are still merged by a redirect
        ("GET", "/nowhere", 404),
        ("POST", "/", 405),
    ],
)
def test_unknown_routes_and_methods(client, method, url, status):
    assert client.open(url, method=method).status_code == status


def test_tutorial_curls_over_a_real_socket(live):
    # test `curl -X POST localhost:5000/users/Peter/` and `curl -i localhost:5000/users/Peter/`
    url = live(responses.app)
    created = requests.post(f"{url}/users/Peter/", allow_redirects=False, timeout=5)
    assert (created.status_code, created.text) == (201, "user Peter created")
    greeted = requests.get(f"{url}/users/Peter/", allow_redirects=False, timeout=5)
    assert (greeted.status_code, greeted.text) == (200, "Hello Peter")
    assert greeted.headers["Content-Type"] == "text/html; charset=utf-8"
    assert greeted.headers["Content-Length"] == "11"
    refused = requests.put(f"{url}/users/Peter", timeout=5)
    assert refused.status_code == 405
    assert set(refused.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS", "POST"}


def test_markup_over_a_real_socket(live):
    # test that a browser-like request with markup in the name gets only escaped text back
    url = live(responses.app)
    response = requests.get(f"{url}/users/<img src=x onerror=alert(1)>", timeout=5)
    assert response.text == "Hello &lt;img src=x onerror=alert(1)&gt;"


def test_an_over_long_name_is_refused_by_the_server(live):
    # test that a request line beyond the server's limit is a 414, not a 500 or a hang
    url = live(responses.app)
    assert requests.post(f"{url}/users/{'x' * 70_000}", timeout=5).status_code == 414


def test_flask_cli_knows_the_app():
    # `flask --app tourapp.chapters.responses run` finds the app; `routes` proves it without a port.
    out = flask_cli("tourapp.chapters.responses", "routes")
    assert "create_user" in out and "get_user" in out and "/users/<name>" in out


# "Try it": the checks of tourapp/classroom/exercises/responses.py, against right and typical wrong answers.

NOTEBOOK = "notebooks/04-responses.ipynb"
grown = partial(grown_from, responses.create_app)  # a factory of the chapter's app with one more route


def deleting(view, rule="/users/<name>", strict_slashes=False):
    """Return a factory with ``view`` for DELETE, both slash forms unless ``strict_slashes``."""
    return grown(rule, view, methods=["DELETE"], strict_slashes=strict_slashes)


def delete_says_so(name):
    return f"user {escape(name)} deleted"


def delete_right(name):
    return "", 204


def teams(create, read=None):
    """Return a factory with ``create`` for POST /teams/<name> and ``read`` (endpoint get_team) for GET."""
    create_only = grown("/teams/<name>", create, methods=["POST"])

    def factory():
        app = create_only()
        if read is not None:
            app.add_url_rule("/teams/<name>", view_func=read, methods=["GET"], endpoint="get_team")
        return app

    return factory


def create_team_200(name):
    return f"team {escape(name)} created"


def create_team_no_location(name):
    return f"team {escape(name)} created", 201


def create_team_wrong_location(name):
    response = make_response(f"team {escape(name)} created", 201)
    response.headers["Location"] = url_for("get_user", name=name)
    return response


def create_team_by_hand(name):
    return f"team {escape(name)} created", 201, {"Location": f"/teams/{name}"}


def create_team_right(name):
    response = make_response(f"team {escape(name)} created", 201)
    response.headers["Location"] = url_for("get_team", name=name)
    return response


def create_team_external(name):
    response = make_response(f"team {escape(name)} created", 201)
    response.headers["Location"] = url_for("get_team", name=name, _external=True)
    return response


def get_team(name):
    return f"Team {escape(name)}"


def welcome_unescaped(name):
    return f"<h1>Welcome, {name}!</h1>"


def welcome_all_escaped(name):
    return escape(f"<h1>Welcome, {name}!</h1>")


def welcome_as_text(name):
    return f"<h1>Welcome, {escape(name)}!</h1>", {"Content-Type": "text/plain; charset=utf-8"}


def welcoming(view):
    """Return a factory with ``view`` for GET /welcome/<name>."""
    return grown("/welcome/<name>", view)


test_try_it_checks = try_it_test(
    [
        # test that the notebook's solutions pass
        ("04.1", "delete_app", "passed", "DELETE /users/Peter answers 204 No Content"),
        ("04.2", "team_app", "passed", "POST /teams/Owls answers 201 with Location: /teams/Owls"),
        ("04.3", "welcome_page_app", "passed", "with NAME escaped"),
        (
            "04.2",
            teams(create_team_external, get_team),
            "passed",
            "Location: /teams/Owls",
        ),  # test that an absolute Location counts too
        # test that typical wrong answers fail with a hint that names the mistake
        (
            "04.1",
            deleting(delete_says_so),
            "failed",
            "DELETE /users/Peter answered 200 OK, expected 204 NO CONTENT. Hint: a view sets another status by "
            "returning a pair, and a 204 has no body",
        ),
        (
            "04.1",
            deleting(delete_right, strict_slashes=True),
            "failed",
            "DELETE /users/Peter/ answered 405 METHOD NOT ALLOWED, expected 204 NO CONTENT. Hint: the chapter's rules "
            "answer both forms",
        ),
        (
            "04.1",
            deleting(delete_right, rule="/users/<name>/", strict_slashes=True),
            "failed",
            "answered 308 PERMANENT REDIRECT, expected 204 NO CONTENT. Hint: the chapter's rules answer both forms",
        ),
        (
            "04.1",
            grown("/users/<name>", delete_right, methods=["PUT"], strict_slashes=False),
            "failed",
            "DELETE /users/Peter answered 405 METHOD NOT ALLOWED, expected 204 NO CONTENT. Hint: there is a route for "
            "this path, but it accepts only",
        ),
        (
            "04.2",
            teams(create_team_200, get_team),
            "failed",
            "POST /teams/Owls answered 200 OK, expected 201 CREATED. Hint: a view sets another status by passing it to "
            "make_response",
        ),
        (
            "04.2",
            teams(create_team_no_location, get_team),
            "failed",
            "POST /teams/Owls answered without a Location header. Hint: set it on the response",
        ),
        (
            "04.2",
            teams(create_team_wrong_location, get_team),
            "failed",
            "POST /teams/Owls answered Location: /users/Owls, expected /teams/Owls. Hint: url_for names the view that "
            "answers GET",
        ),
        (
            "04.2",
            teams(create_team_right),
            "failed",
            "the view raised BuildError: Could not build url for endpoint 'get_team'",
        ),
        (
            "04.2",
            teams(create_team_by_hand),
            "failed",
            "GET /teams/Owls answered 405 METHOD NOT ALLOWED, expected 200 OK. Hint: the Location should name a URL "
            "that answers",
        ),
        (
            "04.3",
            welcoming(welcome_unescaped),
            "failed",
            "answered '<h1>Welcome, Tom & Jerry!</h1>', expected '<h1>Welcome, Tom &amp; Jerry!</h1>'. Hint: the name "
            "went into the page as it was sent",
        ),
        (
            "04.3",
            welcoming(welcome_all_escaped),
            "failed",
            "Hint: escape only the name: the <h1> tags are your own markup",
        ),
        (
            "04.3",
            welcoming(welcome_as_text),
            "failed",
            "GET /welcome/Peter answered with Content-Type text/plain, expected text/html.",
        ),
        # test that a function that is missing or still the placeholder is "not done yet"
        ("04.1", MISSING, "not done", "not done yet: `delete_app` is not defined"),
        (
            "04.2",
            factory_placeholder,
            "not done",
            "not done yet: factory_placeholder() still raises NotImplementedError",
        ),
        (
            "04.3",
            welcoming(placeholder),
            "not done",
            "not done yet: GET /welcome/Peter still raises NotImplementedError",
        ),
    ],
    NOTEBOOK,
)
