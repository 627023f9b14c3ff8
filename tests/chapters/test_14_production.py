"""Chapter 14: the cities API in production: settings from the environment, PostgreSQL, waitress, gunicorn."""

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
from werkzeug.middleware.proxy_fix import ProxyFix

from tests.helpers.support import MISSING, TUTORIAL, factory_placeholder, from_notebook, run_check
from tourapp.chapters import postgres, processes, production
from tourapp.chapters.db import db, init_db
from tourapp.chapters.paths import ROOT

FACTORY = "tourapp.chapters.production:create_app"


@pytest.fixture
def sqlite_app(tmp_path):
    """Create the production app on a SQLite database of its own."""
    return production.create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/cities.db"})


@pytest.fixture
def pg_app(postgres_url):
    """Create the production app on a fresh PostgreSQL database, built from data/cities.sql."""
    app = production.create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": postgres_url})
    with app.app_context():
        assert init_db() == 8
    yield app
    with app.app_context():
        db.engine.dispose()  # close the pool, so that nothing holds the test's database


def pg_rows(url):
    """Read the cities table straight from PostgreSQL, bypassing the app."""
    with psycopg.connect(make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)) as conn:
        return [
            dict(zip(("id", "name", "population"), row, strict=True))
            for row in conn.execute("SELECT id, name, population FROM cities ORDER BY id")
        ]


def group_alive(pid):
    """Tell whether any process of the process group ``pid`` is still alive."""
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return False
    return True


# Settings from the environment


@pytest.mark.parametrize(
    ("url", "says"),
    [
        # test that a wrong DATABASE_URL is refused with a sentence naming the variable and the accepted forms
        ("postgres://tour:secret@db.example.org/cities", "starts with postgres://"),
        ("postgresql://tour@db.example.org/cities", "starts with postgresql://"),
        ("postgresql+psycopg2://tour@db.example.org/cities", "starts with postgresql+psycopg2://"),
        ("mysql://tour@db.example.org/cities", "names the database 'mysql'"),
        ("cities.db", "is not a database URL: 'cities.db'"),
        ("", "is not a database URL: ''"),
    ],
)
def test_a_wrong_database_url_is_a_clear_error(monkeypatch, url, says):
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(production.ConfigError) as error:
        production.create_app()
    message = str(error.value)
    assert message.startswith("DATABASE_URL ") and says in message
    assert "postgresql+psycopg://USER:PASSWORD@HOST:PORT/DATABASE or sqlite:///PATH" in message
    assert "secret" not in message  # a password never lands in a log


def test_the_postgres_trap_names_its_fix():
    with pytest.raises(
        production.ConfigError, match=r"here: postgresql\+psycopg://tour:\*\*\*@db\.example\.org:5432/cities$"
    ):
        production.database_url("postgres://tour:pw@db.example.org:5432/cities")


@pytest.mark.parametrize(
    ("argv", "status"),
    [
        (["flask", "--app", "tourapp.chapters.production", "routes"], 1),
        (["waitress", "--listen=127.0.0.1:0", "--call", FACTORY], 1),
        # gunicorn: the worker exits with "app failed to load" (4), and the master stops too (4)
        (["gunicorn", "--no-control-socket", "--bind", "127.0.0.1:0", f"{FACTORY}()"], 4),
    ],
    ids=["flask", "waitress", "gunicorn"],
)
def test_a_wrong_database_url_stops_the_command_without_a_traceback(argv, status):
    # test the real command lines: the sentence on stderr, a failing status, no traceback wall
    done = subprocess.run(
        [sys.executable, "-m", *argv],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": "postgres://tour@localhost/cities"},
    )
    assert done.returncode == status
    assert "DATABASE_URL starts with postgres://" in done.stderr
    assert "Traceback" not in done.stderr


