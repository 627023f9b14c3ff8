"""Chapter 03: names in the path, converters, and the trailing-slash rules."""

from functools import partial

import pytest
import requests

from tests.helpers.support import MISSING, clear_4xx_test, factory_placeholder, flask_cli, placeholder, try_it_test
from tests.helpers.support import grown as grown_from
from tourapp.chapters import path_params

MARKUP = [
    "<b>Robert",
    "<script>alert(1)<",
    '"><img src=x onerror=alert(1)>',
    "Tom & Jerry",
]


@pytest.fixture
def client():
    return path_params.create_app({"TESTING": True}).test_client()


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/greet/Robert/", "Hello Robert"),  # test that the tutorial's curl gets its answer
        ("/greet/Zo%C3%AB/", "Hello Zoë"),  # test that a percent-encoded name is decoded
        ("/greet/Robert%20Smith/", "Hello Robert Smith"),
        ("/guests/2/", "Guest 2 is Robert"),  # test that <int:…> passes an int the view can look up
        ("/guests/02/", "Guest 2 is Robert"),  # test that leading zeros are still the number 2
        ("/greet-all/Lucia/Robert/Peter", "Hello Lucia, Robert, Peter"),  # test that <path:…> takes slashes
        ("/greet-all/Lucia/", "Hello Lucia"),  # test that a trailing slash adds no empty name
    ],
)
def test_path_values_reach_the_view(client, url, body):
    response = client.get(url)
    assert response.status_code == 200
    assert response.text == body
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"


def test_home_page(client):
    response = client.get("/")
    assert (response.status_code, response.text) == (200, "Home page")


@pytest.mark.parametrize(
    ("url", "location"),
    [
        ("/greet/Robert", "/greet/Robert/"),  # test that a missing trailing slash is a 308 to the rule
        ("/greet/Robert//", "/greet/Robert/"),  # test that doubled slashes are merged by a 308
        ("/guests/2", "/guests/2/"),
    ],
)
def test_slash_redirects_are_308_to_the_rule(client, url, location):
    response = client.get(url)
    assert response.status_code == 308
    assert response.headers["Location"] == f"http://localhost{location}"
    followed = client.get(url, follow_redirects=True)
    assert followed.status_code == 200 and followed.text.startswith(("Hello", "Guest"))


