"""The data layer: Flask-SQLAlchemy's ``db``, the ``City`` model, databases built from data/cities.sql."""

import re
import threading
import weakref

import click
from flask.cli import with_appcontext
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, event
from sqlalchemy.orm import Mapped, mapped_column

from .paths import DATA

CITIES_SQL = DATA / "cities.sql"
_ROWS = re.compile(r"VALUES\('((?:[^']|'')*)', (\d+)\)")  # the script's INSERTs: ('Bratislava', 432000)

db = SQLAlchemy()


class City(db.Model):
    """A city and its population: one row of the ``cities`` table."""

    __tablename__ = "cities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    population: Mapped[int]

    def serialize(self):
        """Return the city as the dict the JSON answers carry."""
        return {"id": self.id, "name": self.name, "population": self.population}


def init_db():
    """Drop the cities table and build it again from data/cities.sql; return the number of rows."""
    script = CITIES_SQL.read_text(encoding="utf-8")
    if db.engine.dialect.name != "sqlite":
        # Other databases (PostgreSQL) speak their own SQL: build the table from the model and
        # add the script's rows through it.
        City.__table__.drop(db.engine, checkfirst=True)
        City.__table__.create(db.engine)
        return seed_db()
    # The script brings its own BEGIN … COMMIT, so it runs as written on the driver's own
    # connection, as the sqlite3 shell's `.read cities.sql` would run it.
    connection = db.engine.raw_connection()
    try:
        connection.driver_connection.executescript(script)
    finally:
        connection.close()
    return db.session.execute(db.select(db.func.count()).select_from(City)).scalar_one()


def seed_db():
    """Add data/cities.sql's cities to an empty cities table, leaving the table as it is; return the number of rows.

    For a table that something else built (a migration): unlike :func:`init_db`, nothing is dropped or
    created, and a table that already has rows is left alone, so running it twice adds nothing.
    """
    count = db.select(db.func.count()).select_from(City)
    if db.session.execute(count).scalar_one() == 0:
        script = CITIES_SQL.read_text(encoding="utf-8")
        db.session.add_all(
            City(name=name.replace("''", "'"), population=int(population)) for name, population in _ROWS.findall(script)
        )
        db.session.commit()
    return db.session.execute(count).scalar_one()


def has_cities_table():
    """Tell whether the database already holds a ``cities`` table."""
    return db.inspect(db.engine).has_table(City.__tablename__)


@click.command("init-db")
@with_appcontext  # `flask` pushes an app context itself; a test's CLI runner does not
def init_db_command():
    """Build the database from data/cities.sql (what `sqlite3 test.db` and `.read cities.sql` did)."""
    count = init_db()
    click.echo(f"Built {db.engine.url.render_as_string()} from data/cities.sql: {count} cities.")


def _tune_sqlite(dbapi_connection, connection_record):
    """Let SQLite connections of many threads share one file without 'database is locked'."""
    cursor = dbapi_connection.cursor()
    # Writers still take turns; one that finds the file busy waits up to 30 s, not 5.
    cursor.execute("PRAGMA busy_timeout = 30000")
    # Write-ahead logging: readers never wait for a writer, nor a writer for readers.
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.close()


def init_app(app):
    """Attach ``db`` to the app, add ``flask init-db``, and build a missing database on first use."""
    db.init_app(app)
    app.cli.add_command(init_db_command)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _tune_sqlite)
        # The engine's pool keeps connections open; close them when the app is gone rather than
        # leave them to the garbage collector (a leak, and a ResourceWarning since Python 3.13).
        weakref.finalize(app, db.engine.dispose)

    built = threading.Event()
    lock = threading.Lock()  # the threaded server may send the first requests all at once

    @app.before_request
    def build_on_first_use():
        """Build the database from data/cities.sql before the first request if it has no table."""
        if built.is_set():
            return
        with lock:
            # "Missing or empty" means no cities table: a table whose rows were all deleted
            # is the user's data, and a restart must not bring the eight cities back.
            if not built.is_set() and not has_cities_table():
                init_db()
            built.set()