def test_production_settings(sqlite_app, monkeypatch):
    assert sqlite_app.debug is False
    assert sqlite_app.config["SESSION_COOKIE_SECURE"] and sqlite_app.config["SESSION_COOKIE_HTTPONLY"]
    assert sqlite_app.config["MAX_CONTENT_LENGTH"] == sqlite_app.config["MAX_FORM_MEMORY_SIZE"] == 16 * 1024
    # test that FLASK_DEBUG cannot switch the debugger on in production
    monkeypatch.setenv("FLASK_DEBUG", "1")
    assert production.create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).debug is False


def test_secret_key_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("SECRET_KEY_FALLBACKS", "old-1,old-2")
    app = production.create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.secret_key == "from-the-environment"
    assert app.config["SECRET_KEY_FALLBACKS"] == ["old-1", "old-2"]


def test_without_secret_key_a_random_one_and_a_warning(monkeypatch, caplog):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    one = production.create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    two = production.create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert len(one.secret_key) == 64 and one.secret_key != two.secret_key
    assert "SECRET_KEY is not set" in caplog.text


def visits_cookie(client):
    """Return the session cookie's value the last response set."""
    return client.get_cookie("session").value


def test_session_cookie_is_secure_and_survives_key_rotation(tmp_path):
    database = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/c.db"}
    old = production.create_app({**database, "SECRET_KEY": "old"})
    client = old.test_client()
    response = client.get("/visits")
    assert response.get_json() == {"visits": 1}
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    signed_with_old = visits_cookie(client)
    # test that after rotating the key, a cookie signed with the old one still counts (a fallback)
    rotated = production.create_app({**database, "SECRET_KEY": "new", "SECRET_KEY_FALLBACKS": ["old"]}).test_client()
    rotated.set_cookie("session", signed_with_old)
    assert rotated.get("/visits").get_json() == {"visits": 2}
    # test that without the fallback, the old cookie is worthless: the count starts again
    forgotten = production.create_app({**database, "SECRET_KEY": "new"}).test_client()
    forgotten.set_cookie("session", signed_with_old)
    assert forgotten.get("/visits").get_json() == {"visits": 1}


@pytest.mark.parametrize(
    ("headers", "seen"),
    [
        # test that ProxyFix believes one proxy: the last X-Forwarded-For value, its scheme, host, prefix
        ({}, {"remote_addr": "127.0.0.1", "scheme": "http", "url_root": "http://localhost/"}),
        (
            {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "cities.example.org"},
            {
                "remote_addr": "203.0.113.7",
                "scheme": "https",
                "host": "cities.example.org",
                "url_root": "https://cities.example.org/",
            },
        ),
        # test that a client's own X-Forwarded-For, sent before the proxy's, is not believed
        ({"X-Forwarded-For": "6.6.6.6, 203.0.113.7"}, {"remote_addr": "203.0.113.7"}),
        (
            {"X-Forwarded-Prefix": "/tour", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "example.org"},
            {"url_root": "https://example.org/tour/"},
        ),
    ],
)
def test_proxy_fix_trusts_one_proxy(sqlite_app, headers, seen):
    body = sqlite_app.test_client().get("/request-info", headers=headers).get_json()
    assert seen.items() <= body.items()


def test_trusted_hosts(monkeypatch, tmp_path):
    monkeypatch.setenv("TRUSTED_HOSTS", "cities.example.org,127.0.0.1")
    client = production.create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/c.db"}).test_client()
    assert client.get("/cities/1", headers={"Host": "cities.example.org"}).status_code == 200
    refused = client.get("/cities/1", headers={"Host": "evil.example.com"})
    assert refused.status_code == 400
    assert refused.get_json()["name"] == "Bad Request"


def test_a_body_over_max_content_length_is_a_413(sqlite_app, tmp_path):
    client = sqlite_app.test_client()
    response = client.post("/cities", json={"name": "x" * 20_000, "population": 1})
    assert response.status_code == 413
    assert response.get_json()["name"] == "Request Entity Too Large"
    assert len(client.get("/cities").get_json()["cities"]) == 8


