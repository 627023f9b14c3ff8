"""Chapter 07: ``/greet/<name>/`` renders templates/index.html, which extends base.html."""

import http.client
import shutil
from functools import partial
from urllib.parse import quote, urlsplit

import pytest
import requests
from flask import Flask, render_template, render_template_string
from markupsafe import escape

from tests.helpers.support import (
    MISSING,
    factory_placeholder,
    flask_cli,
    from_notebook,
    placeholder,
    traversal_test,
    try_it_test,
)
from tests.helpers.support import grown as grown_from
from tourapp.chapters import movies, templates
from tourapp.chapters.paths import TEMPLATES


@pytest.fixture
def client():
    return templates.create_app({"TESTING": True}).test_client()


def test_greet_renders_the_page_from_the_base_template(client):
    response = client.get("/greet/Peter/")
    assert response.status_code == 200
    assert response.content_type == "text/html; charset=utf-8"
    page = response.text
    assert "<p>Hello Peter</p>" in page
    # test that the page is base.html's: its title, its header and its stylesheet
    assert "<title>Greeting · Flask Tour</title>" in page
    assert "<header><h1>Greeting</h1></header>" in page
    assert '<link rel="stylesheet" href="/static/style.css">' in page


def _greeting(client, name):
    """Return the page of /greet/<name>/, having asserted that it greets ``name`` as text, escaped."""
    response = client.get(f"/greet/{quote(name, safe='')}/")
    assert response.status_code == 200
    assert f"<p>Hello {escape(name)}</p>" in response.text
    return response.text


@pytest.mark.parametrize(
    "name",
    [
        "<b>Peter",  # test that markup in a name is escaped, never live
        "<img src=x onerror=alert(1)>",
        '"><svg onload=alert(1)>',
        "Tom & Jerry",
        "O'Brien",
    ],
)
def test_names_are_escaped(client, name):
    page = _greeting(client, name)
    if "<" in name:
        assert name not in page


@pytest.mark.parametrize(
    "name",
    [
        "{{7*7}}",  # test that template syntax in a name comes back literally, never evaluated
        "{{ config }}",
        "{% print(7*7) %}",
        "{{ self.__init__.__globals__ }}",
    ],
)
def test_template_syntax_in_names_is_not_evaluated(client, name):
    page = _greeting(client, name)
    assert "49" not in page and "SECRET_KEY" not in page


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/greet/%ff%fe/", "<p>Hello \ufffd\ufffd</p>"),  # test that bytes that are not UTF-8 are replaced, not a 500
        ("/greet/" + "x" * 10_000 + "/", "<p>Hello " + "x" * 10_000 + "</p>"),  # test that a long name is fine
        ("/greet/%C3%A9va/", "<p>Hello éva</p>"),  # test that UTF-8 names arrive decoded
    ],
)
def test_unusual_names_get_a_correct_answer(client, path, expected):
    response = client.get(path)
    assert response.status_code == 200
    assert expected in response.text


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/greet/Peter", 308),  # test that the slash-less URL redirects to the route's
        ("GET", "/greet/", 404),  # test that a missing name is a 404
        ("GET", "/greet/a%2Fb/", 404),  # test that an encoded slash does not fit in one segment
        ("GET", "/", 404),  # test that unknown routes are 404s
        ("GET", "/nowhere", 404),
        ("POST", "/greet/Peter/", 405),  # test that wrong methods are refused with 405
        ("DELETE", "/greet/Peter/", 405),
    ],
)
def test_bad_requests_get_a_clear_answer(client, method, path, status):
    response = client.open(path, method=method)
    assert response.status_code == status
    if status == 308:
        assert response.location.endswith("/greet/Peter/")
    if status == 405:
        assert set(response.allow) == {"GET", "HEAD", "OPTIONS"}


test_traversal_is_a_404 = traversal_test(
    [
        ("/static/../paths.py", b"TEMPLATES ="),  # test that traversal via /static/ never leaves it
        ("/static/..%2f..%2fpyproject.toml", b"[project]"),
        ("/static/%2e%2e/templates/base.html", b"{% block"),
        ("/static/..%5ctemplates%5cindex.html", b"{% block"),
        ("/static/%2fetc%2fpasswd", b"root:"),  # (Werkzeug first merges the slashes with a 308)
    ]
)


def test_over_a_real_socket(live):
    url = live(templates.app)
    page = requests.get(f"{url}/greet/Peter/", timeout=5)
    assert (page.status_code, page.headers["Content-Type"]) == (200, "text/html; charset=utf-8")
    assert "<p>Hello Peter</p>" in page.text
    escaped = requests.get(f"{url}/greet/<b>Peter/", timeout=5)
    assert "<p>Hello &lt;b&gt;Peter</p>" in escaped.text
    # test that the stylesheet the page links to is served
    css = requests.get(f"{url}/static/style.css", timeout=5)
    assert css.status_code == 200 and css.headers["Content-Type"].startswith("text/css")


