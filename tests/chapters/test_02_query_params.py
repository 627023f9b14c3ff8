"""Chapter 02: ``/greet`` reads ``name`` from the query string and answers in plain text."""

from functools import partial

import pytest
import requests
from flask import request

from tests.helpers.support import MISSING, clear_4xx_test, factory_placeholder, flask_cli, placeholder, try_it_test
from tests.helpers.support import grown as grown_from
from tourapp.chapters import query_params

MARKUP = [
    "<b>Lucia</b>",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "Tom & Jerry",
]


@pytest.fixture
def client():
    return query_params.create_app({"TESTING": True}).test_client()


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/greet?name=Lucia", "Hello Lucia"),  # test that the tutorial's curl gets its answer
        ("/greet", "Hello Guest"),  # test that a missing name falls back to Guest
        ("/greet?name=", "Hello "),  # test that an empty name is a name, not a missing one
        ("/greet?name=Lucia&name=Robert", "Hello Lucia"),  # test that the first of two names wins
        ("/greet?name=Luc%C3%ADa+P%C3%A9rez", "Hello Lucía Pérez"),  # test that + and UTF-8 decode
        ("/greet?other=1", "Hello Guest"),  # test that unknown parameters are ignored
    ],
)
def test_greet_answers_in_plain_text(client, url, body):
    response = client.get(url)
    assert response.status_code == 200
    assert response.text == body
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.headers["Content-Length"] == str(len(body.encode("utf-8")))


def test_home_page(client):
    response = client.get("/")
    assert (response.status_code, response.text) == (200, "Home page")


@pytest.mark.parametrize("name", MARKUP)
def test_markup_in_a_name_comes_back_as_text_never_as_html(client, name):
    # test that markup is echoed only inside a text/plain body, where browsers show it as typed
    response = client.get("/greet", query_string={"name": name})
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert response.text == f"Hello {name}"


