"""Chapter 14: serving the cities API: settings from the environment, waitress, gunicorn, a proxy."""

import os
import socket
import subprocess
import sys

import pytest
import requests
import sqlalchemy
from werkzeug.middleware.proxy_fix import ProxyFix

from tests.helpers.serving import AUTH, KEY, TOKEN
from tests.helpers.support import (
    MISSING,
    TUTORIAL,
    factory_placeholder,
    from_notebook,
    group_alive,
    try_it_test_on_fresh_databases,
)
from tourapp.chapters import processes, serving
from tourapp.chapters.db import db, init_db
from tourapp.chapters.paths import ROOT

FACTORY = "tourapp.chapters.serving:create_app"
pytestmark = pytest.mark.usefixtures("serving_environment")  # the key, the token, no other FLASK_… setting


@pytest.fixture
def sqlite_url(tmp_path):
    """Name a SQLite database of the test's own, built from data/cities.sql."""
    url = f"sqlite:///{tmp_path}/cities.db"
    app = serving.create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        assert init_db() == 8
    with app.app_context():  # a context of its own: the one above gave its connection back as it ended
        db.engine.dispose()
    return url


@pytest.fixture
def sqlite_app(sqlite_url):
    """Create the app on a SQLite database of its own."""
    return serving.create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": sqlite_url})


def server_env(sqlite_url, **more):
    """Return the environment a server process gets: the test's database, key and token, and ``more``."""
    return {"DATABASE_URL": sqlite_url, "FLASK_SECRET_KEY": KEY, "FLASK_API_TOKEN": TOKEN, **more}


def without_flask_settings(**more):
    """Return this process's environment without any FLASK_… variable, plus ``more``."""
    return {**{k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}, **more}


# DATABASE_URL


@pytest.mark.parametrize(
    ("url", "says"),
    [
        # test that a wrong DATABASE_URL is refused with a sentence naming the variable and the accepted forms
        ("postgres://tour:secret@db.example.org/cities", "starts with postgres://, a name SQLAlchemy no longer knows"),
        ("postgresql+psycopg2://tour@db.example.org/cities", "the driver psycopg2, which is not installed"),
        ("mysql://tour@db.example.org/cities", "names the database 'mysql'"),
        ("cities.db", "is not a database URL: 'cities.db'"),
        ("", "is not a database URL: ''"),
    ],
)
def test_a_wrong_database_url_is_a_clear_error(monkeypatch, url, says):
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(serving.ConfigError) as error:
        serving.create_app()
    message = str(error.value)
    assert message.startswith("DATABASE_URL ") and says in message
    assert "postgresql://USER:PASSWORD@HOST:PORT/DATABASE or sqlite:///PATH" in message
    assert "secret" not in message  # a password never lands in a log


def test_the_postgres_trap_is_real_and_names_its_fix():
    # test the trap itself on the pinned SQLAlchemy: the name postgres is unknown
    with pytest.raises(sqlalchemy.exc.NoSuchModuleError, match="sqlalchemy.dialects:postgres$"):
        sqlalchemy.create_engine("postgres://tour@db.example.org/cities")
    with pytest.raises(serving.ConfigError, match=r"here: postgresql://tour:\*\*\*@db\.example\.org:5432/cities$"):
        serving.database_url("postgres://tour:pw@db.example.org:5432/cities")


@pytest.mark.parametrize(
    ("url", "used"),
    [
        # test that plain postgresql:// is accepted, and psycopg 3 named (SQLAlchemy 2.0 would pick psycopg2)
        ("postgresql://tour:pw@db.example.org:5432/cities", "postgresql+psycopg://tour:pw@db.example.org:5432/cities"),
        ("postgresql+psycopg://tour@db.example.org/cities", "postgresql+psycopg://tour@db.example.org/cities"),
        ("sqlite:////tmp/cities.db", "sqlite:////tmp/cities.db"),
    ],
)
def test_a_valid_database_url_is_accepted(monkeypatch, url, used):
    assert serving.database_url(url) == used
    monkeypatch.setenv("DATABASE_URL", url)
    app = serving.create_app()
    with app.app_context():
        assert db.engine.url.render_as_string(hide_password=False) == used
        assert db.engine.dialect.driver == ("psycopg" if url.startswith("postgresql") else "pysqlite")


