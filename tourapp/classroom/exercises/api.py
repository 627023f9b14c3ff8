"""Chapter 11's exercises: grow the cities API by a new population (PATCH)."""

import json

from .cities import PRAGUE, expect_fresh
from .expect import Miss, expect_json, expect_status, json_body
from .registry import exercise

REFUSE = (
    'refuse it as the API refuses every bad field: refuse("population", "must be a whole number, 0 or more"), '
    "which is abort(400, description=…) with a description that starts with the field's name"
)


@exercise(
    "11.1",
    "A new population",
    name="population_app",
    goal="PATCH /cities/<id> stores a new population and answers the city, 404 for none, 400 for a bad number.",
)
def population(probe):
    """Check that PATCH /cities/<id> changes a population for good, and refuses what is not one."""
    expect_fresh(probe, "api")
    changed = {**PRAGUE, "population": 1_300_000}
    response = probe.request("PATCH", "/cities/3", json={"population": 1_300_000})
    expect_status(response, 200)
    expect_json(response, changed)
    response = probe.get("/cities/3")
    expect_json(
        response,
        changed,
        "the change did not last past the request: call db.session.commit() after "
        "setting city.population, or the session throws it away",
    )
    response = probe.request("PATCH", "/cities/99", json={"population": 1})
    expect_status(response, 404, "look the city up with db.get_or_404(City, city_id, description=…)")
    expect_json(
        response,
        {"code": 404, "description": "no city has id 99", "name": "Not Found"},
        'give get_or_404 the words GET /cities/99 uses: description=f"no city has id {city_id}"',
    )
    for bad in ("many", -5, 1.5, True, None):
        response = probe.request("PATCH", "/cities/3", json={"population": bad})
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