def test_an_over_long_url_is_refused_by_the_server(live):
    # The dev server refuses request lines over 64 KiB before Flask sees them.
    url = urlsplit(live(templates.app))
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=5)
    conn.request("GET", "/greet/" + "x" * 70_000 + "/")
    assert conn.getresponse().status == 414
    conn.close()


def test_flask_cli_knows_the_app():
    out = flask_cli("tourapp.chapters.templates", "routes")
    assert "/greet/<name>/" in out and "greet" in out


# "Try it": the checks of tourapp/classroom/exercises/templates.py, against right and typical wrong answers.


NOTEBOOK = "notebooks/07-templates.ipynb"
grown = partial(grown_from, templates.create_app)  # a factory of the templates app with one more route
_FOLDER = []  # the learner's template folder, my_templates in the notebook, made by the fixture below


@pytest.fixture(scope="module", autouse=True)
def my_templates(tmp_path_factory):
    """Make a template folder like the notebook's: a copy of base.html, ready for the learner's pages."""
    folder = tmp_path_factory.mktemp("my_templates")
    shutil.copy(TEMPLATES / "base.html", folder)
    _FOLDER.append(folder)
    yield folder
    _FOLDER.remove(folder)


def notebook_answer(name):
    """Return a factory that runs the notebook's own answer, ``name``, with the test's template folder."""
    # __name__ as in a kernel: the answers build Flask(__name__)
    return lambda: from_notebook(NOTEBOOK, name, my_templates=_FOLDER[0], __name__="__main__")()


def from_file(rule, filename, source, view):
    """Return a factory of an app like the learner's: ``source`` saved as a template file, ``view`` at ``rule``."""

    def factory():
        (_FOLDER[0] / filename).write_text(source, encoding="utf-8")
        app = Flask("mine", template_folder=_FOLDER[0])
        app.add_url_rule(rule, view_func=view)
        return app

    return factory


def framed(title, content, header=""):
    """Return a template's source that extends base.html."""
    header = f"{{% block header %}}{header}{{% endblock %}}" if header else ""
    return (
        f'{{% extends "base.html" %}}{{% block title %}}{title}{{% endblock %}}{header}{{% block content '
        f"%}}{content}{{% endblock %}}"
    )


LOOP = "<ul>{% for title in titles %}<li>{{ title }}</li>{% endfor %}</ul>"


def list_right():
    return render_template("movies.html", titles=movies.MOVIES.values())


def list_from_a_string():
    return render_template_string(framed("Movies", LOOP), titles=movies.MOVIES.values())


def list_unframed():
    return render_template_string(LOOP, titles=movies.MOVIES.values())


def list_in_one_item():
    return render_template_string(
        framed("Movies", "<ul><li>{{ titles|join(', ') }}</li></ul>"), titles=movies.MOVIES.values()
    )


def list_sorted():
    return render_template_string(framed("Movies", LOOP), titles=sorted(movies.MOVIES.values()))


def list_of_ids():
    return render_template_string(framed("Movies", LOOP), titles=movies.MOVIES)


def list_wrong_title():
    return render_template_string(framed("Movie list", LOOP), titles=movies.MOVIES.values())


WELCOME = framed("Welcome", "<p>Welcome, <b>{{ name }}</b>!</p>")


def welcome_right(name):
    return render_template("welcome.html", name=name)


def welcome_from_a_string(name):
    return render_template_string(WELCOME, name=name)


def welcome_safe_filter(name):
    return render_template_string(WELCOME.replace("{{ name }}", "{{ name|safe }}"), name=name)


def welcome_fstring_source(name):
    return render_template_string(framed("Welcome", f"<p>Welcome, <b>{name}</b>!</p>"))


def welcome_escaped_into_source(name):
    return render_template_string(WELCOME.replace("{{ name }}", str(escape(name))))


def welcome_without_template(name):
    return f"<p>Welcome, <b>{escape(name)}</b>!</p>"


def welcome_not_bold(name):
    return render_template_string(framed("Welcome", "<p>Welcome, {{ name }}!</p>"), name=name)


HOME = framed("Home", "<p>Hi</p>", header="<h1>Welcome to the Flask Tour</h1>")


def home_right():
    return render_template("home.html")


def home_without_template():
    return "<title>Home · Flask Tour</title><header><h1>Welcome to the Flask Tour</h1></header>"


def home_title_only():
    return render_template_string(framed("Home", "<p>Hi</p>"))


def home_in_the_content():
    return render_template_string(framed("Home", "<h1>Welcome to the Flask Tour</h1>"))


def home_in_the_title():
    return render_template_string(framed("Welcome to the Flask Tour", "<p>Hi</p>"))


