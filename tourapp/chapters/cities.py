"""Chapter 10: the tutorial's cities in SQLite through Flask-SQLAlchemy 3: every city, and one by id."""

import os

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

from .db import City, db, init_app
from .errors import json_error

# SQLite integers are 64-bit: a bigger id cannot exist, and would overflow the driver.
CITY_ID = "<int(max=9223372036854775807):city_id>"


def create_app(test_config=None):
    """Create the cities app; ``test_config`` overrides its settings (its database, in tests)."""
    app = Flask(__name__)
    # A relative SQLite path lives in the instance folder; DATABASE_URL points elsewhere.
    app.config.from_mapping(SQLALCHEMY_DATABASE_URI=os.environ.get("DATABASE_URL", "sqlite:///cities.db"))
    if test_config:
        app.config.from_mapping(test_config)
    init_app(app)  # connect db, add `flask init-db`, build a missing database on first use
    app.register_error_handler(HTTPException, json_error)  # chapter 09's JSON errors, for every error

    @app.route("/cities")
    def all_cities():
        """Return every city in id order, as the tutorial does."""
        query = db.select(City).order_by(City.id)
        return jsonify(cities=[city.serialize() for city in db.session.execute(query).scalars()])

    @app.route(f"/cities/{CITY_ID}")
    def one_city(city_id):
        """Return one city, or a 404."""
        return db.get_or_404(City, city_id, description=f"no city has id {city_id}").serialize()

    return app


app = create_app()