# PostgreSQL


def test_postgresql_serves_the_tutorial_cities(live, pg_app, postgres_url):
    url = live(pg_app)
    assert requests.get(f"{url}/cities", timeout=10).json() == {"cities": TUTORIAL}
    created = requests.post(f"{url}/cities", json={"name": "Košice", "population": 229000}, timeout=10)
    assert created.status_code == 201 and created.json()["id"] == 9
    assert requests.delete(f"{url}/cities/3", timeout=10).status_code == 204
    assert pg_rows(postgres_url) == [c for c in TUTORIAL if c["id"] != 3] + [
        {"id": 9, "name": "Košice", "population": 229000}
    ]


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
    created = client.post("/cities", json={"name": name, "population": 1})
    assert created.status_code == 201
    assert pg_rows(postgres_url)[-1] == {"id": 9, "name": name, "population": 1}
    assert len(pg_rows(postgres_url)) == 9


def test_postgresql_stopped_while_the_app_runs(postgres_cluster, live):
    # test that a stopped database is a 503 in JSON, that nothing written is lost, and that the
    # app recovers by itself once the database is back
    database = postgres_cluster.create_database()
    app = production.create_app({"SQLALCHEMY_DATABASE_URI": database})
    url = live(app)
    assert requests.post(f"{url}/cities", json={"name": "Oslo", "population": 709000}, timeout=10).status_code == 201
    postgres_cluster.stop(remove=False)
    try:
        for method, path, body in [
            ("GET", "/cities", None),
            ("GET", "/cities/1", None),
            ("POST", "/cities", {"name": "Lost", "population": 1}),
        ]:
            response = requests.request(method, f"{url}{path}", json=body, timeout=30)
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
    assert requests.post(f"{url}/cities", json={"name": "Bergen", "population": 285000}, timeout=10).status_code == 201
    with app.app_context():
        db.engine.dispose()


def test_init_db_on_postgresql_rebuilds_through_the_model(pg_app, postgres_url):
    pg_app.test_client().post("/cities", json={"name": "Oslo", "population": 709000})
    with pg_app.app_context():
        assert init_db() == 8
    assert pg_rows(postgres_url) == TUTORIAL
    # test that the ids go on from 9 after a rebuild: the sequence starts over with the table
    assert pg_app.test_client().post("/cities", json={"name": "Oslo", "population": 709000}).get_json()["id"] == 9


# Migrations


def flask_db(postgres_url, folder, *args, country=False):
    """Run ``flask db …`` on the migrations app against ``postgres_url``; return its output."""
    app = f"{production.__name__}:migrations_app(country={country})"
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", app, "db", *args, "--directory", str(folder)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=folder.parent,
        env={**os.environ, "DATABASE_URL": postgres_url, "SECRET_KEY": "test"},
    )
    assert done.returncode == 0, done.stderr
    return done.stdout + done.stderr


def columns(url):
    """Name the columns of the cities table, in order."""
    with psycopg.connect(make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)) as conn:
        return [
            row[0]
            for row in conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'cities' ORDER BY "
                "ordinal_position"
            )
        ]


