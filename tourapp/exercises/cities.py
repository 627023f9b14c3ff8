"""Chapter 10's exercises: grow the cities API by the biggest city, a city by name, and a new population.

Each check first makes sure that the learner's app has a database of its own, outside the
repository and holding just the tutorial's eight cities: the checks write to it.
"""

from pathlib import Path

from ..db import db
from ..paths import ROOT
from .expect import Miss, expect_json, expect_status, json_body
from .registry import exercise

NEW_YORK = {"id": 6, "name": "New York", "population": 8550000}
PRAGUE = {"id": 3, "name": "Prague", "population": 1280000}
TOKYO = {"name": "Tokyo", "population": 37_400_000}  # bigger than every city of the tutorial
FRESH = 'build the app on a database of its own: cities.create_app({"SQLALCHEMY_DATABASE_URI": fresh_database()})'
BOUND = "never paste a name into SQL text: let SQLAlchemy send it apart, db.select(City).filter_by(name=name)"


@exercise("10.1", "The biggest city", name="biggest_app",
          goal="GET /cities/biggest answers the most populous city, read from the database on every request.")
def biggest(app):
    """Check that GET /cities/biggest answers New York, and Tokyo once Tokyo is added."""
    _expect_fresh(app)
    response = app.get("/cities/biggest")
    expect_status(response, 200)
    expect_json(response, NEW_YORK, _biggest_hint(response))
    _add(app, TOKYO)
    response = app.get("/cities/biggest")
    expect_status(response, 200)
    hint = ("after a POST added Tokyo, the answer should change: ask the database in each request "
            "instead of remembering New York")
    expect_json(response, {"id": 9, **TOKYO}, hint)


@exercise("10.2", "A city by name", name="by_name_app",
          goal="GET /cities/by-name/<name> answers the city of that name, or a JSON 404 that says none is called so.")
def by_name(app):
    """Check that GET /cities/by-name/<name> finds cities by name, quotes included, and answers a 404 for none."""
    _expect_fresh(app)
    for name, city in [("Prague", PRAGUE), ("New York", NEW_YORK)]:
        response = app.get(f"/cities/by-name/{name}")
        expect_status(response, 200)
        expect_json(response, city)
    try:
        response = app.get("/cities/by-name/Atlantis")
    except Miss as miss:
        raise _with_hint(miss, "'NoneType'", "when no city has the name, stop with abort(404, description=…) "
                         "or db.first_or_404(…, description=…)") from None
    expect_status(response, 404, "when no city has the name, stop with abort(404, description=…)")
    expect_json(response, {"error": "Not Found", "problem": "no city is called Atlantis"},
                 "the app's error handler writes the JSON from the description: description=f\"no city is called {name}\"")
    city = _add(app, {"name": "O'Fallon", "population": 29000})
    try:
        response = app.get("/cities/by-name/O'Fallon")
    except Miss as miss:
        raise _with_hint(miss, "OperationalError", BOUND) from None
    expect_status(response, 200, BOUND)
    expect_json(response, city)


@exercise("10.3", "A new population", name="population_app",
          goal="PATCH /cities/<id> stores a new population and answers the city, 404 for none, 400 for a bad number.")
def population(app):
    """Check that PATCH /cities/<id> changes a population for good, and refuses what is not one."""
    _expect_fresh(app)
    changed = {**PRAGUE, "population": 1_300_000}
    response = app.request("PATCH", "/cities/3", json={"population": 1_300_000})
    expect_status(response, 200)
    expect_json(response, changed)
    response = app.get("/cities/3")
    expect_json(response, changed, "the change did not last past the request: call db.session.commit() after "
                 "setting city.population, or the session throws it away")
    response = app.request("PATCH", "/cities/99", json={"population": 1})
    expect_status(response, 404, "look the city up with db.get_or_404(City, city_id, description=…)")
    expect_json(response, {"error": "Not Found", "problem": "no city has id 99"},
                'give get_or_404 the words /cities/99 uses: description=f"no city has id {city_id}"')
    for bad in ("many", -5, 1.5, True, None):
        response = app.request("PATCH", "/cities/3", json={"population": bad})
        hint = ("check the value before you store it: a population is a whole number, 0 or more; "
                "abort(400, description=…) refuses it (and note that True counts as an int in Python: test type(value) is int)")
        expect_status(response, 400, hint)
        response = app.get("/cities/3")
        expect_json(response, changed, "a refused request must leave the city as it was")


def _expect_fresh(app):
    """Fail unless the app's database is outside the repository and holds the tutorial's eight cities."""
    with app.app.app_context():
        url = db.engine.url
    database = url.database or ""
    if url.get_backend_name() == "sqlite" and database not in ("", ":memory:") and Path(database).resolve().is_relative_to(ROOT):
        raise Miss(f"the app works on {Path(database).resolve().relative_to(ROOT)}, a database inside the workbook, and the "
                   f"check would write to it. Hint: {FRESH}.")
    response = app.get("/cities")
    expect_status(response, 200)
    ids = [city.get("id") for city in response.json().get("cities", [])]
    if ids != list(range(1, 9)):
        raise Miss(f"the app's database holds cities with the ids {ids}, expected the tutorial's eight, 1 to 8: "
                   f"an earlier run changed it. Hint: {FRESH}, a new one for every app.")


def _add(app, city):
    """Add a city through the API and return it with its id."""
    response = app.post("/cities", json=city)
    expect_status(response, 201)
    return response.json()


def _biggest_hint(response):
    """Guess why GET /cities/biggest did not answer New York."""
    got = json_body(response)
    if isinstance(got, dict) and got.get("name") == "Bratislava":
        return "that is the smallest city: sort from the largest down, City.population.desc()"
    if isinstance(got, list):
        return "answer one city, not a list: .scalars().first() (or .limit(1)) and then city.serialize()"
    if isinstance(got, dict) and "cities" in got:
        return "answer the city itself, {\"id\": …, \"name\": …, \"population\": …}, not wrapped in \"cities\""
    return "order the cities by City.population.desc() and answer the first, city.serialize()"


def _with_hint(miss, when, hint):
    """Return ``miss`` with ``hint`` added if its message mentions ``when``."""
    message = str(miss)
    if when not in message:
        return miss
    return Miss(f"{message[:-1]}; {hint}." if " Hint: " in message else f"{message} Hint: {hint}.")