@pytest.mark.skipif(sqlalchemy.__version__ < "2.1", reason="SQLAlchemy 2.0 picks psycopg2 for postgresql://")
def test_sqlalchemy_picks_psycopg_3_for_a_plain_postgresql_url():
    # test the fact the chapter states for the pinned SQLAlchemy: no +psycopg needed
    assert sqlalchemy.create_engine("postgresql://tour@db.example.org/cities").dialect.driver == "psycopg"


# FLASK_SECRET_KEY and the other FLASK_… settings


def test_without_flask_secret_key_the_app_refuses_to_start(monkeypatch):
    monkeypatch.delenv("FLASK_SECRET_KEY")
    with pytest.raises(serving.ConfigError, match=r"^FLASK_SECRET_KEY is not set: .*\(chapter 12\)"):
        serving.create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    # test that an empty value is no key either
    monkeypatch.setenv("FLASK_SECRET_KEY", "")
    with pytest.raises(serving.ConfigError, match="FLASK_SECRET_KEY is not set"):
        serving.create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_settings_come_from_flask_variables(monkeypatch):
    monkeypatch.setenv("FLASK_SECRET_KEY_FALLBACKS", '["old-1", "old-2"]')
    monkeypatch.setenv("FLASK_TRUSTED_HOSTS", '["cities.example.org"]')
    monkeypatch.setenv("FLASK_PROXIES", "1")
    app = serving.create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.secret_key == KEY and app.config["SECRET_KEY"] == KEY
    assert app.config["SECRET_KEY_FALLBACKS"] == ["old-1", "old-2"]
    assert app.config["TRUSTED_HOSTS"] == ["cities.example.org"] and app.config["PROXIES"] == 1
    assert isinstance(app.wsgi_app, ProxyFix)
    assert app.config["API_TOKEN"] == TOKEN
    # test that a key or a token made of digits stays text (from_prefixed_env reads values as JSON)
    monkeypatch.setenv("FLASK_SECRET_KEY", "1234567890")
    monkeypatch.setenv("FLASK_API_TOKEN", "0987654321")
    app = serving.create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.secret_key == "1234567890" and app.config["API_TOKEN"] == "0987654321"


def test_writes_need_the_token_from_the_environment(sqlite_app, sqlite_url, monkeypatch):
    client = sqlite_app.test_client()
    city = {"name": "Oslo", "population": 709000}
    response = client.post("/cities", json=city)
    assert response.status_code == 401 and response.headers["WWW-Authenticate"] == "Bearer"
    assert client.post("/cities", json=city, headers=AUTH).status_code == 201
    # test that without FLASK_API_TOKEN the app still starts, and takes no writes
    monkeypatch.delenv("FLASK_API_TOKEN")
    app = serving.create_app({"SQLALCHEMY_DATABASE_URI": sqlite_url})
    client = app.test_client()
    response = client.delete("/cities/9", headers=AUTH)
    assert response.status_code == 401 and "no API token set" in response.get_json()["description"]
    assert client.get("/cities/9").status_code == 200
    with app.app_context():
        db.engine.dispose()  # close them now: Python 3.13 warns of a connection left to the collector


@pytest.mark.parametrize("value", ["-1", "yes", "1.5", "true"])
def test_a_wrong_number_of_proxies_is_a_clear_error(monkeypatch, value):
    monkeypatch.setenv("FLASK_PROXIES", value)
    with pytest.raises(serving.ConfigError, match="^FLASK_PROXIES is .*: set it to the number of proxies"):
        serving.create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})