@pytest.mark.slow  # seven `flask db` commands; the notebook runs the same steps in every `make test`
def test_flask_db_builds_the_table_then_adds_and_removes_a_country_column(postgres_url, tmp_path):
    folder = tmp_path / "migrations"
    assert "Creating directory" in flask_db(postgres_url, folder, "init")
    first = flask_db(postgres_url, folder, "migrate", "-m", "cities", "--rev-id", "0001")
    assert "Detected added table 'cities'" in first
    assert "Running upgrade  -> 0001, cities" in flask_db(postgres_url, folder, "upgrade")
    app = production.create_app({"SQLALCHEMY_DATABASE_URI": postgres_url})
    with app.app_context():
        assert init_db() == 8
    out = flask_db(postgres_url, folder, "migrate", "-m", "add country", "--rev-id", "0002", country=True)
    assert "Detected added column 'cities.country'" in out
    assert (folder / "versions" / "0002_add_country.py").exists()
    assert "Running upgrade 0001 -> 0002, add country" in flask_db(postgres_url, folder, "upgrade", country=True)
    assert columns(postgres_url) == ["id", "name", "population", "country"]
    assert pg_rows(postgres_url) == TUTORIAL  # test that the rows survive the migration
    # test that the running app, whose model has no country, keeps working on the new table
    assert app.test_client().post("/cities", json={"name": "Oslo", "population": 709000}).status_code == 201
    assert "Running downgrade 0002 -> 0001" in flask_db(postgres_url, folder, "downgrade", country=True)
    assert columns(postgres_url) == ["id", "name", "population"]
    assert len(pg_rows(postgres_url)) == 9
    assert not (ROOT / "migrations").exists()
    with app.app_context():
        db.engine.dispose()


# Production servers in subprocesses


@pytest.mark.parametrize("start", [processes.waitress, processes.gunicorn], ids=["waitress", "gunicorn"])
def test_server_process_answers_and_stops_with_nothing_left(start, postgres_url, pg_app):
    env = {"DATABASE_URL": postgres_url, "SECRET_KEY": "test"}
    server = start(FACTORY, env=env, ready_path="/cities")
    assert server.url.startswith("http://127.0.0.1:")
    assert requests.get(f"{server.url}/cities/6", timeout=10).json() == TUTORIAL[5]
    # test that starting it again (a re-run cell) stops the first one, and the second one answers
    again = start(FACTORY, env=env, ready_path="/cities")
    assert not group_alive(server.pid)
    assert requests.get(f"{again.url}/cities/1", timeout=10).status_code == 200
    again.stop()
    assert not group_alive(again.pid) and not again.running
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{again.url}/cities/1", timeout=5)


def test_gunicorn_logs_in_its_own_format(postgres_url, pg_app):
    with processes.gunicorn(
        FACTORY, workers=1, env={"DATABASE_URL": postgres_url, "SECRET_KEY": "x"}, ready_path="/cities"
    ) as server:
        requests.post(f"{server.url}/cities", json={"name": "Oslo", "population": 709000}, timeout=10)
        requests.post(f"{server.url}/cities", json={"name": "", "population": 1}, timeout=10)
    lines = [line for line in server.log().splitlines() if "POST /cities" in line]
    assert [line.split("] ", 3)[-1] for line in lines] == ["POST /cities -> 201", "POST /cities -> 400"]
    assert all(line.startswith("[") and "[INFO]" in line for line in lines)


def test_a_server_that_cannot_start_says_why():
    with pytest.raises(
        RuntimeError, match=r"(?s)waitress exited with status 1:.*DATABASE_URL names the database 'mysql'"
    ):
        processes.waitress(FACTORY, env={"DATABASE_URL": "mysql://x/y"})


@pytest.mark.slow
def test_gunicorn_workers_lose_no_concurrent_writes(postgres_url, pg_app):
    # test that 3 worker processes x 8 client threads x 25 POSTs all land, each exactly once
    threads, per_thread = 8, 25
    created, failures = [], []
    with processes.gunicorn(
        FACTORY, workers=3, env={"DATABASE_URL": postgres_url, "SECRET_KEY": "x"}, ready_path="/cities"
    ) as server:
        start = threading.Barrier(threads)

        def post(worker):
            with requests.Session() as http:
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
    with psycopg.connect(make_url(cluster.url).set(drivername="postgresql").render_as_string()) as conn:
        assert conn.execute("SELECT current_database()").fetchone() == ("cities",)
    cluster.stop()
    assert not cluster.folder.exists()
    assert not running(pid)


def running(pid):
    """Tell whether a process is alive: a zombie that no parent has reaped yet is not."""
    try:
        return pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


# "Try it": the checks of tourapp/classroom/exercises/production.py, against right and typical wrong answers.


