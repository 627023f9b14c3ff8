"""Chapter 06's exercises: grow the movies app by a list of objects, seeded picks and a search."""

import json
import random

from ...chapters.movies import MOVIES
from .expect import Miss, expect_json, expect_status, json_body
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
    "A movie for every seed",
    name="seeded_app",
    goal="GET /rmovie/<seed> answers the first pick of random.Random(seed), the same every time.",
)
def seeded(probe):
    """Check that GET /rmovie/<seed> answers a seeded generator's first pick, and leaves ``random`` alone."""
    for seed in (1, 7, 42):
        expected = list(random.Random(seed).choice(list(MOVIES.items())))
        try:
            first, again = _untouched(probe, f"/rmovie/{seed}"), _untouched(probe, f"/rmovie/{seed}")
        except Miss as miss:
            if "did not return a valid response" not in str(miss):
                raise
            hint = (
                "Flask reads a tuple returned from a view as (body, status); jsonify(pair) turns the pair into a "
                "JSON array, as /rmovie does"
            )
            raise Miss(miss.message, hint) from None
        expect_status(first, 200)
        if json_body(first) != json_body(again):
            raise Miss(
                f"GET /rmovie/{seed} answered {first.text.strip()} and then {again.text.strip()}, expected the same "
                "movie both times.",
                "make a new generator from the seed in each request, random.Random(seed), and pick with its "
                "choice(); a generator made once keeps moving on",
            )
        expect_json(first, expected, _seeded_hint(json_body(first), seed, expected))


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
        expected = [movie for movie in CATALOG if (q or "").lower() in movie["title"].lower()]
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


def _seeded_hint(got, seed, expected):
    """Guess why an answer to GET /rmovie/<seed> is not the seeded generator's first pick."""
    pairs = [list(movie) for movie in MOVIES.items()]
    if isinstance(got, list) and got == random.Random(str(seed)).choice(pairs):
        return (
            f"that is the pick for the text '{seed}', which seeds a generator differently from the number "
            f"{seed}: declare the part of the URL as a number, <int:seed>"
        )
    if isinstance(got, list) and got in pairs:
        return (
            f"random.Random({seed}).choice(list(MOVIES.items())) picks {json.dumps(expected)} first: pick once "
            "from a generator made from the seed in this request, out of MOVIES.items() in their order"
        )
    if isinstance(got, (str, int)):
        return "answer the whole pick, [id, title], not one part of it: jsonify(pair)"
    if isinstance(got, dict):
        return "answer the pair as a JSON array, [id, title], the way /rmovie does: jsonify(pair)"
    return None


def _untouched(probe, path):
    """GET ``path``, and fail if the view drew from (or re-seeded) Python's shared generator."""
    state = random.getstate()
    response = probe.get(path)
    if random.getstate() != state:
        random.setstate(state)  # leave the shared generator as the learner's code found it
        raise Miss(
            f"GET {path} used Python's shared generator (random.seed, random.choice, …), which every module "
            "draws from.",
            "give the view a generator of its own, random.Random(seed), so that no other code can shift its "
            "sequence, nor it theirs",
        )
    return response
