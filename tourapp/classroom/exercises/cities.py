"""Chapter 10's exercises: grow the cities app by the biggest city and a city by name.

Each check first makes sure that the learner's app has a database of its own, outside the
repository and holding just the tutorial's eight cities: the checks add cities to it.
"""

from pathlib import Path

from ...chapters.db import City, db
from ...chapters.paths import ROOT
from .expect import Miss, expect_json, expect_status, json_body
from .registry import exercise

NEW_YORK = {"id": 6, "name": "New York", "population": 8550000}
PRAGUE = {"id": 3, "name": "Prague", "population": 1280000}
TOKYO = {"name": "Tokyo", "population": 37_400_000}  # bigger than every city of the tutorial
FRESH = 'build the app on a database of its own: {}.create_app({{"SQLALCHEMY_DATABASE_URI": fresh_database()}})'
BOUND = "never paste a name into SQL text: let SQLAlchemy send it apart, db.select(City).filter_by(name=name)"


@exercise(
    "10.1",
    "The biggest city",
    name="biggest_app",
    goal="GET /cities/biggest answers the most populous city, read from the database on every request.",
)
def biggest(probe):
    """Check that GET /cities/biggest answers New York, and Tokyo once Tokyo is added."""
    expect_fresh(probe)
    response = probe.get("/cities/biggest")
    expect_status(response, 200)
    expect_json(response, NEW_YORK, _biggest_hint(response))
    _add(probe, TOKYO)
    response = probe.get("/cities/biggest")
    expect_status(response, 200)
    hint = (
        "after Tokyo was added to the database, the answer should change: ask the database in each "
        "request instead of remembering New York"
    )
    expect_json(response, {"id": 9, **TOKYO}, hint)


@exercise(
    "10.2",
    "A city by name",
    name="by_name_app",
    goal="GET /cities/by-name/<name> answers the city of that name, or a JSON 404 that says none is called so.",
)
def by_name(probe):
    """Check that GET /cities/by-name/<name> finds cities by name, quotes included, and answers a 404 for none."""
    expect_fresh(probe)
    for name, city in [("Prague", PRAGUE), ("New York", NEW_YORK)]:
        response = probe.get(f"/cities/by-name/{name}")
        expect_status(response, 200)
        expect_json(response, city)
    try:
        response = probe.get("/cities/by-name/Atlantis")
    except Miss as miss:
        raise _with_hint(
            miss,
            "'NoneType'",
            "when no city has the name, stop with abort(404, description=…) or db.first_or_404(…, description=…)",
        ) from None
    expect_status(response, 404, "when no city has the name, stop with abort(404, description=…)")
    expect_json(
        response,
        {"code": 404, "description": "no city is called Atlantis", "name": "Not Found"},
        'the app\'s error handler writes the JSON from the description: description=f"no city is called {name}"',
    )
    city = _add(probe, {"name": "O'Fallon", "population": 29000})
    try:
        response = probe.get("/cities/by-name/O'Fallon")
    except Miss as miss:
        raise _with_hint(miss, "OperationalError", BOUND) from None
    expect_status(response, 200, BOUND)
    expect_json(response, city)


def expect_outside_workbook(probe, hint):
    """Fail unless the app's database is outside the workbook: the checks may write to it."""
    with probe.app.app_context():
        url = db.engine.url
    database = url.database or ""
    if (
        url.get_backend_name() == "sqlite"
        and database not in ("", ":memory:")
        and Path(database).resolve().is_relative_to(ROOT)
    ):
        raise Miss(
            f"the app works on {Path(database).resolve().relative_to(ROOT)}, a database inside the workbook, "
            "and the check would write to it.",
            hint,
        )


def expect_fresh(probe, chapter="cities"):
    """Fail unless the app's database is outside the repository and holds the tutorial's eight cities."""
    fresh = FRESH.format(chapter)
    expect_outside_workbook(probe, fresh)
    response = probe.get("/cities")
    expect_status(response, 200)
    ids = [city.get("id") for city in response.json().get("cities", [])]
    if ids != list(range(1, 9)):
        raise Miss(
            f"the app's database holds cities with the ids {ids}, expected the tutorial's eight, 1 to 8: "
            "an earlier run changed it.",
            f"{fresh}, a new one for every app",
        )


def _add(probe, city):
    """Add a city to the app's database (as another program sharing it would) and return it with its id."""
    with probe.app.app_context():
        row = City(**city)
        db.session.add(row)
        db.session.commit()
        return row.serialize()


def _biggest_hint(response):
    """Guess why GET /cities/biggest did not answer New York."""
    got = json_body(response)
    if isinstance(got, dict) and got.get("name") == "Bratislava":
        return "that is the smallest city: sort from the largest down, City.population.desc()"
    if isinstance(got, list):
        return "answer one city, not a list: .scalars().first() (or .limit(1)) and then city.serialize()"
    if isinstance(got, dict) and "cities" in got:
        return 'answer the city itself, {"id": …, "name": …, "population": …}, not wrapped in "cities"'
    return "order the cities by City.population.desc() and answer the first, city.serialize()"


def _with_hint(miss, when, hint):
    """Return ``miss`` with ``hint`` added if its message mentions ``when``."""
    if when not in str(miss):
        return miss
    return Miss(miss.message, f"{miss.hint}; {hint}" if miss.hint else hint)
