"""Chapter 15: the cities API on PostgreSQL: URLs, a stopped database, workers writing at once, migrations."""

import os
import pathlib
import shutil
import subprocess
import sys
import threading
import time

import psycopg
import pytest
import requests
from sqlalchemy.engine import make_url

from tests.helpers.serving import AUTH, KEY, TOKEN
from tests.helpers.support import MISSING, TUTORIAL, from_notebook, group_alive, try_it_test_on_fresh_databases
from tourapp.chapters import database, postgres, processes
from tourapp.chapters.db import db, init_db, seed_db
from tourapp.chapters.paths import ROOT

FACTORY = "tourapp.chapters.database:create_app"
pytestmark = pytest.mark.usefixtures("serving_environment")  # the key, the token, no other FLASK_… setting


@pytest.fixture
def pg_app(postgres_url):
    """Create the app on a fresh PostgreSQL database, built from data/cities.sql."""
    app = database.create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": postgres_url})
    with app.app_context():
        assert init_db() == 8
    yield app
    with app.app_context():
        db.engine.dispose()  # close the pool, so that nothing holds the test's database


def plain(url):
    """Return ``url`` as a plain ``postgresql://`` URL, the form psycopg and hosting services use."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def pg(url, query):
    """Run ``query`` straight on PostgreSQL, bypassing the app; return its rows."""
    with psycopg.connect(plain(url)) as conn:
        return conn.execute(query).fetchall()


def pg_rows(url):
    """Read the cities table straight from PostgreSQL."""
    rows = pg(url, "SELECT id, name, population FROM cities ORDER BY id")
    return [dict(zip(("id", "name", "population"), row, strict=True)) for row in rows]


def test_a_plain_postgresql_url_serves_the_tutorial_cities(live, postgres_url):
    # test that DATABASE_URL=postgresql://… (no +psycopg) reaches PostgreSQL through psycopg 3
    app = database.create_app({"SQLALCHEMY_DATABASE_URI": plain(postgres_url)})
    with app.app_context():
        assert db.engine.dialect.driver == "psycopg"
        assert init_db() == 8
    url = live(app)
    assert requests.get(f"{url}/cities", timeout=10).json() == {"cities": TUTORIAL}
    created = requests.post(f"{url}/cities", json={"name": "Košice", "population": 229000}, headers=AUTH, timeout=10)
    assert created.status_code == 201 and created.json()["id"] == 9
    assert requests.delete(f"{url}/cities/3", headers=AUTH, timeout=10).status_code == 204
    assert pg_rows(postgres_url) == [c for c in TUTORIAL if c["id"] != 3] + [
        {"id": 9, "name": "Košice", "population": 229000}
    ]
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize(
    "name",
    [
        # test that SQL-looking names are data on PostgreSQL too
        "Robert'); DROP TABLE cities;--",
        "1 OR 1=1",
        "$$; DROP TABLE cities; $$",
        "E'\\x00'",
        "%; \\ _ ` --",
        "Zürich 🏔",
    ],
)
def test_sql_looking_names_are_stored_verbatim_on_postgresql(pg_app, postgres_url, name):
    client = pg_app.test_client()
    created = client.post("/cities", json={"name": name, "population": 1}, headers=AUTH)
    assert created.status_code == 201
    assert pg_rows(postgres_url)[-1] == {"id": 9, "name": name, "population": 1}
    assert len(pg_rows(postgres_url)) == 9


def test_postgresql_stopped_while_the_app_runs(postgres_cluster, live):
    # test that a stopped database is a 503 in JSON, that nothing written is lost, and that the
    # app recovers by itself once the database is back
    url_of_database = postgres_cluster.create_database()
    app = database.create_app({"SQLALCHEMY_DATABASE_URI": url_of_database})
    with app.app_context():
        init_db()
    url = live(app)
    assert (
        requests.post(
            f"{url}/cities", json={"name": "Oslo", "population": 709000}, headers=AUTH, timeout=10
        ).status_code
        == 201
    )
    postgres_cluster.stop(remove=False)
    try:
        for method, path, body in [
            ("GET", "/cities", None),
            ("GET", "/cities/1", None),
            ("POST", "/cities", {"name": "Lost", "population": 1}),
        ]:
            response = requests.request(method, f"{url}{path}", json=body, headers=AUTH, timeout=30)
            assert response.status_code == 503
            assert response.json() == {
                "code": 503,
                "name": "Service Unavailable",
                "description": "the database is not answering; try again in a moment",
            }
            assert response.headers["Retry-After"] == "5"
    finally:
        postgres_cluster.start()
    cities = requests.get(f"{url}/cities", timeout=10).json()["cities"]
    assert cities == TUTORIAL + [{"id": 9, "name": "Oslo", "population": 709000}]
    assert (
        requests.post(
            f"{url}/cities", json={"name": "Bergen", "population": 285000}, headers=AUTH, timeout=10
        ).status_code
        == 201
    )
    with app.app_context():
        db.engine.dispose()


def test_init_db_on_postgresql_rebuilds_through_the_model(pg_app, postgres_url):
    pg_app.test_client().post("/cities", json={"name": "Oslo", "population": 709000}, headers=AUTH)
    with pg_app.app_context():
        assert init_db() == 8
    assert pg_rows(postgres_url) == TUTORIAL
    # test that the ids go on from 9 after a rebuild: the sequence starts over with the table
    assert (
        pg_app.test_client().post("/cities", json={"name": "Oslo", "population": 709000}, headers=AUTH).get_json()["id"]
        == 9
    )


# Migrations


def flask_db(postgres_url, folder, *args, country=False):
    """Run ``flask db …`` on the migrations app against ``postgres_url``; return its output."""
    app = f"{database.__name__}:migrations_app(country={country})"
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", app, "db", *args, "--directory", str(folder)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=folder.parent,
        env={**os.environ, "DATABASE_URL": postgres_url, "FLASK_SECRET_KEY": KEY},
    )
    assert done.returncode == 0, done.stderr
    return done.stdout + done.stderr


def columns(url):
    """Describe the columns of the cities table, in order: name, type, nullable."""
    return pg(
        url,
        "SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_name = 'cities' "
        "ORDER BY ordinal_position",
    )


def table_oid(url):
    """Return the cities table's object id: a table dropped and created again gets a new one."""
    return pg(url, "SELECT 'cities'::regclass::oid")[0][0]