@pytest.mark.parametrize(
    ("argv", "status"),
    [
        (["flask", "--app", "tourapp.chapters.serving", "routes"], 1),
        (["waitress", "--listen=127.0.0.1:0", "--call", FACTORY], 1),
        # gunicorn: the worker exits with "app failed to load" (4), and the master stops too (4)
        (["gunicorn", "--no-control-socket", "--bind", "127.0.0.1:0", f"{FACTORY}()"], 4),
    ],
    ids=["flask", "waitress", "gunicorn"],
)
@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"FLASK_SECRET_KEY": KEY, "DATABASE_URL": "postgres://tour@localhost/cities"}, "DATABASE_URL starts with"),
        ({"DATABASE_URL": "sqlite://"}, "FLASK_SECRET_KEY is not set"),
    ],
    ids=["postgres-url", "no-key"],
)
def test_a_wrong_setting_stops_the_command_without_a_traceback(argv, status, env, says):
    # test the real command lines: the sentence on stderr, a failing status, no traceback wall
    done = subprocess.run(
        [sys.executable, "-m", *argv],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env=without_flask_settings(**env),
    )
    assert done.returncode == status
    assert says in done.stderr
    assert "Traceback" not in done.stderr


def test_production_settings(sqlite_app, monkeypatch):
    assert sqlite_app.debug is False
    assert sqlite_app.config["SESSION_COOKIE_SECURE"] and sqlite_app.config["SESSION_COOKIE_HTTPONLY"]
    assert sqlite_app.config["MAX_CONTENT_LENGTH"] == sqlite_app.config["MAX_FORM_MEMORY_SIZE"] == 16 * 1024
    # test that FLASK_DEBUG cannot switch the debugger on in production
    monkeypatch.setenv("FLASK_DEBUG", "1")
    assert serving.create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).debug is False


def test_session_cookie_is_secure_and_survives_key_rotation(sqlite_url):
    database = {"SQLALCHEMY_DATABASE_URI": sqlite_url}
    client = serving.create_app({**database, "SECRET_KEY": "old"}).test_client()
    response = client.get("/visits")
    assert response.get_json() == {"visits": 1}
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    signed_with_old = client.get_cookie("session").value
    # test that after rotating the key, a cookie signed with the old one still counts (a fallback)
    rotated = serving.create_app({**database, "SECRET_KEY": "new", "SECRET_KEY_FALLBACKS": ["old"]}).test_client()
    rotated.set_cookie("session", signed_with_old)
    assert rotated.get("/visits").get_json() == {"visits": 2}
    # test that without the fallback, the old cookie is worthless: the count starts again
    forgotten = serving.create_app({**database, "SECRET_KEY": "new"}).test_client()
    forgotten.set_cookie("session", signed_with_old)
    assert forgotten.get("/visits").get_json() == {"visits": 1}


FORGED = {
    "X-Forwarded-For": "6.6.6.6",
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "evil.example.com",
    "X-Forwarded-Prefix": "/evil",
}
# waitress passes on only the X-Forwarded-* headers of the proxy it is told to trust (and every -Prefix)
TRUST_THE_PROXY = ["--trusted-proxy=127.0.0.1", "--trusted-proxy-headers=x-forwarded-for x-forwarded-proto"]


@pytest.mark.parametrize(
    ("proxies", "headers", "seen"),
    [
        # test that an app reached directly (no PROXIES) believes no X-Forwarded-* header
        (
            0,
            FORGED,
            {"remote_addr": "127.0.0.1", "scheme": "http", "host": "localhost", "url_root": "http://localhost/"},
        ),
        # test that behind one proxy it believes the last value, the one the proxy added
        (
            1,
            {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "cities.example.org"},
            {
                "remote_addr": "203.0.113.7",
                "scheme": "https",
                "host": "cities.example.org",
                "url_root": "https://cities.example.org/",
            },
        ),
        # test that a client's own X-Forwarded-For, sent before the proxy's, is not believed
        (1, {"X-Forwarded-For": "6.6.6.6, 203.0.113.7"}, {"remote_addr": "203.0.113.7"}),
        (
            1,
            {"X-Forwarded-Prefix": "/tour", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "example.org"},
            {"url_root": "https://example.org/tour/"},
        ),
    ],
)
def test_forwarded_headers_are_believed_only_behind_configured_proxies(sqlite_url, proxies, headers, seen):
    app = serving.create_app({"SQLALCHEMY_DATABASE_URI": sqlite_url, "PROXIES": proxies})
    body = app.test_client().get("/request-info", headers=headers).get_json()
    assert seen.items() <= body.items()


