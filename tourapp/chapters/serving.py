"""Chapter 14: serving the cities API: a production WSGI server, settings and secrets from the environment, a proxy.

Run it as production runs it, listening on 127.0.0.1 behind the proxy that faces the internet:
``waitress-serve --listen=127.0.0.1:8080 --call tourapp.chapters.serving:create_app`` or
``gunicorn -w 4 -b 127.0.0.1:8080 'tourapp.chapters.serving:create_app()'``, with ``FLASK_SECRET_KEY``,
``FLASK_API_TOKEN`` (for writes) and ``DATABASE_URL`` in the environment, and ``FLASK_PROXIES=1`` behind one proxy
(waitress passes a proxy's ``X-Forwarded-For``, ``-Proto`` and ``-Host`` on only when told to trust
it: ``--trusted-proxy=127.0.0.1 --trusted-proxy-headers="x-forwarded-for x-forwarded-proto x-forwarded-host"``).
"""

import logging
import os
import sys

from flask import Config, current_app, request, session
from flask.logging import default_handler
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from werkzeug.middleware.proxy_fix import ProxyFix

ACCEPTED = "postgresql://USER:PASSWORD@HOST:PORT/DATABASE or sqlite:///PATH"
MAX_BODY = 16 * 1024  # a city is a few hundred bytes of JSON; more is a mistake or an attack
NEW_KEY = "python -c 'import secrets; print(secrets.token_hex())'"


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
    """Return the URL SQLAlchemy gets for ``url``, or raise ConfigError saying what is wrong and how to fix it.

    ``postgresql://`` gets psycopg 3 named explicitly: SQLAlchemy 2.1 picks it for that URL by itself,
    but 2.0 picked psycopg2, which this app does not install.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(f"DATABASE_URL is not a database URL: {url!r}. Use {ACCEPTED}.") from None
    if parsed.drivername in ("postgres", "postgresql+psycopg2"):
        fixed = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
        reason = (
            "a name SQLAlchemy no longer knows"
            if parsed.drivername == "postgres"
            else "the driver psycopg2, which is not installed"
        )
        raise ConfigError(
            f"DATABASE_URL starts with {parsed.drivername}://, {reason}. "
            f"Use {ACCEPTED}; here: {make_url(fixed).render_as_string()}"
        )
    if parsed.drivername == "postgresql":
        return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    if parsed.drivername not in ("postgresql+psycopg", "sqlite"):
        raise ConfigError(
            f"DATABASE_URL names the database {parsed.drivername!r}, which this app does not use. Use {ACCEPTED}."
        )
    return url


# Checked before the API is imported: its module builds an app from DATABASE_URL as it loads,
# and a wrong one would end in SQLAlchemy's traceback instead of this sentence.
database_url(os.environ.get("DATABASE_URL", "sqlite:///cities.db"))

# The JSON API this chapter serves: the one place that names it.
from . import api  # noqa: E402


def settings(test_config=None):
    """Return the app's settings: production defaults, then every ``FLASK_…`` variable, then ``test_config``."""
    config = Config(os.getcwd())
    config.from_mapping(
        SQLALCHEMY_DATABASE_URI=os.environ.get("DATABASE_URL", "sqlite:///cities.db"),
        SECRET_KEY=None,  # FLASK_SECRET_KEY: required, see create_app
        SECRET_KEY_FALLBACKS=[],  # FLASK_SECRET_KEY_FALLBACKS='["old key"]': old keys that still verify
        API_TOKEN=None,  # FLASK_API_TOKEN: the token chapter 11's POST and DELETE need; unset, the API takes no writes
        SESSION_COOKIE_SECURE=True,  # the browser sends the cookie over HTTPS only
        SESSION_COOKIE_HTTPONLY=True,  # and no script of the page can read it
        SESSION_COOKIE_SAMESITE="Lax",  # other sites' forms and scripts do not send it; their links do
        MAX_CONTENT_LENGTH=MAX_BODY,  # a bigger body is refused with 413 before it is read
        MAX_FORM_MEMORY_SIZE=MAX_BODY,  # and so is a bigger form field
        TRUSTED_HOSTS=None,  # FLASK_TRUSTED_HOSTS='["cities.example.org"]'; unset: any Host
        PROXIES=0,  # FLASK_PROXIES=1: how many proxies stand in front; 0: clients reach the app directly
    )
    # Flask's own loader: FLASK_SECRET_KEY becomes SECRET_KEY; values are read as JSON when they are
    config.from_prefixed_env()
    for name in ("SECRET_KEY", "API_TOKEN"):
        if not isinstance(config[name], str) and f"FLASK_{name}" in os.environ:
            config[name] = os.environ[f"FLASK_{name}"]  # a key or token of digits is text, not a number
    if test_config:
        config.update(test_config)
    return config


def create_app(test_config=None):
    """Create the cities API configured from the environment; ``test_config`` overrides any setting."""
    config = settings(test_config)
    config["SQLALCHEMY_DATABASE_URI"] = database_url(config["SQLALCHEMY_DATABASE_URI"])
    if not config["SECRET_KEY"]:
        # A random key per process would sign cookies that the next worker, or the next restart, refuses.
        raise ConfigError(
            "FLASK_SECRET_KEY is not set: the app signs its session cookies with it (chapter 12), and every "
            f"worker and every restart must use the same one. Make one with {NEW_KEY}"
        )
    proxies = config["PROXIES"]
    if not isinstance(proxies, int) or isinstance(proxies, bool) or proxies < 0:
        raise ConfigError(f"FLASK_PROXIES is {proxies!r}: set it to the number of proxies in front of the app (0, 1 …)")
    app = api.create_app(dict(config))
    app.debug = False  # never the debugger in production, whatever FLASK_DEBUG says
    if proxies:
        # Each proxy appends one X-Forwarded-For value: believe the last `proxies` of them and no
        # more, since a client can write any it likes before them. Off (0) when clients reach
        # the app directly: then every X-Forwarded-* header is a client's invention.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_prefix=proxies)
    _log_like_the_server(app)
    app.add_url_rule("/request-info", view_func=request_info)
    app.add_url_rule("/visits", view_func=visits)
    app.after_request(_log_writes)
    return app


def request_info():
    """Describe the request as the app sees it: client address, scheme, host, root URL."""
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