def migrated(postgres_url, folder):
    """Run ``flask db init``, ``migrate`` and ``upgrade``: the first migration builds the table."""
    assert "Creating directory" in flask_db(postgres_url, folder, "init")
    first = flask_db(postgres_url, folder, "migrate", "-m", "cities", "--rev-id", "0001")
    assert "Detected added table 'cities'" in first
    assert "Running upgrade  -> 0001, cities" in flask_db(postgres_url, folder, "upgrade")


@pytest.mark.slow
def test_seeding_a_migrated_table_leaves_the_schema_to_the_migrations(postgres_url, tmp_path):
    migrated(postgres_url, tmp_path / "migrations")
    schema, oid = columns(postgres_url), table_oid(postgres_url)
    assert pg(postgres_url, "SELECT version_num FROM alembic_version") == [("0001",)]
    app = database.create_app({"SQLALCHEMY_DATABASE_URI": postgres_url})
    with app.app_context():
        assert seed_db() == 8
        assert seed_db() == 8  # test that seeding again adds nothing
    with app.app_context():
        db.engine.dispose()  # in a context of its own: the one above gave its connection back as it ended
    # test that the rows went into the table the migration built: same table, same columns, same revision
    assert pg_rows(postgres_url) == TUTORIAL
    assert (columns(postgres_url), table_oid(postgres_url)) == (schema, oid)
    assert pg(postgres_url, "SELECT version_num FROM alembic_version") == [("0001",)]
    assert "0001 (head)" in flask_db(postgres_url, tmp_path / "migrations", "current")


@pytest.mark.slow
def test_init_db_would_have_bypassed_the_migrations(postgres_url, tmp_path):
    # test the reason seed_db exists: init_db drops and builds the table itself, a new table behind Alembic's back
    migrated(postgres_url, tmp_path / "migrations")
    oid = table_oid(postgres_url)
    app = database.create_app({"SQLALCHEMY_DATABASE_URI": postgres_url})
    with app.app_context():
        assert init_db() == 8
    with app.app_context():
        db.engine.dispose()
    assert table_oid(postgres_url) != oid


