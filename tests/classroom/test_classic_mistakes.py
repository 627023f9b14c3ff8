"""The mistakes every beginner makes, in every chapter's exercises, each answered by a hint that names it.

One table per kind of mistake, across exercises: a view that returns a method instead of calling
it, one that prints instead of returning, a route's path with a typo, a route without the
``methods=`` its request needs, and a punctuation mark too few or too many. Each row is a real
app built the way the learner's function would, served and checked over real HTTP.
"""

from functools import partial

import pytest
from flask import Flask, jsonify, redirect, request, url_for

from tests.helpers.support import grown as grown_from
from tourapp.chapters import forms, movies, path_params, query_params, responses
from tourapp.classroom.exercises import run

hello = partial(grown_from, lambda config=None: Flask("shout"))
queries = partial(grown_from, query_params.create_app)
paths = partial(grown_from, path_params.create_app)
answers = partial(grown_from, responses.create_app)
films = partial(grown_from, movies.create_app)
guestbook = partial(grown_from, forms.create_app)
PARENTHESES = "add the parentheses that call it"
RETURN = "the view must end with `return` and the answer"


def _check(exercise, app):
    result = run(exercise, app)
    assert result.status == "failed", result.message
    return result.message


@pytest.mark.parametrize(
    ("exercise", "app"),
    [
        # test that `return "hello".upper` (no parentheses) is named, not left at "takes no arguments (2 given)"
        ("01.1", hello("/shout", lambda: "Hello there!".upper)),
        ("02.1", queries("/welcome", lambda: f"{request.args.get('greeting', 'Hello')} Guest".strip)),
        ("03.1", paths("/add/<int:a>/<int:b>/", lambda a, b: str(a + b).strip)),
        ("06.1", films("/catalog", lambda: jsonify)),  # the function itself, where jsonify(...) was meant
    ],
    ids=["01.1", "02.1", "03.1", "06.1"],
)
def test_a_method_returned_without_its_parentheses_gets_a_hint_that_says_so(exercise, app):
    message = _check(exercise, app)
    assert "500 INTERNAL SERVER ERROR because the view raised TypeError" in message
    assert f"Hint: the view returned a function or method instead of its result: {PARENTHESES}" in message


def _prints_shout():
    print("HELLO THERE!")


def _prints_welcome():
    print(f"{request.args.get('greeting', 'Hello')} {request.args.get('name', 'Guest')}")


def _prints_sum(a, b):
    print(a + b)


def _prints_delete(name):
    print(f"deleted {name}")


@pytest.mark.parametrize(
    ("exercise", "app"),
    [
        # test that printing instead of returning (or no return at all) is named, print() included
        ("01.1", hello("/shout", _prints_shout)),
        ("02.1", queries("/welcome", _prints_welcome)),
        ("03.1", paths("/add/<int:a>/<int:b>/", _prints_sum)),
        ("04.1", answers("/users/<name>", _prints_delete, methods=["DELETE"], strict_slashes=False)),
    ],
    ids=["01.1", "02.1", "03.1", "04.1"],
)
def test_a_view_that_prints_instead_of_returning_gets_a_hint_that_says_so(exercise, app):
    message = _check(exercise, app)
    assert "did not return a valid response" in message
    assert f"Hint: {RETURN}: it returned nothing (print() writes to the notebook or the log" in message


@pytest.mark.parametrize(
    ("exercise", "app", "hint"),
    [
        # test that a path with a typo is named beside the one the exercise asks for
        ("01.1", hello("/shot", lambda: "HELLO THERE!"), "your app has /shot, not /shout"),
        ("01.1", hello("/Shout", lambda: "HELLO THERE!"), "your app has /Shout, not /shout"),
        ("02.1", queries("/welcom", lambda: "Hello Guest"), "your app has /welcom, not /welcome"),
        ("06.1", films("/catalogue", lambda: []), "your app has /catalogue, not /catalog"),
        # test that a path nothing like it lists the app's routes instead
        ("01.1", hello("/greeting", lambda: "HELLO THERE!"), "your app's routes are /greeting"),
    ],
    ids=["01.1-typo", "01.1-case", "02.1", "06.1", "01.1-other"],
)
def test_a_route_with_the_wrong_path_gets_the_path_it_has(exercise, app, hint):
    message = _check(exercise, app)
    assert "404 NOT FOUND" in message and "Hint: no route matches" in message and hint in message


@pytest.mark.parametrize(
    ("exercise", "app", "method"),
    [
        # test that a route without the methods= its request needs says which to add
        ("01.1", hello("/shout", lambda: "HELLO THERE!", methods=["POST"]), "GET"),
        ("04.1", answers("/users/<name>", lambda name: ("", 204), strict_slashes=False), "DELETE"),
        ("04.2", answers("/teams/<name>", lambda name: ("", 201)), "POST"),
        ("12.1", guestbook("/applause", lambda: redirect(url_for("guestbook"))), "POST"),
    ],
    ids=["01.1", "04.1", "04.2", "12.1"],
)
def test_a_route_without_its_methods_says_which_methods_to_give_it(exercise, app, method):
    message = _check(exercise, app)
    assert "405 METHOD NOT ALLOWED" in message
    assert f'give its route methods=["{method}"] (or use @app.{method.lower()})' in message


def _welcome_with_a_comma():
    return f"{request.args.get('greeting', 'Hello')}, {request.args.get('name', 'Guest')}"


@pytest.mark.parametrize(
    ("exercise", "app", "hint"),
    [
        # test that a punctuation mark too few or too many is named, the words being right
        ("01.1", hello("/shout", lambda: "HELLO THERE"), "not the punctuation: '!' is missing"),
        ("01.1", hello("/shout", lambda: "HELLO, THERE!"), "not the punctuation: ',' should not be there"),
        ("01.2", hello("/coffee", lambda: ("Im a teapot", 418)), 'not the punctuation: "\'" is missing'),
        ("02.1", queries("/welcome", _welcome_with_a_comma), "not the punctuation: ',' should not be there"),
    ],
    ids=["01.1-missing", "01.1-extra", "01.2", "02.1"],
)
def test_a_missing_or_extra_punctuation_mark_is_named(exercise, app, hint):
    assert f"Hint: the words are right but {hint}" in _check(exercise, app)
