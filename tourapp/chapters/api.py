"""Chapter 11: the cities as a JSON API: pages, POST and DELETE with input checks and a token, and an SVG chart."""

import functools
import hmac
import os
import re
import unicodedata

from flask import Blueprint, Flask, abort, current_app, json, render_template, request, url_for
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import BadRequest, HTTPException, Unauthorized

from .cities import CITY_ID
from .db import City, db, init_app
from .errors import json_error
from .paths import TEMPLATES

MAX_NAME = City.__table__.c.name.type.length  # 255: the model's String(255)
MAX_POPULATION = 100_000_000  # far above any real city: a bigger number is a typo
MAX_PER_PAGE = 100
CHART_BARS = 20

# The routes sit on a blueprint, at the top level of the module, rather than inside create_app:
# create_app registers them on each app it makes. Their endpoints are "api.<function name>".
bp = Blueprint("api", __name__)


def create_app(test_config=None):
    """Create the cities API; ``test_config`` overrides its settings (its database, in tests)."""
    app = Flask(__name__, template_folder=TEMPLATES)
    app.config.from_mapping(
        # The same database as chapter 10: instance/cities.db, unless DATABASE_URL points elsewhere.
        SQLALCHEMY_DATABASE_URI=os.environ.get("DATABASE_URL", "sqlite:///cities.db"),
        MAX_CONTENT_LENGTH=16 * 1024,  # a city is a few hundred bytes of JSON
        # The shared secret that POST and DELETE need (see token_required), kept out of the code.
        # FLASK_API_TOKEN is the name Flask's app.config.from_prefixed_env() (chapter 14) gives API_TOKEN;
        # read as it is here, so that a token of digits stays text. Unset: the API takes no writes.
        API_TOKEN=os.environ.get("FLASK_API_TOKEN"),
    )
    if test_config:
        app.config.from_mapping(test_config)
    app.json.ensure_ascii = False  # send "Košice", not "Ko\u0161ice"
    init_app(app)
    app.register_blueprint(bp)
    app.register_error_handler(HTTPException, json_error)  # chapter 09's JSON errors
    return app


@bp.get("/cities")
def list_cities():
    """Return every city in id order, or one page of them when ``page`` or ``per_page`` is given."""
    query = db.select(City).order_by(City.id)
    if "page" not in request.args and "per_page" not in request.args:
        return {"cities": [city.serialize() for city in db.session.execute(query).scalars()]}
    per_page = whole_number("per_page", 1, MAX_PER_PAGE, default=20)
    page = db.paginate(query, page=whole_number("page", 1, 10**6, default=1), per_page=per_page, error_out=False)
    return {
        "cities": [city.serialize() for city in page.items],
        "page": page.page,
        "per_page": per_page,
        "pages": page.pages,
        "total": page.total,
        "prev": url_for("api.list_cities", page=page.prev_num, per_page=per_page) if page.has_prev else None,
        "next": url_for("api.list_cities", page=page.next_num, per_page=per_page) if page.has_next else None,
    }


@bp.get(f"/cities/{CITY_ID}")
def get_city(city_id):
    """Return one city, or a 404."""
    return db.get_or_404(City, city_id, description=f"no city has id {city_id}").serialize()


def token_required(view):
    """Let ``view`` run only for a request that sends the API token: ``Authorization: Bearer <token>``.

    A decorator: ``@token_required`` under ``@bp.post(…)`` wraps the view in a function that checks
    the header first and answers 401 instead of calling the view when the token is missing or wrong.
    """

    @functools.wraps(view)  # keep the view's name and docstring: the endpoint is still "api.create_city"
    def checked(**kwargs):
        token = current_app.config.get("API_TOKEN")
        if not token:
            # Never open by default. 401 rather than 500 or 503: the request lacks credentials that would
            # work, and nothing the client sends can help until the server is given a token.
            raise unauthorized(
                "the server has no API token set, so it takes no writes: start it with "
                "FLASK_API_TOKEN=<token> in its environment"
            )
        scheme, _, sent = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not sent:
            raise unauthorized("this needs the API token: send the header Authorization: Bearer <token>")
        # compare_digest takes as long for a token wrong in its first character as in its last, so the time
        # of the answer does not tell an attacker how much of a guess was right. Bytes: it takes text only
        # when it is ASCII. The token must match exactly: no other case, no spaces around it.
        if not hmac.compare_digest(sent.encode(), token.encode()):
            raise unauthorized("the API token is wrong: send the one the server was given", error="invalid_token")
        return view(**kwargs)

    return checked


