"""Fixtures shared by the chapter tests: a live server per test, stopped afterwards."""

import pytest

from tourapp import serve


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


def pytest_report_header(config):
    """Name the browser the end-to-end tests drive (tests/e2e.py), in every test log."""
    import e2e  # tests/ is on sys.path once this conftest is imported

    return e2e.report_header()
