"""Chapter 10: the tutorial's cities in SQLite through Flask-SQLAlchemy 3: a JSON API and a chart."""

import os
import re
import unicodedata

from flask import Blueprint, Flask, abort, current_app, json, render_template, request, url_for
from werkzeug.exceptions import BadRequest, HTTPException

from ..db import City, db, init_app
from ..paths import TEMPLATES

MAX_NAME = City.__table__.c.name.type.length  # 255: the model's String(255)
MAX_POPULATION = 100_000_000  # far above any real city: a bigger number is a typo
MAX_PER_PAGE = 100
CHART_BARS = 20
# SQLite integers are 64-bit: a bigger id cannot exist, and would overflow the driver.
CITY_ID = "<int(max=9223372036854775807):city_id>"

bp = Blueprint("cities", __name__)


def create_app(test_config=None):
    """Create the cities app; ``test_config`` overrides its settings (its database, in tests)."""
    app = Flask(__name__, template_folder=TEMPLATES)
    app.config.from_mapping(
        # A relative SQLite path lives in the instance folder; DATABASE_URL points elsewhere.
        SQLALCHEMY_DATABASE_URI=os.environ.get("DATABASE_URL", "sqlite:///cities.db"),
        MAX_CONTENT_LENGTH=16 * 1024,  # a city is a few hundred bytes of JSON
    )
    if test_config:
        app.config.from_mapping(test_config)
    app.json.ensure_ascii = False  # send "Košice", not "Ko\u0161ice"
    init_app(app)
    app.register_blueprint(bp)
    app.register_error_handler(HTTPException, json_error)
    return app


class InvalidField(BadRequest):
    """A 400 that names the field at fault and what is wrong with it."""

    def __init__(self, field, problem):
        super().__init__(problem)
        self.field = field


@bp.get("/cities")
def list_cities():
    """Return every city in id order, or one page of them when ``page`` or ``per_page`` is given."""
    query = db.select(City).order_by(City.id)
    if "page" not in request.args and "per_page" not in request.args:
        return {"cities": [city.serialize() for city in db.session.execute(query).scalars()]}
    per_page = _whole_number("per_page", 1, MAX_PER_PAGE, default=20)
    page = db.paginate(query, page=_whole_number("page", 1, 10**6, default=1), per_page=per_page, error_out=False)
    return {
        "cities": [city.serialize() for city in page.items],
        "page": page.page, "per_page": per_page, "pages": page.pages, "total": page.total,
        "prev": url_for(".list_cities", page=page.prev_num, per_page=per_page) if page.has_prev else None,
        "next": url_for(".list_cities", page=page.next_num, per_page=per_page) if page.has_next else None,
    }


@bp.get(f"/cities/{CITY_ID}")
def get_city(city_id):
    """Return one city, or a 404."""
    return db.get_or_404(City, city_id, description=f"no city has id {city_id}").serialize()


@bp.post("/cities")
def create_city():
    """Add a city from a JSON body ``{"name": …, "population": …}``; answer 201 and its URL."""
    city = City(**_city_fields())
    db.session.add(city)
    db.session.flush()  # assigns the id; serialize now, as a commit would expire what we hold
    body = city.serialize()
    db.session.commit()
    return body, 201, {"Location": url_for(".get_city", city_id=city.id)}


@bp.delete(f"/cities/{CITY_ID}")
def delete_city(city_id):
    """Delete one city: 204 and no body, or a 404."""
    # One DELETE statement, not a read and then a delete: of two racing clients, one gets the 404.
    deleted = db.session.execute(db.delete(City).where(City.id == city_id)).rowcount
    db.session.commit()
    if not deleted:
        abort(404, description=f"no city has id {city_id}")
    response = current_app.response_class(status=204)
    del response.headers["Content-Type"]  # there is no body to have a type
    return response


@bp.get("/cities/chart.svg")
def chart():
    """Draw the populations of the largest cities as an SVG bar chart."""
    query = db.select(City).order_by(City.population.desc(), City.id).limit(CHART_BARS)
    total = db.session.execute(db.select(db.func.count()).select_from(City)).scalar_one()
    svg = render_template("cities_chart.svg", cities=db.session.execute(query).scalars().all(), total=total)
    return svg, {"Content-Type": "image/svg+xml; charset=utf-8"}


def json_error(error):
    """Answer every HTTP error as JSON: ``{"error": "Not Found", "problem": …}``, and ``field`` if known."""
    body = {"error": error.name, "problem": error.description}
    if getattr(error, "field", None):
        body["field"] = error.field
    response = current_app.json.response(body)
    response.status_code = error.code
    # keep the headers the error adds, such as a 405's Allow
    response.headers.extend((k, v) for k, v in error.get_headers() if k.lower() != "content-type")
    return response


def _whole_number(field, low, high, default):
    """Read a query parameter that must be a whole number from ``low`` to ``high``."""
    value = request.args.get(field)
    if value is None:
        return default
    if not re.fullmatch(r"[0-9]{1,9}", value) or not low <= int(value) <= high:
        raise InvalidField(field, f"must be a whole number from {low} to {high}")
    return int(value)


def _city_fields():
    """Return ``name`` and ``population`` from the JSON body, or raise InvalidField."""
    if not request.is_json:
        raise InvalidField("Content-Type", f"must be application/json, not {request.mimetype or 'missing'}")
    try:
        data = request.get_json()
    except (BadRequest, RecursionError):  # RecursionError: arrays nested a thousand deep
        raise InvalidField("body", "is not valid JSON") from None
    if not isinstance(data, dict):
        raise InvalidField("body", f"must be a JSON object, not {_kind(data)}")
    for field in ("name", "population"):
        if field not in data:
            raise InvalidField(field, "is missing")
    unknown = sorted(set(data) - {"name", "population"})
    if unknown:
        raise InvalidField(unknown[0], "is not a field of a city (only name and population are)")
    name, population = data["name"], data["population"]
    if not isinstance(name, str):
        raise InvalidField("name", f"must be a string, not {_kind(name)}")
    if not name.strip():
        raise InvalidField("name", "must not be empty")
    if len(name) > MAX_NAME:
        raise InvalidField("name", f"must be at most {MAX_NAME} characters long, not {len(name)}")
    # XML (hence the chart) cannot carry control characters; lone surrogates are not text at all.
    if any(unicodedata.category(c) in ("Cc", "Cs") or c in "\ufffe\uffff" for c in name):
        raise InvalidField("name", "must not contain control characters")
    if type(population) is not int:  # not isinstance: JSON's true is a Python bool, an int
        raise InvalidField("population", f"must be a whole number, not {_kind(population)}")
    if population < 0:
        raise InvalidField("population", "must not be negative")
    if population > MAX_POPULATION:
        raise InvalidField("population", f"must be at most {MAX_POPULATION}")
    return {"name": name, "population": population}


def _kind(value):
    """Describe a JSON value for an error message: ``a string``, ``an array``, ``1.5``, ``null``."""
    if isinstance(value, (bool, float)) or value is None:
        return json.dumps(value)
    return {int: "a number", str: "a string", list: "an array", dict: "an object"}[type(value)]


app = create_app()
