"""Chapter 06's exercises: grow the movies app by a list of objects, a pair or a JSON error, and a search."""

from ...chapters.movies import MOVIES
from .expect import Miss, expect_json, expect_status, hinted, json_body
from .registry import exercise

CATALOG = [{"id": id, "title": title} for id, title in MOVIES.items()]


@exercise(
    "06.1",
    "Ids that stay numbers",
    name="catalog_app",
    goal='GET /catalog answers [{"id": 1, "title": "Toy story"}, …], every movie in id order.',
)
def catalog(probe):
    """Check that GET /catalog answers a JSON array of ``{"id", "title"}`` objects in id order."""
    response = probe.get("/catalog")
    expect_status(response, 200)
    expect_json(response, CATALOG, _catalog_hint(json_body(response)))


@exercise(
    "06.2",
    "A pair, or a JSON error",
    name="pair_app",
    goal='GET /movies/2/pair answers [2, "The Raid"]; an id with no movie answers a JSON error with status 404.',
)
def pair(probe):
    """Check that GET /movies/<id>/pair answers an ``[id, title]`` array, or a JSON error with status 404."""
    for movie_id in (2, 5):
        path = f"/movies/{movie_id}/pair"
        try:
            response = probe.get(path)
        except Miss as miss:
            if "did not return a valid response" not in str(miss):
                raise
            hint = (
                "Flask reads a tuple returned from a view as (body, status), not as data: jsonify(pair) turns the "
                "pair into a JSON array, as /rmovie does"
            )
            raise Miss(miss.message, hint) from None
        as_text = None
        if response.status_code == 404 and isinstance(json_body(response), dict):
            as_text = f"the id arrived as the text '{movie_id}', which is no key of MOVIES: declare it <int:movie_id>"
        expect_status(response, 200, as_text)
        expect_json(response, [movie_id, MOVIES[movie_id]], _pair_hint(json_body(response)))
    with hinted("look the id up before you use it, as movie() does: if movie_id not in movies.MOVIES: …"):
        response = probe.get("/movies/9/pair")
    together = 'return the error object and the status together, as movie() does: return {"error": …}, 404'
    expect_status(response, 404, together if response.status_code == 200 else None)
    not_json = None
    if response.headers.get("Content-Type", "").startswith("text/html"):
        not_json = (
            "abort(404) sends Flask's HTML error page; a program wants JSON: return the error object and the "
            "status as a pair, as movie() does"
        )
    expect_json(response, {"error": "no movie with id 9"}, not_json)


@exercise(
    "06.3",
    "Search by title",
    name="search_app",
    goal="GET /search?q=… answers the movies whose titles contain q, ignoring case, or [].",
)
def search(probe):
    """Check that GET /search?q=… finds titles by a piece of them, ignoring case, and answers [] for none."""
    for q, hint in [
        ("an", None),
        ("HERO", "the search should ignore upper and lower case: compare q.lower() with title.lower()"),
        ("xyz", "an empty result is not an error: answer the empty list [] with status 200"),
        (None, "without q, every movie matches: read it with request.args.get('q', '')"),
    ]:
        response = probe.get("/search", params={} if q is None else {"q": q})
        expect_status(response, 200, hint if response.status_code in (400, 404) else None)
        got = json_body(response)
        if isinstance(got, list) and got and all(isinstance(item, str) for item in got):
            hint = 'send each movie as an object with its id and title, as in 06.1: {"id": 4, "title": "Ip Man"}'
        expected = [movie for movie in CATALOG if (q or "").lower() in str(movie["title"]).lower()]
        expect_json(response, expected, hint)


def _catalog_hint(got):
    """Guess why an answer to GET /catalog is not the list of movie objects."""
    if isinstance(got, dict):
        return (
            'a JSON object\'s keys are always strings, so the ids turned into "1", "2", …: '
            'send a list instead, one object per movie, [{"id": 1, "title": "Toy story"}, …]'
        )
    if isinstance(got, list) and got and all(isinstance(item, list) for item in got):
        return (
            'each movie should be an object with its id and title, {"id": 1, "title": "Toy story"}, not an [id, '
            "title] pair"
        )
    if isinstance(got, list) and sorted(got, key=str) == sorted(CATALOG, key=str):
        return "the movies are right but not their order: keep the order of MOVIES, by id"
    return None


def _pair_hint(got):
    """Guess why an answer to GET /movies/<id>/pair is not the ``[id, title]`` array."""
    if isinstance(got, dict):
        return "answer the pair as a JSON array, [id, title], the way /rmovie does: jsonify(pair)"
    if isinstance(got, (str, int)):
        return "answer the whole pair, [id, title], not one part of it"
    return None
