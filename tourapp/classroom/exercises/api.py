"""Chapter 11's exercises: grow the cities API by a new population (PATCH) and the n largest cities.

The API's writes need its token (``Authorization: Bearer <token>``): the checks send the app's own, and
give an app that has none a token of their own first.
"""

import json

from .cities import PRAGUE, expect_fresh
from .expect import Miss, expect_json, expect_status, json_body
from .registry import exercise

REFUSE = (
    'refuse it as the API refuses every bad field: refuse("population", "must be a whole number, 0 or more"), '
    "which is abort(400, description=…) with a description that starts with the field's name"
)
CHECK_TOKEN = "check-token"


def token_header(probe):
    """Return the header that sends the app's API token, after giving the app the check's own if it has none."""
    if not probe.app.config.get("API_TOKEN"):
        probe.app.config["API_TOKEN"] = CHECK_TOKEN
    return {"Authorization": f"Bearer {probe.app.config['API_TOKEN']}"}


@exercise(
    "11.1",
    "A new population",
    name="population_app",
    goal="PATCH /cities/<id> stores a new population and answers the city, 404 for none, 400 for a bad number, "
    "401 without the token.",
)
def population(probe):
    """Check that PATCH /cities/<id> changes a population for good, refuses what is not one, and needs the token."""
    expect_fresh(probe, "api")
    auth = token_header(probe)
    changed = {**PRAGUE, "population": 1_300_000}
    response = probe.request("PATCH", "/cities/3", json={"population": 1_300_000}, headers=auth)
    expect_status(response, 200)
    expect_json(response, changed)
    response = probe.get("/cities/3")
    expect_json(
        response,
        changed,
        "the change did not last past the request: call db.session.commit() after "
        "setting city.population, or the session throws it away",
    )
    response = probe.request("PATCH", "/cities/99", json={"population": 1}, headers=auth)
    expect_status(response, 404, "look the city up with db.get_or_404(City, city_id, description=…)")
    expect_json(
        response,
        {"code": 404, "description": "no city has id 99", "name": "Not Found"},
        'give get_or_404 the words GET /cities/99 uses: description=f"no city has id {city_id}"',
    )
    for bad in ("many", -5, 1.5, True, None):
        response = probe.request("PATCH", "/cities/3", json={"population": bad}, headers=auth)
        hint = (
            "check the value before you store it: a population is a whole number, 0 or more (and True counts "
            "as an int in Python: test type(value) is int); " + REFUSE
        )
        expect_status(response, 400, hint)
        got = json_body(response)
        description = got.get("description") if isinstance(got, dict) else None
        if not (isinstance(description, str) and description.startswith("population ")):
            raise Miss(
                f"PATCH /cities/3 with population {json.dumps(bad)} answered 400 with "
                f"{response.text.strip()[:120]}, which does not say that population is at fault.",
                REFUSE,
            )
        response = probe.get("/cities/3")
        expect_json(response, changed, "a refused request must leave the city as it was")
    response = probe.request("PATCH", "/cities/3", json={"population": 1})
    expect_status(
        response,
        401,
        "without the API token: a change is a write, so it needs the token as POST and DELETE do; "
        "put @api.token_required under @app.patch(…)",
    )
    expect_json(probe.get("/cities/3"), changed, "a request without the token must leave the city as it was")


NEW_YORK = {"id": 6, "name": "New York", "population": 8550000}
LOS_ANGELES = {"id": 5, "name": "Los Angeles", "population": 3971000}
BERLIN = {"id": 8, "name": "Berlin", "population": 3671000}
TOKYO = {"id": 9, "name": "Tokyo", "population": 37_400_000}
READ_N = (
    'read n with api.whole_number("n", 1, 100, default=3), which refuses anything else with a 400 that names n '
    '(request.args.get("n", 3, type=int) would quietly answer a bad n instead of refusing it)'
)


@exercise(
    "11.2",
    "The largest cities",
    name="largest_app",
    goal="GET /cities/largest?n=… answers the n most populous cities, largest first; a bad n is a 400 that names n.",
)
def largest(probe):
    """Check GET /cities/largest: the n largest cities from the database, and a 400 for an n that is not 1 to 100."""
    expect_fresh(probe, "api")
    response = probe.get("/cities/largest")
    expect_status(response, 200)
    expect_json(response, {"cities": [NEW_YORK, LOS_ANGELES, BERLIN]}, _largest_hint(response, 3))
    response = probe.get("/cities/largest", params={"n": 1})
    expect_status(response, 200)
    expect_json(response, {"cities": [NEW_YORK]}, _largest_hint(response, 1))
    created = probe.post(
        "/cities", json={"name": "Tokyo", "population": TOKYO["population"]}, headers=token_header(probe)
    )
    expect_status(created, 201, "the API's own POST /cities must keep working: add your route, change no other")
    response = probe.get("/cities/largest", params={"n": 2})
    expect_status(response, 200)
    expect_json(
        response,
        {"cities": [TOKYO, NEW_YORK]},
        "after Tokyo was added the answer should change: ask the database in every request",
    )
    for bad in ("0", "101", "many", "-1", "2.5", ""):
        response = probe.get("/cities/largest", params={"n": bad})
        expect_status(response, 400, f"n={bad!r} is not a whole number from 1 to 100: " + READ_N)
        got = json_body(response)
        description = got.get("description") if isinstance(got, dict) else None
        if not (isinstance(description, str) and description.startswith("n ")):
            raise Miss(
                f"GET /cities/largest?n={bad} answered 400 with {response.text.strip()[:120]}, "
                "which does not say that n is at fault.",
                READ_N,
            )


def _largest_hint(response, n):
    """Guess why GET /cities/largest did not answer the ``n`` largest cities."""
    got = json_body(response)
    cities = got.get("cities") if isinstance(got, dict) else None
    if isinstance(got, list):
        return 'answer an object with the list under "cities", as GET /cities does: {"cities": [...]}'
    if not isinstance(cities, list):
        return 'answer {"cities": [city.serialize() for city in …]}'
    if len(cities) != n:
        return f"answer {n} cities: .limit(n) on the query, with n = 3 when the request gives none"
    if cities and isinstance(cities[0], dict) and cities[0].get("name") == "Bratislava":
        return "those are the smallest: sort from the largest down, City.population.desc()"
    return "order the cities by City.population.desc() and keep the first n with .limit(n)"
