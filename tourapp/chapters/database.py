"""Chapter 15: the cities API on a database server: PostgreSQL through psycopg 3, migrations with Flask-Migrate.

The app is chapter 14's, served the same way; what changes is ``DATABASE_URL``
(``postgresql://USER:PASSWORD@HOST:PORT/DATABASE``), a JSON 503 while the database server is down,
and a schema that migrations own: ``flask --app tourapp.chapters.database:migrations_app db upgrade``.
"""

from flask import current_app
from sqlalchemy import Column, MetaData, String
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import ServiceUnavailable

from . import serving
from .db import City, db
from .errors import json_error


def create_app(test_config=None):
    """Create chapter 14's app for a database server; ``test_config`` overrides any setting."""
    # Test a pooled connection before each use: after a database restart, the old ones are dead.
    app = serving.create_app({"SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True}, **(test_config or {})})
    app.register_error_handler(OperationalError, database_unavailable)
    return app


def database_unavailable(error):
    """Answer 503 in the app's JSON error format when the database does not answer, and log why."""
    db.session.rollback()  # nothing of this request was written; the next one starts clean
    current_app.logger.warning("database unavailable: %s", str(error.orig).strip().splitlines()[0])
    response = json_error(ServiceUnavailable("the database is not answering; try again in a moment"))
    response.headers["Retry-After"] = "5"
    return response


class _Schema:
    """What Flask-Migrate compares the database with: the model's table, and a ``country`` column if asked."""

    def __init__(self, country):
        self.metadata = MetaData()
        table = City.__table__.to_metadata(self.metadata)  # a copy: the running app's model is not touched
        if country:
            # nullable: the rows already there have no country until someone fills it in
            table.append_column(Column("country", String(2), nullable=True, comment="ISO 3166 code, e.g. SK"))

    @property
    def engine(self):
        return db.engine


def migrations_app(country=False):
    """Create the app with Flask-Migrate (``flask db …``); with ``country=True`` its model has a country column."""
    from flask_migrate import Migrate  # here: Alembic takes a second to import, and only `flask db` needs it

    app = create_app()
    Migrate(app, _Schema(country), compare_type=True)
    return app
