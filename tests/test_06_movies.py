"""Chapter 06: ``/movies`` is a JSON object, ``/rmovie`` a seeded ``[id, title]`` pick."""

import subprocess
import sys

import pytest
import requests

from tourapp.chapters import movies

TABLE = '{"1":"Toy story","2":"The Raid","3":"Hero","4":"Ip Man","5":"Kung Fu Panda"}'


@pytest.fixture
def client():
    return movies.create_app({"TESTING": True}).test_client()


def test_movies_is_the_tutorials_json_object(client):
    response = client.get("/movies")
    assert response.status_code == 200
    assert response.content_type == "application/json"
    # Flask ends a JSON body with a newline so that curl's output ends cleanly.
    assert response.text == TABLE + "\n"


def test_rmovie_picks_repeat_from_a_fresh_app(client):
    # test that the seed fixes the sequence: the tutorial's own answer comes first
    picks = [client.get("/rmovie").get_json() for _ in range(3)]
    assert picks == [[2, "The Raid"], [5, "Kung Fu Panda"], [1, "Toy story"]]
    again = movies.create_app({"TESTING": True}).test_client()
    assert [again.get("/rmovie").get_json() for _ in range(3)] == picks


def test_rmovie_without_a_seed_still_picks_from_the_table():
    client = movies.create_app({"TESTING": True, "MOVIE_SEED": None}).test_client()
    picks = {tuple(client.get("/rmovie").get_json()) for _ in range(200)}
    assert picks <= set(movies.MOVIES.items())
    assert len(picks) > 1  # 200 draws from 5 movies that all agree would be a broken generator


def test_rmovie_is_a_two_element_array(client):
    response = client.get("/rmovie")
    assert response.content_type == "application/json"
    assert response.text == '[2,"The Raid"]\n'


@pytest.mark.parametrize(
    ("path", "status", "body"),
    [
        ("/movies/2", 200, {"id": 2, "title": "The Raid"}),
        ("/movies/5", 200, {"id": 5, "title": "Kung Fu Panda"}),
        # test that an unknown id is a JSON 404 (the (body, status) tuple)
        ("/movies/0", 404, {"error": "no movie with id 0"}),
        ("/movies/6", 404, {"error": "no movie with id 6"}),
        ("/movies/" + "9" * 100, 404, {"error": "no movie with id " + "9" * 100}),
    ],
)
def test_movie_by_id(client, path, status, body):
    response = client.get(path)
    assert response.status_code == status
    assert response.content_type == "application/json"
    assert response.get_json() == body


@pytest.mark.parametrize(
    "path",
    [
        "/movies/-1",  # test that the int converter refuses what is not a whole number >= 0
        "/movies/abc",
        "/movies/1.5",
        "/movies/" + "9" * 5000,  # test that an id too long for int() is a 404, not a 500
        "/movies/%ff%fe",  # test that invalid UTF-8 is a clean 404
        "/movies/<b>1</b>",  # test that markup in a URL is never echoed back
        "/movies/{{7*7}}",  # test that template syntax in a URL is never evaluated
        "/nowhere",  # test that an unknown route is a 404
        "/rmovie/",
        "/static/../movies.py",  # test that traversal through /static/ never reaches the source
        "/static/..%2fmovies.py",
        "/static/%2e%2e/movies.py",
    ],
)
def test_bad_paths_are_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "<b>" not in response.text and "49" not in response.text
    assert b"MOVIES" not in response.data


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/movies"),  # test that the read-only routes refuse writes with 405
        ("PUT", "/movies"),
        ("DELETE", "/rmovie"),
        ("POST", "/movies/1"),
    ],
)
def test_wrong_methods_are_405(client, method, path):
    response = client.open(path, method=method)
    assert response.status_code == 405
    assert set(response.allow) == {"GET", "HEAD", "OPTIONS"}


def test_over_a_real_socket(live):
    url = live(movies.create_app())
    assert requests.get(f"{url}/movies", timeout=5).text == TABLE + "\n"
    assert requests.get(f"{url}/rmovie", timeout=5).json() == [2, "The Raid"]
    missing = requests.get(f"{url}/movies/9", timeout=5)
    assert (missing.status_code, missing.json()) == (404, {"error": "no movie with id 9"})


def test_flask_cli_knows_the_app():
    out = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "tourapp.chapters.movies", "routes"],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout
    assert "/movies/<int:movie_id>" in out and "/rmovie" in out
