"""Chapter 03: names in the path, converters, and the trailing-slash rules."""

import subprocess
import sys

import pytest
import requests

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


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("POST", "/greet/Robert/"),  # test that a wrong method is refused with 405
        ("DELETE", "/guests/1/"),
        ("PUT", "/greet-all/Lucia"),
        ("POST", "/"),
    ],
)
def test_wrong_methods_get_405_with_allow(client, method, url):
    response = client.open(url, method=method)
    assert response.status_code == 405
    assert set(response.allow) == {"GET", "HEAD", "OPTIONS"}


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
    out = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "tourapp.chapters.path_params", "routes"],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout
    assert "/greet/<name>/" in out and "/guests/<int:number>/" in out and "/greet-all/<path:names>" in out