def outside_address():
    """Return an address of this machine other than loopback, or None."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outgoing interface
        except OSError:
            return None
        address = sock.getsockname()[0]
    return None if address.startswith("127.") else address


def waitress(sqlite_url, options=(), **env):
    """Start chapter 14's app under waitress on the database at ``sqlite_url``, with ``env`` added."""
    return processes.waitress(FACTORY, env=server_env(sqlite_url, **env), ready_path="/cities", options=options)


def request_info(server, headers):
    """Ask the app behind ``server`` what it makes of a request sent with these headers."""
    return requests.get(f"{server.url}/request-info", headers=headers, timeout=10).json()


def seen_directly(server, prefix="/"):
    """Return what the app sees of a client on this machine that reaches ``server`` directly."""
    host = f"127.0.0.1:{server.port}"
    return {"remote_addr": "127.0.0.1", "scheme": "http", "host": host, "url_root": f"{server.url}{prefix}"}


def test_waitress_listens_on_loopback_and_ignores_forged_headers(sqlite_url):
    with waitress(sqlite_url) as server:
        assert f"Serving on http://127.0.0.1:{server.port}" in server.log()
        # test that a client reaching it directly cannot pass itself off as someone else
        assert request_info(server, FORGED) == seen_directly(server)
        # test that nothing but this machine reaches it: the port is closed on its other address
        address = outside_address()
        if address:
            with pytest.raises(requests.ConnectionError):
                requests.get(f"http://{address}:{server.port}/cities/1", timeout=5)


def test_waitress_behind_a_proxy_believes_the_proxys_header(sqlite_url):
    with waitress(sqlite_url, TRUST_THE_PROXY, FLASK_PROXIES="1") as server:
        seen = request_info(server, {"X-Forwarded-For": "6.6.6.6, 203.0.113.7", "X-Forwarded-Proto": "https"})
    assert seen["remote_addr"] == "203.0.113.7" and seen["scheme"] == "https"


def test_waitress_drops_forwarded_headers_of_a_proxy_it_does_not_trust(sqlite_url):
    # test that with FLASK_PROXIES=1 but waitress not told of the proxy, its headers never reach the app
    with waitress(sqlite_url, FLASK_PROXIES="1") as server:
        # the prefix is no header waitress knows: only the app's ProxyFix (FLASK_PROXIES) decides on it
        assert request_info(server, FORGED) == seen_directly(server, prefix="/evil/")


def test_trusted_hosts(monkeypatch, sqlite_url):
    monkeypatch.setenv("FLASK_TRUSTED_HOSTS", '["cities.example.org", "127.0.0.1"]')
    client = serving.create_app({"SQLALCHEMY_DATABASE_URI": sqlite_url}).test_client()
    assert client.get("/cities/1", headers={"Host": "cities.example.org"}).status_code == 200
    refused = client.get("/cities/1", headers={"Host": "evil.example.com"})
    assert refused.status_code == 400
    assert refused.get_json()["name"] == "Bad Request"


def test_a_body_over_max_content_length_is_a_413(sqlite_app):
    client = sqlite_app.test_client()
    # test that without the token the body is not even read: 401, not 413
    assert client.post("/cities", json={"name": "x" * 20_000, "population": 1}).status_code == 401
    response = client.post("/cities", json={"name": "x" * 20_000, "population": 1}, headers=AUTH)
    assert response.status_code == 413
    assert response.get_json()["name"] == "Request Entity Too Large"
    assert len(client.get("/cities").get_json()["cities"]) == 8


# Production servers in subprocesses


@pytest.mark.parametrize(
    "start",
    # gunicorn's master and two workers take seconds of CPU: CI's (the notebook starts it locally too)
    [processes.waitress, pytest.param(processes.gunicorn, marks=pytest.mark.slow)],
    ids=["waitress", "gunicorn"],
)
def test_server_process_answers_and_stops_with_nothing_left(start, sqlite_url):
    env = server_env(sqlite_url)
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