def unauthorized(description, **parameters):
    """Return a 401 whose ``WWW-Authenticate: Bearer`` header names the scheme the API expects."""
    return Unauthorized(description, www_authenticate=WWWAuthenticate("bearer", parameters))


@bp.post("/cities")
@token_required
def create_city():
    """Add a city from a JSON body ``{"name": …, "population": …}``; answer 201 and its URL."""
    city = City(**city_fields())
    db.session.add(city)
    db.session.commit()
    return city.serialize(), 201, {"Location": url_for("api.get_city", city_id=city.id)}


@bp.delete(f"/cities/{CITY_ID}")
@token_required
def delete_city(city_id):
    """Delete one city: 204 and no body, or a 404."""
    # One DELETE statement, not a read and then a delete: of two racing clients, one gets the 404.
    deleted = db.session.execute(db.delete(City).where(City.id == city_id)).rowcount
    db.session.commit()
    if not deleted:
        abort(404, description=f"no city has id {city_id}")
    return "", 204


@bp.get("/cities/chart.svg")
def chart():
    """Draw the populations of the largest cities as an SVG bar chart."""
    query = db.select(City).order_by(City.population.desc(), City.id).limit(CHART_BARS)
    total = db.session.execute(db.select(db.func.count()).select_from(City)).scalar_one()
    svg = render_template("cities_chart.svg", cities=db.session.execute(query).scalars().all(), total=total)
    return svg, {"Content-Type": "image/svg+xml; charset=utf-8"}


def refuse(field, problem):
    """Stop the request with a 400 whose description names the field: ``population is missing``."""
    abort(400, description=f"{field} {problem}")


def whole_number(field, low, high, default):
    """Read a query parameter that must be a whole number from ``low`` to ``high``."""
    value = request.args.get(field)
    if value is None:
        return default
    # not int(value) alone: it takes "+3", " 3" and other digits than 0-9, and any length
    if not re.fullmatch(r"[0-9]{1,9}", value) or not low <= int(value) <= high:
        refuse(field, f"must be a whole number from {low} to {high}")
    return int(value)


def city_fields():
    """Return ``name`` and ``population`` from the JSON body, or refuse the request."""
    if not request.is_json:
        refuse("Content-Type", f"must be application/json, not {request.mimetype or 'missing'}")
    try:
        data = request.get_json()
    except (BadRequest, RecursionError):  # RecursionError: arrays nested a thousand deep
        refuse("body", "is not valid JSON")
    if not isinstance(data, dict):
        refuse("body", f"must be a JSON object, not {kind(data)}")
    for field in ("name", "population"):
        if field not in data:
            refuse(field, "is missing")
    unknown = sorted(set(data) - {"name", "population"})
    if unknown:
        refuse(unknown[0], "is not a field of a city (only name and population are)")
    name, population = data["name"], data["population"]
    if not isinstance(name, str):
        refuse("name", f"must be a string, not {kind(name)}")
    if not name.strip():
        refuse("name", "must not be empty")
    if len(name) > MAX_NAME:
        refuse("name", f"must be at most {MAX_NAME} characters long, not {len(name)}")
    # XML (hence the chart) cannot carry control characters; lone surrogates are not text at all.
    if any(unicodedata.category(c) in ("Cc", "Cs") or c in "\ufffe\uffff" for c in name):
        refuse("name", "must not contain control characters")
    if type(population) is not int:  # not isinstance: JSON's true is a Python bool, an int
        refuse("population", f"must be a whole number, not {kind(population)}")
    if population < 0:
        refuse("population", "must not be negative")
    if population > MAX_POPULATION:
        refuse("population", f"must be at most {MAX_POPULATION}")
    return {"name": name, "population": population}


def kind(value):
    """Describe a JSON value for an error message: ``a string``, ``an array``, ``1.5``, ``null``."""
    if isinstance(value, (bool, float)) or value is None:
        return json.dumps(value)
    return {int: "a number", str: "a string", list: "an array", dict: "an object"}[type(value)]


app = create_app()
