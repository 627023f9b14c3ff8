"""Helpers the tests share: small probe apps, learners' answers, the flask command, real Jupyter kernels."""

import csv
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import nbformat
import pytest
from flask import Flask
from nbval.kernel import CURRENT_ENV_KERNEL_NAME, NbvalKernelspecManager

from tourapp.chapters.paths import ROOT
from tourapp.classroom.exercises import run
from tourapp.classroom.recording import SocketFileKernelManager, sanitize, sanitizers  # noqa: F401  (the tests' name for them)


def make_app(name="probe"):
    """Create a tiny app; apps of the same name count as the same app for serve()."""
    app = Flask(name)

    @app.get("/")
    def index():
        return "ok"

    @app.get("/echo/<int:n>")
    def echo(n):
        return str(n)

    return app


def open_fds():
    """Count this process's open file descriptors."""
    return len(os.listdir("/proc/self/fd"))


def run_grader(*args, timeout=300, env=None):
    """Run ``python -m tourapp.classroom.grade`` with these arguments as a teacher does; return the process."""
    command = [sys.executable, "-m", "tourapp.classroom.grade", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env)


def scores(path):
    """Return the rows of the grader's CSV, one dict per student and exercise."""
    with open(path, newline="", encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


def kernel_manager():
    """Return a manager for a kernel running this environment's Python (like --nbval-current-env)."""
    return SocketFileKernelManager(kernel_name=CURRENT_ENV_KERNEL_NAME, kernel_spec_manager=NbvalKernelspecManager())


# The tutorial's eight cities (data/cities.sql), as the apps serve them.
TUTORIAL = [
    {"id": 1, "name": "Bratislava", "population": 432000},
    {"id": 2, "name": "Budapest", "population": 1759000},
    {"id": 3, "name": "Prague", "population": 1280000},
    {"id": 4, "name": "Warsaw", "population": 1748000},
    {"id": 5, "name": "Los Angeles", "population": 3971000},
    {"id": 6, "name": "New York", "population": 8550000},
    {"id": 7, "name": "Edinburgh", "population": 464000},
    {"id": 8, "name": "Berlin", "population": 3671000},
]


def rows(db_path):
    """Read the cities table straight from the file, bypassing the app."""
    with closing(sqlite3.connect(db_path)) as conn:  # sqlite3's own `with` commits but never closes
        return [
            dict(zip(("id", "name", "population"), row, strict=True))
            for row in conn.execute("SELECT * FROM cities ORDER BY id")
        ]


# A learner's answers, as the "Try it" tests hand them to the checks.

MISSING = object()  # stands for a function the learner has not defined: run(exercise) without an app


def placeholder(**values):
    """Stand for a view not written yet, whatever values its rule passes."""
    raise NotImplementedError


def factory_placeholder():
    """Stand for an app factory not written yet."""
    raise NotImplementedError


def grown(create_app, rule=None, view=None, *, config=None, **options):
    """Return a factory that builds ``create_app(config)`` with ``view`` answering ``rule``.

    ``options`` go to ``add_url_rule`` (``methods=["POST"]``, ``strict_slashes=False`` …);
    without a rule the factory builds the chapter's app as it is, on ``config``.
    """

    def factory():
        app = create_app(config)
        if rule is not None:
            app.add_url_rule(rule, view_func=view, **options)
        return app

    return factory


def from_notebook(notebook, name, **namespace):
    """Run a notebook's setup cell, then the cell that defines ``name``; return what it defines.

    :param notebook: the notebook's path in the workbook, e.g. ``"notebooks/06-json.ipynb"``.
    :param namespace: names the cells use but the notebook defines elsewhere (``fresh_database``).
    """
    nb = nbformat.read(ROOT / notebook, as_version=4)
    # The setup cell is the first code cell after the Colab install cell (tools/colab_cell.py).
    cells = [cell.source for cell in nb.cells if cell.cell_type == "code" and cell.get("id") != "colab"]
    exec(cells[0], namespace)
    exec(next(source for source in cells if f"def {name}()" in source), namespace)
    return namespace[name]


def run_check(exercise, app, notebook=None):
    """Run an exercise's check on ``app``: an app or its factory, MISSING, or the name of ``notebook``'s function."""
    if isinstance(app, str):
        app = from_notebook(notebook, app)
    return run(exercise) if app is MISSING else run(exercise, app)


def expect_check(exercise, app, status, says, notebook=None):
    """Assert that the check of ``exercise`` on ``app`` (as :func:`run_check` takes it) ends in ``status``.

    ``says`` is a part of its message, or a tuple of parts that must all be in it (one check run for
    all of them); a check that passed, and only that, has ``passed`` true.
    """
    result = run_check(exercise, app, notebook)
    assert (result.exercise, result.status, result.passed) == (exercise, status, status == "passed"), result.message
    for part in (says,) if isinstance(says, str) else says:
        assert part in result.message


def try_it_test(cases, notebook=None):
    """Return a chapter's test of its "Try it" checks: ``test_try_it_checks = try_it_test([...], NOTEBOOK)``.

    Each case is ``(exercise, app, status, says)``: the check of ``exercise`` on ``app`` (an app, its
    factory, MISSING, or the name of ``notebook``'s function) ends in ``status`` and its message has ``says``
    (a part, or a tuple of parts: one case a wrong answer, however many parts of its message it checks).
    """

    @pytest.mark.parametrize(("exercise", "app", "status", "says"), cases)
    def test_try_it_checks(exercise, app, status, says):
        expect_check(exercise, app, status, says, notebook)

    return test_try_it_checks


def try_it_test_on_fresh_databases(cases):
    """Return a database chapter's test of its "Try it" checks, each case on databases of its own.

    Each case is ``(exercise, build, status, says)``: ``build(fresh_database)`` returns the app (or
    factory) to check, with the notebooks' ``fresh_database`` (tests/conftest.py) to make its databases.
    """

    @pytest.mark.parametrize(("exercise", "build", "status", "says"), cases)
    def test_try_it_checks(fresh_database, exercise, build, status, says):
        expect_check(exercise, build(fresh_database), status, says)

    return test_try_it_checks


def clear_4xx_test(cases):
    """Return a chapter's test of bad requests: ``test_bad_requests_get_a_clear_4xx = clear_4xx_test([...])``.

    Each case is ``(method, path, status)``: the chapter's ``client`` fixture sends it and gets ``status``;
    a wrong method (405) also gets the Allow header of a GET route.
    """

    @pytest.mark.parametrize(("method", "path", "status"), cases)
    def test_bad_requests_get_a_clear_4xx(client, method, path, status):
        response = client.open(path, method=method)
        assert response.status_code == status
        if status == 405:
            assert set(response.allow) == {"GET", "HEAD", "OPTIONS"}

    return test_bad_requests_get_a_clear_4xx


def traversal_test(cases, page=None):
    """Return a chapter's test that paths climbing out of its folders get a 404.

    ``test_traversal_is_a_404 = traversal_test([...])`` in the chapter's test file.

    Each case is ``(path, secret)``: the chapter's ``client`` fixture follows the redirects Werkzeug answers
    with, ends on a 404 and never sends ``secret`` (a line of the file the path reaches for); with ``page``,
    the 404 is a page that has it.
    """

    @pytest.mark.parametrize(("path", "secret"), cases)
    def test_traversal_is_a_404(client, path, secret):
        response = client.get(path, follow_redirects=True)
        assert response.status_code == 404
        assert page is None or page in response.text
        assert secret not in response.data

    return test_traversal_is_a_404


def site_packages(python):
    """Return the folder another Python (a new virtual environment's) installs packages in: its purelib."""
    return subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def flask_cli(app_module, *args, env=None):
    """Run ``flask --app app_module args`` from the workbook's root; return what it prints.

    :param env: variables to set on top of this process's environment.
    """
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", app_module, *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    ).stdout


# Processes, read from /proc: what a test looks for to prove nothing was left running.


def pids():
    """List the ids of the processes running on this machine."""
    return [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()]


def cmdline(pid):
    """Return a process's command line as a list, or [] if it is gone."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")[:-1]
    except OSError:
        return []


def comm(pid):
    """Return a process's name (at most 15 characters), or '' if it is gone."""
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def running(pid):
    """Tell whether a process exists and is not a zombie waiting to be reaped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"


def group_alive(pid):
    """Tell whether any process of the process group ``pid`` is still alive."""
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return False
    return True
