"""Fixtures shared by the tests: a live server per test, stopped afterwards; a private PostgreSQL; serving settings."""

import tempfile

import pytest

from tests.helpers import serving
from tourapp import serve
from tourapp.chapters import postgres


@pytest.fixture
def db_path(tmp_path):
    """Name a database file, not yet created, in the test's own temporary folder."""
    return tmp_path / "cities.db"


@pytest.fixture
def fresh_database(tmp_path):
    """Return the notebooks' fresh_database(): a new, empty SQLite database in the test's folder each call."""

    def fresh_database():
        return f"sqlite:///{tempfile.mkdtemp(dir=tmp_path)}/cities.db"

    return fresh_database


@pytest.fixture
def live():
    """Serve an app for the test's duration: ``url = live(app)``."""
    servers = []

    def start(app):
        server = serve(app)
        servers.append(server)
        return server.url

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def serving_environment(monkeypatch):
    """Give a test the served apps' settings, tests/helpers/serving.py (chapters 14 and 15 use it for every test)."""
    serving.set_environment(monkeypatch)


@pytest.fixture(scope="session")
def postgres_cluster():
    """Start a private PostgreSQL cluster for the test session (a temporary folder, a free port); stop it after."""
    if not postgres.available():
        from tests.helpers import e2e

        e2e.unavailable("PostgreSQL is not installed (apt-get install postgresql; .ci/run does)")
    cluster = postgres.start()
    yield cluster
    cluster.stop()


@pytest.fixture
def postgres_url(postgres_cluster):
    """Name a PostgreSQL database of the test's own, empty: ``postgresql+psycopg://…``."""
    yield postgres_cluster.create_database()


def pytest_report_header(config):
    """Name the browser the end-to-end tests drive (tests/helpers/e2e.py), in every test log."""
    from tests.helpers import e2e

    return e2e.report_header()
