"""Chapter 06: ``/movies`` is a JSON object, ``/rmovie`` a seeded ``[id, title]`` pick."""

from functools import partial

import pytest
import requests
from flask import abort, jsonify, request

from tests.helpers.support import MISSING, clear_4xx_test, factory_placeholder, flask_cli, placeholder, try_it_test
from tests.helpers.support import grown as grown_from
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


test_bad_requests_get_a_clear_4xx = clear_4xx_test(
    [
        ("POST", "/movies", 405),  # test that the read-only routes refuse writes with 405
        ("PUT", "/movies", 405),
        ("DELETE", "/rmovie", 405),
        ("POST", "/movies/1", 405),
    ]
)


def test_over_a_real_socket(live):
    url = live(movies.create_app())
    assert requests.get(f"{url}/movies", timeout=5).text == TABLE + "\n"
    assert requests.get(f"{url}/rmovie", timeout=5).json() == [2, "The Raid"]
    missing = requests.get(f"{url}/movies/9", timeout=5)
    assert (missing.status_code, missing.json()) == (404, {"error": "no movie with id 9"})


def test_flask_cli_knows_the_app():
    out = flask_cli("tourapp.chapters.movies", "routes")
    assert "/movies/<int:movie_id>" in out and "/rmovie" in out


# "Try it": the checks of tourapp/classroom/exercises/movies.py, against right and typical wrong answers.


NOTEBOOK = "notebooks/06-json.ipynb"
grown = partial(grown_from, movies.create_app)  # a factory of the movies app with one more route


def as_objects(items):
    return [{"id": movie_id, "title": title} for movie_id, title in items]


def catalog_right():
    return as_objects(movies.MOVIES.items())


def catalog_dict():
    return movies.MOVIES


def catalog_pairs():
    return list(movies.MOVIES.items())


def catalog_by_title():
    return sorted(catalog_right(), key=lambda movie: movie["title"])


def pair_right(movie_id):
    if movie_id not in movies.MOVIES:
        return {"error": f"no movie with id {movie_id}"}, 404
    return jsonify((movie_id, movies.MOVIES[movie_id]))


def pair_as_list(movie_id):
    if movie_id not in movies.MOVIES:
        return {"error": f"no movie with id {movie_id}"}, 404
    return [movie_id, movies.MOVIES[movie_id]]


def pair_bare_tuple(movie_id):
    return movie_id, movies.MOVIES[movie_id]


def pair_as_object(movie_id):
    return {"id": movie_id, "title": movies.MOVIES[movie_id]}


def pair_title_only(movie_id):
    return jsonify(movies.MOVIES[movie_id])


def pair_unchecked(movie_id):
    return jsonify((movie_id, movies.MOVIES[movie_id]))


def pair_error_as_200(movie_id):
    if movie_id not in movies.MOVIES:
        return {"error": f"no movie with id {movie_id}"}
    return jsonify((movie_id, movies.MOVIES[movie_id]))


def pair_html_404(movie_id):
    if movie_id not in movies.MOVIES:
        abort(404)
    return jsonify((movie_id, movies.MOVIES[movie_id]))


def search_right():
    q = request.args.get("q", "").lower()
    return as_objects((i, t) for i, t in movies.MOVIES.items() if q in t.lower())


def search_minding_case():
    q = request.args.get("q", "")
    return as_objects((i, t) for i, t in movies.MOVIES.items() if q in t)


def search_404_for_nothing():
    found = search_right()
    return found if found else ({"error": "nothing found"}, 404)


def search_titles_only():
    q = request.args.get("q", "").lower()
    return [t for t in movies.MOVIES.values() if q in t.lower()]


def search_needs_q():
    q = request.args["q"].lower()
    return as_objects((i, t) for i, t in movies.MOVIES.items() if q in t.lower())


