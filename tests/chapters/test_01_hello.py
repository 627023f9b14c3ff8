"""Chapter 01: the classic hello.py, one route: ``GET /`` answers ``Hello there!``."""

import json
import re
from functools import partial
from pathlib import Path

import pytest
import requests
from flask import Flask, jsonify

from tests.helpers.support import MISSING, clear_4xx_test, factory_placeholder, flask_cli, placeholder, try_it_test
from tests.helpers.support import grown as grown_from
from tourapp.chapters import hello
from tourapp.notebook.terminal import flask_run_banner


@pytest.fixture
def client():
    return hello.app.test_client()  # the classic module-level app: the tests only read from it


def test_index_says_hello(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.text == "Hello there!"
    assert response.content_type == "text/html; charset=utf-8"


test_bad_requests_get_a_clear_4xx = clear_4xx_test(
    [
        ("GET", "/nowhere", 404),  # test that an unknown route is a 404, not a 500
        ("POST", "/", 405),  # test that a wrong method is refused with 405
        ("DELETE", "/", 405),
        ("GET", "/%ff%fe", 404),  # test that invalid UTF-8 in the path is a clean 404
    ]
)


def test_over_a_real_socket(live):
    url = live(hello.app)
    assert requests.get(url, timeout=5).text == "Hello there!"


def test_flask_cli_knows_the_app():
    # `flask --app tourapp.chapters.hello run` finds the app; `routes` proves it without a port.
    out = flask_cli("tourapp.chapters.hello", "routes")
    assert "hello" in out and "GET" in out


def test_it_is_the_classic_five_lines():
    # test that chapter 01 shows the app every tutorial starts from: a module-level app, @app.route
    source = Path(hello.__file__).read_text(encoding="utf-8")
    assert "app = Flask(__name__)" in source and '@app.route("/")' in source
    assert "def create_app" not in source
    assert [rule.rule for rule in hello.app.url_map.iter_rules()] == ["/static/<path:filename>", "/"]


def test_flask_run_prints_its_banner_with_the_warning_and_stops():
    out = flask_run_banner("tourapp.chapters.hello")
    assert " * Serving Flask app 'tourapp.chapters.hello'" in out
    assert "WARNING: This is a development server. Do not use it in a production deployment." in out
    assert re.search(r"^ \* Running on http://127\.0\.0\.1:\d+$", out, re.M)
    assert out.rstrip().endswith("Press CTRL+C to quit")


# Chapter 01's Try it: the answers start from a new Flask app, as the notebook's do.
grown = partial(grown_from, lambda config=None: Flask("shout"))


def shout_right():
    return "Hello there!".upper()


def shout_lower():
    return "Hello there!"


def shout_spaced():
    return "HELLO THERE!\n"


def shout_nothing():
    pass


def shout_divides():
    return 1 / 0


def teapot_right():
    return "I'm a teapot", 418


def teapot_no_status():
    return "I'm a teapot"


def teapot_wrong_words():
    return "No coffee", 418


def about_right():
    return {"chapter": 1, "title": "Hello, Flask"}


def about_jsonify():
    return jsonify(chapter=1, title="Hello, Flask")


def about_dumped():
    return json.dumps({"chapter": 1, "title": "Hello, Flask"})


def about_wrong():
    return {"chapter": "1", "title": "Hello, Flask", "author": "me"}


def factory_raises():
    return {}["app"]


def factory_forgets_return():
    Flask("forgetful")


test_try_it_checks = try_it_test(
    [
        # test that right answers pass, as factories or as apps
        ("01.1", grown("/shout", shout_right), "passed", "GET /shout answers 'HELLO THERE!'."),
        ("01.1", grown("/shout", shout_right)(), "passed", "GET /shout answers"),
        ("01.2", grown("/coffee", teapot_right), "passed", "418"),
        ("01.3", grown("/about", about_right), "passed", "as JSON"),
        ("01.3", grown("/about", about_jsonify), "passed", "as JSON"),
        # test that typical wrong answers fail with a hint that names the mistake
        ("01.1", grown("/shout", shout_lower), "failed", "not their upper and lower case"),
        ("01.1", grown("/shout", shout_spaced), "failed", "spaces or line breaks"),
        (
            "01.1",
            grown("/Shout", shout_right),
            "failed",
            "404 NOT FOUND, expected 200 OK. Hint: no route matches /shout",
        ),
        (
            "01.1",
            grown("/shout", shout_right, methods=["POST"]),
            "failed",
            "405 METHOD NOT ALLOWED, expected 200 OK. Hint: there is a route for this path, but it accepts only",
        ),
        (
            "01.1",
            grown("/shout", shout_nothing),
            "failed",
            "500 INTERNAL SERVER ERROR because the view raised TypeError: The view function for 'shout_nothing' did "
            "not return a valid response",
        ),
        (
            "01.1",
            grown("/shout", shout_divides),
            "failed",
            "the view raised ZeroDivisionError: division by zero in shout_divides(), line",
        ),
        (
            "01.2",
            grown("/coffee", teapot_no_status),
            "failed",
            "answered 200 OK, expected 418 I'M A TEAPOT. Hint: a view sets another status by returning a pair: return "
            "body, 418.",
        ),
        ("01.2", grown("/coffee", teapot_wrong_words), "failed", """answered 'No coffee', expected "I'm a teapot"."""),
        (
            "01.3",
            grown("/about", about_dumped),
            "failed",
            "Content-Type text/html, expected application/json. Hint: the body looks like a dict turned into a string",
        ),
        ("01.3", grown("/about", about_wrong), "failed", "Hint: 'chapter' should be 1, not '1'; unexpected 'author'."),
        # test that a learner's code that is missing, odd or raising gets a sentence, not a traceback
        ("01.1", MISSING, "not done", "not done yet: `shout_app` is not defined"),
        (
            "01.1",
            grown("/shout", placeholder),
            "not done",
            "not done yet: GET /shout still raises NotImplementedError in placeholder(), line",
        ),
        (
            "01.2",
            factory_placeholder,
            "not done",
            "not done yet: factory_placeholder() still raises NotImplementedError (line",
        ),
        ("01.1", factory_raises, "failed", "factory_raises() raised KeyError: 'app' (line"),
        (
            "01.1",
            factory_forgets_return,
            "failed",
            "factory_forgets_return() returned None, expected a Flask app: does it end with `return app`?",
        ),
        ("01.1", lambda name: None, "failed", "should take no arguments"),
        ("01.1", 42, "failed", "`shout_app` is an int, expected a function that builds and returns a Flask app."),
        ("01.1", None, "failed", "`shout_app` is None"),
        ("09.9", grown("/", shout_right), "failed", "there is no exercise 09.9"),
    ],
)
