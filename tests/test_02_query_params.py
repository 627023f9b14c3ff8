"""Chapter 02: ``/greet`` reads ``name`` from the query string and answers in plain text."""

import subprocess
import sys

import pytest
import requests

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


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("GET", "/nowhere", 404),  # test that an unknown route is a 404
        ("GET", "/greet/Lucia", 404),  # test that the name belongs in the query, not the path
        ("GET", "/greet/", 404),  # test that a slash the rule lacks is a 404 (strict slashes)
        ("POST", "/greet?name=Lucia", 405),  # test that a wrong method is refused with 405
        ("DELETE", "/", 405),
        ("GET", "/%ff%fe", 404),  # test that invalid UTF-8 in the path is a clean 404
    ],
)
def test_bad_requests_get_a_clear_4xx(client, method, url, status):
    response = client.open(url, method=method)
    assert response.status_code == status
    if status == 405:
        assert set(response.allow) == {"GET", "HEAD", "OPTIONS"}


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
    out = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "tourapp.chapters.query_params", "routes"],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout
    assert "greet" in out and "/greet" in out and "index" in out