@pytest.mark.parametrize(
    "url",
    [
        "/greet/Lucia/Robert/",  # test that the default converter stops at a slash
        "/greet/a%2Fb/",  # test that an encoded slash is still a slash
        "/greet//",  # test that an empty name matches nothing
        "/guests/0/",  # test that an int outside the table is a 404 from the view
        "/guests/4/",
        "/guests/-1/",  # test that <int:…> refuses signs, decimals and words
        "/guests/2.5/",
        "/guests/two/",
        "/guests/" + "9" * 5000 + "/",  # test that a number too long for int() is a 404, not a 500
        "/greet-all/",  # test that <path:…> needs at least one character
        "/nowhere",
    ],
)
def test_what_no_rule_matches_is_a_404(client, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("name", MARKUP)
@pytest.mark.parametrize("template", ["/greet/{}/", "/greet-all/{}"])
def test_markup_in_a_name_comes_back_as_text_never_as_html(client, template, name):
    # test that markup is echoed only inside a text/plain body, where browsers show it as typed
    response = client.get(template.format(name))
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert response.text == f"Hello {name}"


def test_closing_tags_cannot_reach_the_greeting(client):
    # test that `</b>` needs a slash, which ends the <name> segment: no rule matches
    assert client.get("/greet/<b>Robert</b>/").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/greet/%ff%fe/",  # test that invalid UTF-8 in the name is answered, not a 500
        "/greet/%00/",  # test that a NUL is just a character
        "/greet/" + "x" * 100_000 + "/",  # test that a very long name is answered whole
        "/greet-all/" + "x/" * 20_000,
    ],
)
def test_odd_names_get_an_answer_not_an_error(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert response.text.startswith("Hello ")


test_bad_requests_get_a_clear_4xx = clear_4xx_test(
    [
        ("POST", "/greet/Robert/", 405),  # test that a wrong method is refused with 405
        ("DELETE", "/guests/1/", 405),
        ("PUT", "/greet-all/Lucia", 405),
        ("POST", "/", 405),
    ]
)


def test_transcript_and_redirect_over_a_real_socket(live):
    # test that `curl localhost:5000/greet/Robert/` answers, and `/greet/Robert` redirects there
    url = live(path_params.app)
    assert requests.get(f"{url}/greet/Robert/", timeout=5).text == "Hello Robert"
    redirect = requests.get(f"{url}/greet/Robert", allow_redirects=False, timeout=5)
    assert redirect.status_code == 308
    assert redirect.headers["Location"] == f"{url}/greet/Robert/"
    followed = requests.get(f"{url}/greet/Robert", timeout=5)
    assert [r.status_code for r in followed.history] == [308]
    assert followed.text == "Hello Robert"


def test_flask_cli_knows_the_app():
    # `flask --app tourapp.chapters.path_params run` finds the app; `routes` proves it without a port.
    out = flask_cli("tourapp.chapters.path_params", "routes")
    assert "/greet/<name>/" in out and "/guests/<int:number>/" in out and "/greet-all/<path:names>" in out


# "Try it": the checks of tourapp/classroom/exercises/path_params.py, against right and typical wrong answers.

NOTEBOOK = "notebooks/03-path-parameters.ipynb"
grown = partial(grown_from, path_params.create_app)  # a factory of the chapter's app with one more route


def add_plainly(a, b):
    return a + b  # strings from <a>/<b> are joined; ints from <int:…> add up, but are no response


def add_by_hand(a, b):
    return str(int(a) + int(b))


def number_of_guest(name):
    return f"{name} is guest {next(n for n, guest in path_params.GUESTS.items() if guest == name)}"


def number_of_anyone(name):
    numbers = {guest: n for n, guest in path_params.GUESTS.items()}
    return f"{name} is guest {numbers.get(name)}"


GREETINGS = {"en": "Hello", "es": "Hola", "fr": "Bonjour"}


def greet_in_any(lang, name):
    return f"{GREETINGS[lang]} {name}"


def greet_in_english_by_default(lang, name):
    return f"{GREETINGS.get(lang, 'Hello')} {name}"


test_try_it_checks = try_it_test(
    [
        # test that the notebook's solutions pass
        ("03.1", "add_app", "passed", "GET /add/2/3/ answers '5'"),
        ("03.2", "guest_number_app", "passed", "answers 'Robert is guest 2'"),
        ("03.3", "languages_app", "passed", "answers 'Hola Lucia'"),
        # test that typical wrong answers fail with a hint that names the mistake
        (
            "03.1",
            grown("/add/<a>/<b>/", add_plainly),
            "failed",
            "GET /add/2/3/ answered '23', expected '5'. Hint: the numbers were joined as text",
        ),
        (
            "03.1",
            grown("/add/<int:a>/<int:b>/", add_plainly),
            "failed",
            "but it was a int. Hint: a view returns text, not a number: return str(a + b).",
        ),
        (
            "03.1",
            grown("/add/<a>/<b>/", add_by_hand),
            "failed",
            "GET /add/2/three/ answered 500 INTERNAL SERVER ERROR because the view raised ValueError",
        ),
        (
            "03.1",
            grown("/add/<int:a>/<int:b>", add_by_hand),
            "failed",
            "answered 404 NOT FOUND, expected 200 OK. Hint: no route matches /add/2/3/",
        ),
        (
            "03.2",
            grown("/guests/<name>/", number_of_guest),
            "failed",
            "the view raised StopIteration in number_of_guest(), line",
        ),
        (
            "03.2",
            grown("/guests/<name>/", number_of_anyone),
            "failed",
            "GET /guests/Nobody/ answered 200 OK, expected 404 NOT FOUND. Hint: a name that is not in GUESTS should be "
            "a 404",
        ),
        (
            "03.2",
            grown("/guests/<name>", number_of_anyone),
            "failed",
            "Hint: no route matches /guests/Robert/: check the path in the route decorator, slashes included",
        ),
        (
            "03.3",
            grown("/greet/<lang>/<name>/", greet_in_any),
            "failed",
            "the view raised KeyError: 'de' in greet_in_any(), line",
        ),
        (
            "03.3",
            grown("/greet/<lang>/<name>/", greet_in_english_by_default),
            "failed",
            "answered 200 OK, expected 404 NOT FOUND. Hint: a language the app does not speak should be a 404: "
            "<any(en, es, fr):lang>",
        ),
        (
            "03.3",
            grown("/greet/<any(en, es):lang>/<name>/", greet_in_any),
            "failed",
            "GET /greet/fr/Peter/ answered 404 NOT FOUND, expected 200 OK.",
        ),
        # test that a function that is missing or still the placeholder is "not done yet"
        ("03.1", MISSING, "not done", "not done yet: `add_app` is not defined"),
        (
            "03.2",
            grown("/guests/<name>/", placeholder),
            "not done",
            "not done yet: GET /guests/Robert/ still raises NotImplementedError",
        ),
        (
            "03.3",
            factory_placeholder,
            "not done",
            "not done yet: factory_placeholder() still raises NotImplementedError",
        ),
    ],
    NOTEBOOK,
)