def test_gunicorn_logs_in_its_own_format(sqlite_url):
    with processes.gunicorn(FACTORY, workers=1, env=server_env(sqlite_url), ready_path="/cities") as server:
        # test that the workers take the token from FLASK_API_TOKEN, and refuse a write without it
        requests.post(f"{server.url}/cities", json={"name": "Oslo", "population": 709000}, timeout=10)
        requests.post(f"{server.url}/cities", json={"name": "Oslo", "population": 709000}, headers=AUTH, timeout=10)
        requests.post(f"{server.url}/cities", json={"name": "", "population": 1}, headers=AUTH, timeout=10)
    lines = [line for line in server.log().splitlines() if "POST /cities" in line]
    assert [line.split("] ", 3)[-1] for line in lines] == [
        "POST /cities -> 401",
        "POST /cities -> 201",
        "POST /cities -> 400",
    ]
    assert all(line.startswith("[") and "[INFO]" in line for line in lines)


def test_one_key_from_the_environment_serves_every_gunicorn_worker(sqlite_url):
    # test that a session goes on whichever worker answers: each request on a new connection
    with processes.gunicorn(FACTORY, workers=3, env=server_env(sqlite_url), ready_path="/cities") as server:
        cookie, counts = None, []
        for _ in range(6):
            response = requests.get(f"{server.url}/visits", cookies={"session": cookie} if cookie else None, timeout=10)
            cookie = response.cookies.get("session", cookie)
            counts.append(response.json()["visits"])
    assert counts == [1, 2, 3, 4, 5, 6]


def test_a_server_that_cannot_start_says_why():
    with pytest.raises(
        RuntimeError, match=r"(?s)waitress exited with status 1:.*DATABASE_URL names the database 'mysql'"
    ):
        processes.waitress(FACTORY, env={"DATABASE_URL": "mysql://x/y"})


# "Try it": the checks of tourapp/classroom/exercises/serving.py, against right and typical wrong answers.


def solution(name):
    """Return a builder of the notebook's function ``name``, solution included."""
    return lambda fresh_database: from_notebook("notebooks/14-serving.ipynb", name, fresh_database=fresh_database)


def built(config=None, x_for=None):
    """Return a builder of a factory: the app on a fresh database, with settings or a ProxyFix of its own."""

    def build(fresh_database):
        def factory():
            app = serving.create_app({"SQLALCHEMY_DATABASE_URI": fresh_database(), **(config or {})})
            if x_for is not None:
                app.wsgi_app = ProxyFix(app.wsgi_app, x_for=x_for)
            return app

        return factory

    return build


test_try_it_checks = try_it_test_on_fresh_databases(
    [
        # test that the notebook's solutions pass, and so do the same answers written here
        ("14.1", solution("two_proxies_app"), "passed", "reports the client's address"),
        ("14.2", solution("small_body_app"), "passed", "refuses a body over 1 KiB"),
        ("14.1", built(config={"PROXIES": 2}), "passed", "client's address"),
        ("14.1", built(x_for=2), "passed", "client's address"),
        ("14.2", built(config={"MAX_CONTENT_LENGTH": 1024}), "passed", "413"),
        # test that typical wrong answers fail with a hint that names the mistake
        ("14.1", built(), "failed", "the app believes no forwarded header, as it should when reached directly"),
        ("14.1", built(config={"PROXIES": 1}), "failed", "remote_addr was 10.0.0.2, the load balancer. Hint:"),
        ("14.1", built(config={"PROXIES": 3}), "failed", "trusts more values than the two proxies send"),
        (
            "14.2",
            built(),
            "failed",
            "answered 400 BAD REQUEST, expected 413 REQUEST ENTITY TOO LARGE. Hint: set MAX_CONTENT_LENGTH to 1024",
        ),
        ("14.2", built(config={"MAX_CONTENT_LENGTH": 10}), "failed", "keep the limit at 1024, not lower"),
        # test that an exercise not started yet is "not done", and the workbook's database is refused
        ("14.1", lambda fresh_database: MISSING, "not done", "not done yet: `two_proxies_app` is not defined"),
        ("14.2", lambda fresh_database: factory_placeholder, "not done", "still raises NotImplementedError"),
        (
            "14.2",
            lambda fresh_database: lambda: serving.create_app({"SQLALCHEMY_DATABASE_URI": "sqlite:///cities.db"}),
            "failed",
            "a database inside the workbook",
        ),
    ],
)