@pytest.mark.slow  # seven `flask db` commands; the notebook runs the same steps in every `make test`
def test_flask_db_builds_the_table_then_adds_and_removes_a_country_column(postgres_url, tmp_path):
    folder = tmp_path / "migrations"
    migrated(postgres_url, folder)
    app = database.create_app({"SQLALCHEMY_DATABASE_URI": postgres_url})
    with app.app_context():
        assert seed_db() == 8
    out = flask_db(postgres_url, folder, "migrate", "-m", "add country", "--rev-id", "0002", country=True)
    assert "Detected added column 'cities.country'" in out
    assert (folder / "versions" / "0002_add_country.py").exists()
    assert "Running upgrade 0001 -> 0002, add country" in flask_db(postgres_url, folder, "upgrade", country=True)
    assert [c[0] for c in columns(postgres_url)] == ["id", "name", "population", "country"]
    assert pg_rows(postgres_url) == TUTORIAL  # test that the rows survive the migration
    # test that the running app, whose model has no country, keeps working on the new table
    assert (
        app.test_client().post("/cities", json={"name": "Oslo", "population": 709000}, headers=AUTH).status_code == 201
    )
    assert "Running downgrade 0002 -> 0001" in flask_db(postgres_url, folder, "downgrade", country=True)
    assert [c[0] for c in columns(postgres_url)] == ["id", "name", "population"]
    assert len(pg_rows(postgres_url)) == 9
    assert not (ROOT / "migrations").exists()
    with app.app_context():
        db.engine.dispose()


# Production servers on PostgreSQL


def test_gunicorn_on_postgresql_answers(postgres_url, pg_app):
    env = {"DATABASE_URL": plain(postgres_url), "FLASK_SECRET_KEY": KEY}
    with processes.gunicorn(FACTORY, workers=2, env=env, ready_path="/cities") as server:
        assert requests.get(f"{server.url}/cities/6", timeout=10).json() == TUTORIAL[5]


@pytest.mark.slow
def test_gunicorn_workers_lose_no_concurrent_writes(postgres_url, pg_app):
    # test that 3 worker processes x 8 client threads x 25 POSTs all land, each exactly once
    threads, per_thread = 8, 25
    created, failures = [], []
    env = {"DATABASE_URL": postgres_url, "FLASK_SECRET_KEY": KEY, "FLASK_API_TOKEN": TOKEN}
    with processes.gunicorn(FACTORY, workers=3, env=env, ready_path="/cities") as server:
        start = threading.Barrier(threads)

        def post(worker):
            with requests.Session() as http:
                http.headers.update(AUTH)
                start.wait()
                for i in range(per_thread):
                    r = http.post(f"{server.url}/cities", json={"name": f"w{worker}-{i}", "population": i}, timeout=60)
                    (created if r.status_code == 201 else failures).append(r.json() if r.status_code == 201 else r.text)

        pool = [threading.Thread(target=post, args=(n,)) for n in range(threads)]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
        log = server.log()
    assert failures == []
    assert len(created) == threads * per_thread
    rows = pg_rows(postgres_url)
    assert len(rows) == 8 + threads * per_thread
    assert sorted(c["id"] for c in created) == [r["id"] for r in rows[8:]]  # every id reported is in the table
    assert {r["name"] for r in rows[8:]} == {f"w{w}-{i}" for w in range(threads) for i in range(per_thread)}
    assert (
        len({line.split("]")[1] for line in log.splitlines() if "POST /cities -> 201" in line}) > 1
    )  # several workers wrote


def test_private_postgresql_cluster_stops_and_leaves_nothing():
    if not postgres.available():
        pytest.skip("PostgreSQL is not installed")
    cluster = postgres.start()
    pid = int((cluster.folder / "data" / "postmaster.pid").read_text().split()[0])
    assert pg(cluster.url, "SELECT current_database()") == [("cities",)]
    cluster.stop()
    assert not cluster.folder.exists()
    assert not running(pid)


