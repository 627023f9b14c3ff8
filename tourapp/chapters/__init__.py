"""One small Flask app per chapter, and the chapter map: where each chapter's pieces live.

Each chapter module reads alone, top to bottom, so that a learner can open it beside its
notebook: that is why the modules repeat the same ``create_app(test_config=None)`` shape instead
of sharing a base (01 is the classic module-level ``hello.py``, before factories are taught).
Only the API chapter (11) uses a blueprint: it is the one app big enough to group its routes.

:data:`CHAPTERS` is the one list of chapters. The README's chapter table, the layout tests, the
grader, the student edition and the recorder all read it; a new chapter is one line here.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CHAPTERS", "Chapter", "chapter", "readme_table"]


@dataclass(frozen=True)
class Chapter:
    """One chapter: its number, notebook, app module, exercises and test file."""

    number: str  # "01"
    slug: str  # "hello": the notebook is notebooks/01-hello.ipynb
    title: str
    module: str | None  # the app, tourapp.chapters.<module>; None for 00 and 13
    exercises: str | None  # the checks, tourapp.classroom.exercises.<exercises>
    test: str | None  # the test file's slug: tests/chapters/test_01_<test>.py
    teaches: str  # one line for the README's table

    @property
    def notebook(self):
        """Return the notebook's path in the workbook, e.g. ``notebooks/01-hello.ipynb``."""
        return f"notebooks/{self.number}-{self.slug}.ipynb"

    @property
    def test_file(self):
        """Return the test file's path in the workbook, or None."""
        return f"tests/chapters/test_{self.number}_{self.test}.py" if self.test else None

    @property
    def app(self):
        """Return the app's dotted name for ``flask --app``, or None."""
        return f"tourapp.chapters.{self.module}" if self.module else None


# A table, one chapter to a row: ruff format would spread each row over nine lines.
# fmt: off
CHAPTERS = [
    Chapter("00", "start-here", "Start here", None, None, None,
            "Flask and WSGI, URL anatomy, venv and pip, `flask --app … run`, why a background thread, "
            "how Try it works"),
    Chapter("01", "hello", "Hello, Flask", "hello", "hello", "hello",
            "the classic `hello.py`: `@app.route(\"/\")` → `Hello there!`, the `flask run` banner, app factories"),
    Chapter("02", "query-parameters", "Query parameters", "query_params", "query_params", "query_params",
            "`request.args`: `GET /greet?name=Lucia` → `Hello Lucia` (text/plain), default `Guest`"),
    Chapter("03", "path-parameters", "Path parameters", "path_params", "path_params", "path_params",
            "`/greet/<name>/`, trailing slashes (308 / 404), converters `<int:…>`, `<path:…>`"),
    Chapter("04", "responses", "Responses", "responses", "responses", "responses",
            "`make_response`, 201 vs 200, methods and 405, `strict_slashes=False`, escaping names"),
    Chapter("05", "send-file", "Sending files", "files", "files", "files",
            "`send_file` (`/image`), `send_from_directory` by name, traversal → 404, ETag/304"),
    Chapter("06", "json", "JSON", "movies", "movies", "movies",
            "a dict becomes JSON, `jsonify`, `(body, status, headers)`, a JSON error with its status, a random "
            "pick: `GET /rmovie` → `[2,\"The Raid\"]`"),
    Chapter("07", "templates", "Templates", "templates", "templates", "templates",
            "`render_template`, `{% extends \"base.html\" %}` and blocks, autoescaping, template files of your own "
            "and `{% for %}`: `GET /greet/Peter/`"),
    Chapter("08", "static-files", "Static files", "static_files", "static_files", "static_files",
            "`/static/…`, `url_for('static', …)`, `send_static_file` for `/about`, how long browsers keep static "
            "files, behind a proxy"),
    Chapter("09", "error-pages", "Error pages", "errors", "errors", "errors",
            "`@app.errorhandler(404)` with `templates/404.html`, `abort(404)`, the one JSON error format"),
    Chapter("10", "sqlite", "SQLite with Flask-SQLAlchemy", "cities", "cities", "sqlite",
            "`data/cities.sql` → SQLite, a Flask-SQLAlchemy 3 model, `GET /cities` exactly as the tutorial, "
            "one city by id, `flask init-db`"),
    Chapter("11", "json-api", "A JSON API", "api", "api", "json_api",
            "a blueprint, pages (`db.paginate`), `POST` → 201 and `DELETE` → 204 for clients with a token "
            "(`Authorization: Bearer`, else 401), input checks in chapter 09's "
            "JSON error format, a checked `?n=` for the largest cities, an SVG chart"),
    Chapter("12", "forms-and-sessions", "Forms and sessions", "forms", "forms", "forms_and_sessions",
            "`request.form`, errors shown in the form, POST → redirect → GET, `flash`, the signed `session` and "
            "`SECRET_KEY`, `FlaskForm` fields and validators, hashed passwords, log in/out, CSRF with Flask-WTF"),
    Chapter("13", "testing", "Testing your app", None, "testing", "testing",
            "pytest, `test_client()`, fixtures from `create_app({\"TESTING\": True, …})`, `session_transaction()`, "
            "a temporary database, `test_cli_runner()`, reading pytest's summary line"),
    Chapter("14", "serving", "Serving it in production", "serving", "serving", "serving",
            "waitress (threads) and gunicorn (worker processes) started from the notebook and measured, "
            "`FLASK_SECRET_KEY` and `DATABASE_URL` from the environment (`from_prefixed_env`), a server on "
            "127.0.0.1 behind a proxy, `ProxyFix` only when configured, secure cookies, `TRUSTED_HOSTS`"),
    Chapter("15", "database-server", "A database server", "database", "database", "database_server",
            "PostgreSQL through psycopg 3 (`postgresql://`, the `postgres://` trap), many workers writing at once, "
            "a JSON 503 while the database is down, migrations with Flask-Migrate, seeding a migrated table"),
    Chapter("16", "accounts-and-a-blog", "Accounts and a blog", "blog", "blog", "blog",
            "users and posts (a foreign key, a `relationship`, a join), register and log in with `FlaskForm`, "
            "password hashes, `g.user`, `login_required`, only the author edits (403), CSRF on every form"),
    Chapter("17", "your-own-project", "Your own project", None, "project", "your_own_project",
            "a project folder as flaskr lays it out: a package with `create_app()`, two blueprints with a "
            "`url_prefix`, `.env` and the instance folder, its own `tests/conftest.py`; run with `flask --app`, "
            "`pytest` and waitress in a terminal, and where to go next"),
]
# fmt: on


def chapter(number):
    """Return the chapter numbered ``number`` (``"01"`` or ``1``), or None."""
    number = f"{int(number):02d}"
    return next((c for c in CHAPTERS if c.number == number), None)


def readme_table():
    """Return the README's chapter table, made from :data:`CHAPTERS`."""
    lines = [
        "| # | notebook | app (`flask --app …`) | what it teaches |",
        "|---|----------|-----------------------|-----------------|",
    ]
    for c in CHAPTERS:
        app = f"`{c.app}`" if c.app else "—"
        lines.append(f"| {c.number} | [{c.title}]({c.notebook}) | {app} | {c.teaches} |")
    return "\n".join(lines)
