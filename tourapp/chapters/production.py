"""Chapter 14: the cities API made ready for production: settings from the environment, PostgreSQL, a proxy.

Run it as production runs it, e.g. ``gunicorn -w 4 'tourapp.chapters.production:create_app()'``
or ``waitress-serve --call tourapp.chapters.production:create_app``, with ``DATABASE_URL`` and
``SECRET_KEY`` set in the environment.
"""

import logging
import os
import secrets
import sys

from flask import current_app, request, session
from flask.logging import default_handler
from sqlalchemy import Column, MetaData, String
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from werkzeug.exceptions import ServiceUnavailable
from werkzeug.middleware.proxy_fix import ProxyFix

from .db import City, db
from .errors import json_error

ACCEPTED = "postgresql+psycopg://USER:PASSWORD@HOST:PORT/DATABASE or sqlite:///PATH"
MAX_BODY = 16 * 1024  # a city is a few hundred bytes of JSON; more is a mistake or an attack


class ConfigError(SystemExit):
    """A setting in the environment is wrong: the message says which and how to fix it.

    A SystemExit, so that ``flask``, ``gunicorn`` and ``waitress-serve`` print the message and stop
    instead of a page of traceback that hides it.
    """

    def __init__(self, message):
        super().__init__(message)
        if "gunicorn.arbiter" in sys.modules:
            # In a gunicorn worker: say why, then exit with gunicorn's "app failed to load" status,
            # which stops the master too, instead of it starting new workers that fail alike forever.
            print(message, file=sys.stderr, flush=True)
            self.code = 4


def database_url(url):
    """Return ``url`` if SQLAlchemy can use it with the installed drivers, or raise ConfigError saying why."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(f"DATABASE_URL is not a database URL: {url!r}. Use {ACCEPTED}.") from None
    if parsed.drivername in ("postgres", "postgresql", "postgresql+psycopg2"):
        fixed = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
        raise ConfigError(
            f"DATABASE_URL starts with {parsed.drivername}://, which SQLAlchemy cannot load with psycopg 3. "
            f"Use {ACCEPTED}; here: {make_url(fixed).render_as_string()}"
        )
    if parsed.drivername not in ("postgresql+psycopg", "sqlite"):
        raise ConfigError(
            f"DATABASE_URL names the database {parsed.drivername!r}, which this app does not use. Use {ACCEPTED}."
        )
    return url


# Checked before the API is imported: its module builds an app from DATABASE_URL as it loads,
# and a wrong one would end in SQLAlchemy's traceback instead of this sentence.
database_url(os.environ.get("DATABASE_URL", "sqlite:///cities.db"))

# The JSON API this chapter takes to production: the one place that names it.
from . import api  # noqa: E402


def create_app(test_config=None):
    """Create the cities API configured from the environment; ``test_config`` overrides any setting."""
    config = {
        "SQLALCHEMY_DATABASE_URI": database_url(os.environ.get("DATABASE_URL", "sqlite:///cities.db")),
        # Test a pooled connection before each use: after a database restart, old ones are dead.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SECRET_KEY": os.environ.get("SECRET_KEY"),
        # Rotating the key: the new one signs, the old ones (comma-separated) still verify.
        "SECRET_KEY_FALLBACKS": [key for key in os.environ.get("SECRET_KEY_FALLBACKS", "").split(",") if key],
        "SESSION_COOKIE_SECURE": True,  # the browser sends the cookie over HTTPS only
        "SESSION_COOKIE_HTTPONLY": True,  # and no script of the page can read it
        "SESSION_COOKIE_SAMESITE": "Lax",  # nor does another site's form send it along
        "MAX_CONTENT_LENGTH": MAX_BODY,  # a bigger body is refused with 413 before it is read
        "MAX_FORM_MEMORY_SIZE": MAX_BODY,  # and so is a bigger form field
        # Host names this app answers to (a Host header is the client's to invent); unset: any.
        "TRUSTED_HOSTS": [host for host in os.environ.get("TRUSTED_HOSTS", "").split(",") if host] or None,
    }
    if test_config:
        config.update(test_config)
    missing_key = not config["SECRET_KEY"]
    if missing_key:
        config["SECRET_KEY"] = secrets.token_hex(32)
    app = api.create_app(config)
    app.debug = False  # never the debugger in production, whatever FLASK_DEBUG says
    # Behind exactly one proxy (nginx, a hub): trust one X-Forwarded-For/-Proto/-Host/-Prefix
    # value, the one it adds. A client can send its own; those come before the proxy's and stay unused.
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_prefix=1)
    _log_like_the_server(app)
    if missing_key:
        app.logger.warning(
            "SECRET_KEY is not set: a random one signs sessions, so they end at a restart "
            "and do not work across workers"
        )
    app.register_error_handler(OperationalError, database_unavailable)
    app.add_url_rule("/request-info", view_func=request_info)
    app.add_url_rule("/visits", view_func=visits)
    app.after_request(_log_writes)
    return app


def database_unavailable(error):
    """Answer 503 in the app's JSON error format when the database does not answer, and log why."""
    db.session.rollback()  # nothing of this request was written; the next one starts clean
    current_app.logger.warning("database unavailable: %s", str(error.orig).strip().splitlines()[0])
    response = json_error(ServiceUnavailable("the database is not answering; try again in a moment"))
    response.headers["Retry-After"] = "5"
    return response


def request_info():
    """Describe the request as the app sees it, after ProxyFix: client address, scheme, host, root URL."""
    return {
        "remote_addr": request.remote_addr,
        "scheme": request.scheme,
        "host": request.host,
        "url_root": request.url_root,
    }


def visits():
    """Count this browser's visits in its session cookie (signed with SECRET_KEY)."""
    session["visits"] = session.get("visits", 0) + 1
    return {"visits": session["visits"]}


def _log_writes(response):
    """Log every write with its outcome: the server's log then tells what changed."""
    if request.method in ("POST", "DELETE") and response.status_code < 500:
        current_app.logger.info("%s %s -> %s", request.method, request.path, response.status_code)
    return response


def _log_like_the_server(app):
    """Send ``app.logger`` to the server's own log, in its format (gunicorn's), at INFO and above."""
    server = logging.getLogger("gunicorn.error")
    if server.handlers:  # running under gunicorn
        app.logger.handlers = server.handlers
    elif logging.getLogger().handlers:  # waitress-serve logs through the root logger: once is enough
        app.logger.removeHandler(default_handler)
    app.logger.setLevel(logging.INFO)


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


app = create_app()