def solution(name):
    """Return a builder of the notebook's function ``name``, solution included."""
    return lambda fresh_database: from_notebook("notebooks/14-production.ipynb", name, fresh_database=fresh_database)


def built(view=None, config=None, x_for=None):
    """Return a builder of a factory: the production app on a fresh database, with /health, settings or a ProxyFix."""

    def build(fresh_database):
        def factory():
            app = production.create_app({"SQLALCHEMY_DATABASE_URI": fresh_database(), **(config or {})})
            if view:
                app.add_url_rule("/health", view_func=view)
            if x_for is not None:
                app.wsgi_app = ProxyFix(app.wsgi_app.app, x_for=x_for, x_proto=1, x_host=1, x_prefix=1)
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


@pytest.mark.parametrize(
    ("exercise", "build", "status", "says"),
    [
        # test that the notebook's solutions pass, and so do the same answers written here
        ("14.1", solution("health_app"), "passed", "GET /health asks the database"),
        ("14.2", solution("two_proxies_app"), "passed", "reports the client's address"),
        ("14.3", solution("small_body_app"), "passed", "refuses a body over 1 KiB"),
        ("14.1", built(health_right), "passed", "SELECT 1"),
        ("14.2", built(x_for=2), "passed", "client's address"),
        ("14.3", built(config={"MAX_CONTENT_LENGTH": 1024}), "passed", "413"),
        # test that typical wrong answers fail with a hint that names the mistake
        ("14.1", built(health_without_asking), "failed", "answered ok without asking the database. Hint:"),
        ("14.1", built(health_wrong_body), "failed", "answered with Content-Type text/html, expected application/json"),
        ("14.1", built(), "failed", "GET /health answered 404 NOT FOUND, expected 200 OK"),
        (
            "14.2",
            built(),
            "failed",
            "remote_addr was 10.0.0.2, the load balancer. Hint: two proxies each add one address",
        ),
        ("14.2", built(x_for=3), "failed", "ProxyFix trusts more values than the two proxies send"),
        (
            "14.3",
            built(),
            "failed",
            "answered 400 BAD REQUEST, expected 413 REQUEST ENTITY TOO LARGE. Hint: set MAX_CONTENT_LENGTH to 1024",
        ),
        ("14.3", built(config={"MAX_CONTENT_LENGTH": 10}), "failed", "keep the limit at 1024, not lower"),
        # test that an exercise not started yet is "not done", and the workbook's database is refused
        ("14.1", lambda fresh_database: MISSING, "not done", "not done yet: `health_app` is not defined"),
        ("14.3", lambda fresh_database: factory_placeholder, "not done", "still raises NotImplementedError"),
        (
            "14.3",
            lambda fresh_database: lambda: production.create_app({"SQLALCHEMY_DATABASE_URI": "sqlite:///cities.db"}),
            "failed",
            "a database inside the workbook",
        ),
    ],
)
def test_try_it_checks(fresh_database, exercise, build, status, says):
    result = run_check(exercise, build(fresh_database))
    assert (result.exercise, result.status) == (exercise, status), result.message
    assert says in result.message


ORPHANS = """
import os
from tourapp.chapters import postgres, processes
cluster = postgres.start()
env = {"DATABASE_URL": cluster.url, "SECRET_KEY": "x"}
waitress = processes.waitress("tourapp.chapters.production:create_app", env=env)
gunicorn = processes.gunicorn("tourapp.chapters.production:create_app", workers=2, env=env)
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
    database, waitress, gunicorn, folder = done.stdout.split()
    deadline = time.monotonic() + 30
    while any(running(int(pid)) for pid in (database, waitress, gunicorn)) or group_alive(int(gunicorn)):
        assert time.monotonic() < deadline, "a server outlived the process that started it"
        time.sleep(0.1)
    shutil.rmtree(folder, ignore_errors=True)  # its files stay: nobody was left to delete them