@pytest.mark.parametrize(
    "url",
    [
        "/greet?name=%ff%fe",  # test that invalid UTF-8 in the query is answered, not a 500
        "/greet?name=%00",  # test that a NUL is just a character
        "/greet?name=%3Cb",  # test that half a tag is just text too
    ],
)
def test_odd_names_get_an_answer_not_an_error(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert response.text.startswith("Hello ")


def test_a_long_name_is_echoed_whole(client):
    # test that 100,000 characters are answered whole, not cut or refused
    name = "x" * 100_000
    assert client.get("/greet", query_string={"name": name}).text == f"Hello {name}"


test_bad_requests_get_a_clear_4xx = clear_4xx_test(
    [
        ("GET", "/nowhere", 404),  # test that an unknown route is a 404
        ("GET", "/greet/Lucia", 404),  # test that the name belongs in the query, not the path
        ("GET", "/greet/", 404),  # test that a slash the rule lacks is a 404 (strict slashes)
        ("POST", "/greet?name=Lucia", 405),  # test that a wrong method is refused with 405
        ("DELETE", "/", 405),
        ("GET", "/%ff%fe", 404),  # test that invalid UTF-8 in the path is a clean 404
    ]
)


def test_transcript_over_a_real_socket(live):
    # test that `curl -i localhost:5000/greet?name=Lucia` gets the tutorial's answer
    url = live(query_params.app)
    response = requests.get(f"{url}/greet?name=Lucia", timeout=5)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.headers["Content-Length"] == "11"
    assert response.text == "Hello Lucia"
    assert requests.get(f"{url}/greet", timeout=5).text == "Hello Guest"
    assert requests.get(url, timeout=5).text == "Home page"


def test_an_over_long_query_is_refused_by_the_server(live):
    # test that a request line beyond the server's limit is a 414, not a 500 or a hang
    url = live(query_params.app)
    response = requests.get(f"{url}/greet", params={"name": "x" * 70_000}, timeout=5)
    assert response.status_code == 414


def test_flask_cli_knows_the_app():
    # `flask --app tourapp.chapters.query_params run` finds the app; `routes` proves it without a port.
    out = flask_cli("tourapp.chapters.query_params", "routes")
    assert "greet" in out and "/greet" in out and "index" in out


# "Try it": the checks of tourapp/classroom/exercises/query_params.py, against right and typical wrong answers.

NOTEBOOK = "notebooks/02-query-parameters.ipynb"
grown = partial(grown_from, query_params.create_app)  # a factory of the chapter's app with one more route


def welcome_right():
    greeting = request.args.get("greeting", "Hello")
    name = request.args.get("name", "Guest")
    return f"{greeting} {name}", 200, query_params.PLAIN_TEXT


def welcome_as_html():
    return f"{request.args.get('greeting', 'Hello')} {request.args.get('name', 'Guest')}"


def welcome_without_defaults():
    return f"{request.args.get('greeting')} {request.args.get('name')}"


def welcome_by_key():
    return f"{request.args['greeting']} {request.args['name']}"


def welcome_swapped():
    return f"{request.args.get('name', 'Guest')} {request.args.get('greeting', 'Hello')}"


def repeat_right():
    times = request.args.get("times", 1, type=int)
    if times > 100:
        return "times must be at most 100", 400, query_params.PLAIN_TEXT
    return request.args.get("word", "") * times, 200, query_params.PLAIN_TEXT


def repeat_as_html():
    times = request.args.get("times", 1, type=int)
    if times > 100:
        return "times must be at most 100", 400
    return request.args.get("word", "") * times


def repeat_unbounded():
    return request.args.get("word", "") * request.args.get("times", 1, type=int), 200, query_params.PLAIN_TEXT


def repeat_cut_short():
    times = min(request.args.get("times", 1, type=int), 100)
    return request.args.get("word", "") * times, 200, query_params.PLAIN_TEXT


def repeat_bound_off_by_one():
    times = request.args.get("times", 1, type=int)
    if times >= 100:
        return "too many", 400, query_params.PLAIN_TEXT
    return request.args.get("word", "") * times, 200, query_params.PLAIN_TEXT


def repeat_strings():
    return request.args.get("word", "") * request.args.get("times", 1)


def repeat_int_call():
    return request.args.get("word", "") * int(request.args.get("times", 1))


def repeat_no_default():
    return request.args.get("word", "") * request.args.get("times", type=int)


def greet_all_first_only():
    return "Hello " + request.args.get("name", "Guest"), 200, query_params.PLAIN_TEXT


def greet_all_as_html():
    return "Hello " + ", ".join(request.args.getlist("name") or ["Guest"])


def greet_all_without_guest():
    return "Hello " + ", ".join(request.args.getlist("name")), 200, query_params.PLAIN_TEXT


test_try_it_checks = try_it_test(
    [
        # test that the notebook's solutions pass
        ("02.1", "welcome_app", "passed", "GET /welcome?greeting=Hi&name=Lucia answers 'Hi Lucia'"),
        ("02.2", "repeat_app", "passed", "answers 'hahaha'"),
        ("02.3", "greet_all_app", "passed", "in plain text"),
        ("02.1", grown("/welcome", welcome_right), "passed", "in plain text"),
        ("02.2", grown("/repeat", repeat_right), "passed", "more than 100 is a 400"),
        # test that typical wrong answers fail with a hint that names the mistake
        (
            "02.1",
            grown("/welcome", welcome_as_html),
            "failed",
            "GET /welcome answered with Content-Type text/html, expected text/plain. Hint: the answer echoes the "
            "query as text/html, so a <script> sent in the URL would run",
        ),
        (
            "02.2",
            grown("/repeat", repeat_as_html),
            "failed",
            "GET /repeat?word=ha&times=lots answered with Content-Type text/html, expected text/plain. Hint: the "
            "answer echoes the query as text/html",
        ),
        (
            "02.2",
            grown("/repeat", repeat_unbounded),
            "failed",
            "GET /repeat?word=ha&times=1000 answered 200 OK, expected 400 BAD REQUEST. Hint: times has no bound, so a "
            "huge number builds a huge string",
        ),
        (
            "02.2",
            grown("/repeat", repeat_cut_short),
            "failed",
            "GET /repeat?word=ha&times=1000 answered 200 OK, expected 400 BAD REQUEST. Hint: refuse more than 100",
        ),
        (
            "02.2",
            grown("/repeat", repeat_bound_off_by_one),
            "failed",
            "GET /repeat?word=ha&times=100 answered 400 BAD REQUEST, expected 200 OK. Hint: 100 is allowed",
        ),
        (
            "02.1",
            grown("/welcome", welcome_without_defaults),
            "failed",
            "answered 'None Peter', expected 'Hello Peter'. Hint: a parameter missing from the query came back as None",
        ),
        (
            "02.1",
            grown("/welcome", welcome_by_key),
            "failed",
            "answered 400 BAD REQUEST, expected 200 OK. Hint: request.args[…] answers 400",
        ),
        (
            "02.1",
            grown("/welcome", welcome_swapped),
            "failed",
            "answered 'Lucia Hi', expected 'Hi Lucia'. Hint: greeting and name are swapped",
        ),
        (
            "02.1",
            grown("/welcome/", welcome_swapped),
            "failed",
            "answered 308 PERMANENT REDIRECT, expected 200 OK. Hint: the rule ends in a slash",
        ),
        (
            "02.2",
            grown("/repeat", repeat_strings),
            "failed",
            "because the view raised TypeError: can't multiply sequence by non-int of type 'str' in repeat_strings(), "
            "line",
        ),
        (
            "02.2",
            grown("/repeat", repeat_int_call),
            "failed",
            "GET /repeat?word=ha&times=lots answered 500 INTERNAL SERVER ERROR because the view raised ValueError: "
            "invalid literal for int()",
        ),
        (
            "02.2",
            grown("/repeat", repeat_no_default),
            "failed",
            ". Hint: query values are strings, and a missing one is None: request.args.get('times', 1, type=int) makes "
            "an int of it",
        ),
        (
            "02.3",
            grown("/greet-all", greet_all_first_only),
            "failed",
            "answered 'Hello Lucia', expected 'Hello Lucia, Robert, Peter'. Hint: only the first name came back",
        ),
        (
            "02.3",
            grown("/greet-all", greet_all_as_html),
            "failed",
            "Content-Type text/html, expected text/plain. Hint: return the headers too",
        ),
        (
            "02.3",
            grown("/greet-all", greet_all_without_guest),
            "failed",
            "answered 'Hello ', expected 'Hello Guest'. Hint: with no name in the query, getlist returns an empty list",
        ),
        # test that a function that is missing or still the placeholder is "not done yet"
        ("02.1", MISSING, "not done", "not done yet: `welcome_app` is not defined"),
        (
            "02.2",
            grown("/repeat", placeholder),
            "not done",
            "not done yet: GET /repeat?word=ha&times=3 still raises NotImplementedError",
        ),
        (
            "02.3",
            factory_placeholder,
            "not done",
            "not done yet: factory_placeholder() still raises NotImplementedError",
        ),
    ],
    NOTEBOOK,
)