def running(pid):
    """Tell whether a process is alive: a zombie that no parent has reaped yet is not."""
    try:
        return pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


ORPHANS = """
import os
from tourapp.chapters import postgres, processes
cluster = postgres.start()
env = {"DATABASE_URL": cluster.url, "FLASK_SECRET_KEY": "x"}
waitress = processes.waitress("tourapp.chapters.database:create_app", env=env)
gunicorn = processes.gunicorn("tourapp.chapters.database:create_app", workers=2, env=env)
database = int((cluster.folder / "data" / "postmaster.pid").read_text().split()[0])
print(database, waitress.pid, gunicorn.pid, cluster.folder, flush=True)
os.kill(os.getpid(), 9)
"""


@pytest.mark.slow
def test_a_killed_kernel_leaves_no_server_behind(tmp_path):
    # test that a process killed before its clean-up (a kernel killed with its notebook running)
    # takes PostgreSQL, waitress and gunicorn with it: they get a signal when their parent dies
    if not postgres.available():
        pytest.skip("PostgreSQL is not installed")
    done = subprocess.run([sys.executable, "-c", ORPHANS], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == -9, done.stderr
    database_pid, waitress, gunicorn, folder = done.stdout.split()
    deadline = time.monotonic() + 30
    while any(running(int(pid)) for pid in (database_pid, waitress, gunicorn)) or group_alive(int(gunicorn)):
        assert time.monotonic() < deadline, "a server outlived the process that started it"
        time.sleep(0.1)
    shutil.rmtree(folder, ignore_errors=True)  # its files stay: nobody was left to delete them


# "Try it": the checks of tourapp/classroom/exercises/database.py, against right and typical wrong answers.


def solution(name):
    """Return a builder of the notebook's function ``name``, solution included."""
    return lambda fresh_database: from_notebook(
        "notebooks/15-database-server.ipynb", name, fresh_database=fresh_database
    )


def built(rule=None, view=None):
    """Return a builder of a factory: the app on a fresh database, with ``view`` answering ``rule``."""

    def build(fresh_database):
        def factory():
            app = database.create_app({"SQLALCHEMY_DATABASE_URI": fresh_database()})
            if view:
                app.add_url_rule(rule, view_func=view)
            return app

        return factory

    return build


def health_right():
    db.session.execute(db.text("SELECT 1"))
    return {"status": "ok"}


def health_without_asking():
    return {"status": "ok"}


def health_wrong_body():
    db.session.execute(db.text("SELECT 1"))
    return "ok"


def revision_right():
    return {"revision": db.session.execute(db.text("SELECT version_num FROM alembic_version")).scalar_one()}


def revision_fixed():
    return {"revision": "0001"}


test_try_it_checks = try_it_test_on_fresh_databases(
    [
        # test that the notebook's solutions pass, and so do the same answers written here
        ("15.1", solution("health_app"), "passed", "GET /health asks the database"),
        ("15.2", solution("revision_app"), "passed", "the migration the database is at"),
        ("15.1", built("/health", health_right), "passed", "SELECT 1"),
        ("15.2", built("/revision", revision_right), "passed", "as Alembic recorded it"),
        # test that typical wrong answers fail with a hint that names the mistake
        ("15.1", built("/health", health_without_asking), "failed", "answered ok without asking the database. Hint:"),
        (
            "15.1",
            built("/health", health_wrong_body),
            "failed",
            "answered with Content-Type text/html, expected application/json",
        ),
        ("15.1", built(), "failed", "GET /health answered 404 NOT FOUND, expected 200 OK"),
        ("15.2", built(), "failed", "GET /revision answered 404 NOT FOUND, expected 200 OK"),
        ("15.2", built("/revision", revision_fixed), "failed", "read it from the database on each request"),
        # test that an exercise not started yet is "not done", and the workbook's database is refused
        ("15.1", lambda fresh_database: MISSING, "not done", "not done yet: `health_app` is not defined"),
        (
            "15.2",
            lambda fresh_database: lambda: database.create_app({"SQLALCHEMY_DATABASE_URI": "sqlite:///cities.db"}),
            "failed",
            "a database inside the workbook",
        ),
    ],
)