test_try_it_checks = try_it_test(
    [
        # test that the notebook's solutions pass, and so do the same answers written here
        ("07.1", notebook_answer("movie_list_app"), "passed", "one <li> per movie, in id order, from a template file"),
        ("07.2", notebook_answer("welcome_app"), "passed", "shown as text"),
        ("07.3", notebook_answer("home_app"), "passed", "Welcome to the Flask Tour"),
        (
            "07.1",
            from_file("/movies/", "movies.html", framed("Movies", LOOP), list_right),
            "passed",
            "GET /movies/ answers a page titled Movies",
        ),
        (
            "07.2",
            from_file("/welcome/<name>/", "welcome.html", WELCOME, welcome_right),
            "passed",
            "GET /welcome/<name>/ answers",
        ),
        ("07.3", from_file("/home/", "home.html", HOME, home_right), "passed", "GET /home/ answers a page titled Home"),
        # test that the right page written as a string in the view, or with no template, is sent back to a file
        (
            "07.1",
            grown("/movies/", list_from_a_string),
            "failed",
            "GET /movies/ answered the right page, but from a template given as a string, expected a template file. "
            'Hint: write the template into a file, (my_templates / "movies.html")',
        ),
        (
            "07.2",
            grown("/welcome/<name>/", welcome_from_a_string),
            "failed",
            "GET /welcome/Peter/ answered the right page, but from a template given as a string",
        ),
        (
            "07.3",
            grown("/home/", home_without_template),
            "failed",
            "GET /home/ answered the right page, but from no template at all, expected a template file. Hint: write "
            'the template into a file, (my_templates / "home.html").write_text(…)',
        ),
        # test that typical wrong answers fail with a hint that names the mistake
        (
            "07.1",
            grown("/movies", list_from_a_string),
            "failed",
            "GET /movies/ answered 404 NOT FOUND, expected 200 OK. Hint: no route matches /movies/",
        ),
        (
            "07.1",
            grown("/movies/", list_unframed),
            "failed",
            "GET /movies/ answered a page with no <title>, expected 'Movies · Flask Tour'. Hint: start the template "
            'with {% extends "base.html" %}',
        ),
        (
            "07.1",
            grown("/movies/", list_wrong_title),
            "failed",
            "with the title 'Movie list · Flask Tour', expected 'Movies · Flask Tour'. Hint: fill the title block with "
            "Movies",
        ),
        (
            "07.1",
            grown("/movies/", list_in_one_item),
            "failed",
            "GET /movies/ listed ['Toy story, The Raid, Hero, Ip Man, Kung Fu Panda'], expected ['Toy story', 'The "
            "Raid', 'Hero', 'Ip Man', 'Kung Fu Panda']. Hint: every title landed in one <li>",
        ),
        ("07.1", grown("/movies/", list_sorted), "failed", "Hint: the titles are right but not their order"),
        ("07.1", grown("/movies/", list_of_ids), "failed", "GET /movies/ listed ['1', '2', '3', '4', '5'], expected"),
        (
            "07.2",
            grown("/welcome/<name>/", welcome_safe_filter),
            "failed",
            "GET /welcome/<i>Ann/ showed '<p>Welcome, <b><i>Ann</b>!</p>', expected '<p>Welcome, "
            "<b>&lt;i&gt;Ann</b>!</p>'. Hint: the markup in the name reached the page unescaped",
        ),
        (
            "07.2",
            grown("/welcome/<name>/", welcome_fstring_source),
            "failed",
            "Hint: the markup in the name reached the page unescaped",
        ),
        (
            "07.2",
            grown("/welcome/<name>/", welcome_escaped_into_source),
            "failed",
            "GET /welcome/{{7*7}}/ showed '<p>Welcome, <b>49</b>!</p>', expected '<p>Welcome, <b>{{7*7}}</b>!</p>'. "
            "Hint: the name became part of the template's source",
        ),
        (
            "07.2",
            grown("/welcome/<name>/", welcome_without_template),
            "failed",
            "GET /welcome/Peter/ answered a page with no <title>, expected 'Welcome · Flask Tour'",
        ),
        (
            "07.2",
            grown("/welcome/<name>/", welcome_not_bold),
            "failed",
            "showed no such paragraph, expected '<p>Welcome, <b>Peter</b>!</p>'. Hint: write <p>Welcome, <b>{{ name "
            "}}</b>!</p> in the content block",
        ),
        (
            "07.3",
            grown("/home/", home_title_only),
            "failed",
            "GET /home/ has the header ['Home'], expected ['Welcome to the Flask Tour']. Hint: base.html's header "
            "repeats the title unless a page fills the header block",
        ),
        ("07.3", grown("/home/", home_in_the_content), "failed", "Hint: base.html's header repeats the title"),
        (
            "07.3",
            grown("/home/", home_in_the_title),
            "failed",
            "with the title 'Welcome to the Flask Tour · Flask Tour', expected 'Home · Flask Tour'. Hint: fill the "
            "title block with Home",
        ),
        # test that an exercise not started yet is "not done", not a failure
        ("07.1", MISSING, "not done", "not done yet: `movie_list_app` is not defined"),
        (
            "07.2",
            factory_placeholder,
            "not done",
            "not done yet: factory_placeholder() still raises NotImplementedError",
        ),
        (
            "07.3",
            grown("/home/", placeholder),
            "not done",
            "not done yet: GET /home/ still raises NotImplementedError in placeholder()",
        ),
    ],
    NOTEBOOK,
)