test_try_it_checks = try_it_test(
    [
        # test that the notebook's solutions pass, and so do the same answers written here
        ("06.1", "catalog_app", "passed", 'GET /catalog answers [{"id": 1'),
        ("06.2", "pair_app", "passed", 'GET /movies/2/pair answers [2, "The Raid"]'),
        ("06.3", "search_app", "passed", "ignoring case"),
        ("06.1", grown("/catalog", catalog_right), "passed", "every movie in id order"),
        ("06.2", grown("/movies/<int:movie_id>/pair", pair_right), "passed", "JSON error with status 404"),
        ("06.2", grown("/movies/<int:movie_id>/pair", pair_as_list), "passed", "JSON error with status 404"),
        ("06.3", grown("/search", search_right), "passed", "or []"),
        # test that typical wrong answers fail with a hint that names the mistake
        (
            "06.1",
            grown("/catalog", catalog_dict),
            "failed",
            'Hint: a JSON object\'s keys are always strings, so the ids turned into "1"',
        ),
        (
            "06.1",
            grown("/catalog", catalog_pairs),
            "failed",
            (
                'answered [[1, "Toy story"], [2, "The Raid"]',
                "Hint: each movie should be an object with its id and title",
            ),
        ),
        ("06.1", grown("/catalog", catalog_by_title), "failed", "Hint: the movies are right but not their order"),
        (
            "06.1",
            grown("/movies/catalog", catalog_right),
            "failed",
            "404 NOT FOUND, expected 200 OK. Hint: no route matches /catalog",
        ),
        (
            "06.2",
            grown("/movies/<int:movie_id>/pair", pair_bare_tuple),
            "failed",
            (
                (
                    "GET /movies/2/pair answered 500 INTERNAL SERVER ERROR because the view raised TypeError: The view "
                    "function did not return a valid response"
                ),
                "Hint: Flask reads a tuple returned from a view as (body, status), not as data: jsonify(pair)",
            ),
        ),
        (
            "06.2",
            grown("/movies/<int:movie_id>/pair", pair_as_object),
            "failed",
            'answered {"id": 2, "title": "The Raid"}, expected [2, "The Raid"]. Hint: answer the pair as a JSON array',
        ),
        (
            "06.2",
            grown("/movies/<int:movie_id>/pair", pair_title_only),
            "failed",
            'answered "The Raid", expected [2, "The Raid"]. Hint: answer the whole pair',
        ),
        (
            "06.2",
            grown("/movies/<int:movie_id>/pair", pair_unchecked),
            "failed",
            (
                (
                    "GET /movies/9/pair answered 500 INTERNAL SERVER ERROR because the view raised KeyError: 9 in "
                    "pair_unchecked(), line"
                ),
                "Hint: look the id up before you use it, as movie() does",
            ),
        ),
        (
            "06.2",
            grown("/movies/<int:movie_id>/pair", pair_error_as_200),
            "failed",
            "GET /movies/9/pair answered 200 OK, expected 404 NOT FOUND. Hint: return the error object and the status "
            "together",
        ),
        (
            "06.2",
            grown("/movies/<int:movie_id>/pair", pair_html_404),
            "failed",
            "GET /movies/9/pair answered with Content-Type text/html, expected application/json. Hint: abort(404) "
            "sends Flask's HTML error page",
        ),
        (
            "06.2",
            grown("/movies/<movie_id>/pair", pair_right),
            "failed",
            "GET /movies/2/pair answered 404 NOT FOUND, expected 200 OK. Hint: the id arrived as the text '2'",
        ),
        (
            "06.3",
            grown("/search", search_minding_case),
            "failed",
            'GET /search?q=HERO answered [], expected [{"id": 3, "title": "Hero"}]. Hint: the search should ignore '
            "upper and lower case",
        ),
        (
            "06.3",
            grown("/search", search_404_for_nothing),
            "failed",
            "GET /search?q=xyz answered 404 NOT FOUND, expected 200 OK. Hint: an empty result is not an error",
        ),
        (
            "06.3",
            grown("/search", search_titles_only),
            "failed",
            "Hint: send each movie as an object with its id and title",
        ),
        (
            "06.3",
            grown("/search", search_needs_q),
            "failed",
            "GET /search answered 400 BAD REQUEST, expected 200 OK. Hint: without q, every movie matches: read it with "
            "request.args.get('q', '')",
        ),
        # test that an exercise not started yet is "not done", not a failure
        ("06.1", MISSING, "not done", "not done yet: `catalog_app` is not defined"),
        (
            "06.2",
            factory_placeholder,
            "not done",
            "not done yet: factory_placeholder() still raises NotImplementedError",
        ),
        (
            "06.3",
            grown("/search", placeholder),
            "not done",
            "not done yet: GET /search still raises NotImplementedError in placeholder()",
        ),
    ],
    NOTEBOOK,
)
