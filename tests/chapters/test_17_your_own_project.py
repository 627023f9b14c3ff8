"""Chapter 17: the reference project runs as a project does, and the checks say what a learner's folder lacks."""

import os
import subprocess
import sys

import pytest

from tests.helpers.support import MISSING, run_check
from tourapp.chapters import project
from tourapp.chapters.paths import ROOT

NOTEBOOK = "notebooks/17-your-own-project.ipynb"
API_TESTS = "tests/test_api.py"


@pytest.fixture
def folder(tmp_path):
    """Return a folder holding the reference project as the notebook writes it, before the exercises."""
    return project.write_all(tmp_path / "my-project")


def _in(path):
    """Return a learner's function that wrote nothing more and returns ``path``."""
    return lambda: path


def _run(folder, *args):
    env = {name: value for name, value in os.environ.items() if not name.startswith("FLASK_")}
    return subprocess.run([sys.executable, *args], cwd=folder, env=env, capture_output=True, text=True, check=False)


def test_the_reference_project_runs_as_a_project_does(folder):
    # test that flask reads .env (the greeting Hi), lists both blueprints' prefixed routes, and pytest passes
    project.write_all(folder, solutions=True)
    routes = _run(folder, "-m", "flask", "--app", "mysite", "routes").stdout
    for line in (
        "pages.home    GET      /pages/",
        "api.greeting  GET      /api/greeting",
        "about.index   GET      /about/",
    ):
        assert line in routes
    greeting = _run(
        folder, "-c", "from flask.cli import load_dotenv; load_dotenv(); import os; print(os.environ['FLASK_GREETING'])"
    )
    assert greeting.stdout.strip() == "Hi"
    tests = _run(folder, "-m", "pytest", "-q", "-p", "no:cacheprovider")
    assert tests.returncode == 0 and "9 passed" in tests.stdout, tests.stdout


def test_without_a_secret_key_the_app_says_where_to_put_it(folder):
    (folder / ".env").unlink()
    done = _run(folder, "-m", "flask", "--app", "mysite", "routes")
    assert done.returncode != 0
    assert "set FLASK_SECRET_KEY in .env, or SECRET_KEY in instance/config.py" in done.stderr


@pytest.mark.slow
def test_the_notebooks_answers_pass_and_write_the_reference_files(folder, tmp_path, monkeypatch):
    monkeypatch.setenv("FLASK_TOUR_PROJECT", str(folder))
    for exercise, name in (("17.1", "write_api_tests"), ("17.2", "add_about_blueprint")):
        result = run_check(exercise, name, NOTEBOOK)
        assert result.passed, str(result)
        result = run_check(exercise, name, NOTEBOOK)  # run twice: the answer cells are re-runnable
        assert result.passed, str(result)
    reference = project.write_all(tmp_path / "reference", solutions=True)
    for name in [*project.FILES, *project.SOLUTIONS]:
        assert (folder / name).read_text() == (reference / name).read_text(), name


@pytest.mark.parametrize(
    ("exercise", "answer", "status", "says"),
    [
        ("17.1", MISSING, "not done", "`write_api_tests` is not defined"),
        ("17.2", MISSING, "not done", "`add_about_blueprint` is not defined"),
        ("17.1", "placeholder", "not done", "still raises NotImplementedError"),
        ("17.1", "returns None", "failed", "does it end with `return PROJECT`?"),
        ("17.1", "no folder", "failed", "is not a folder: return the project's folder"),
        ("17.2", "no package", "failed", "the project has no package mysite: mysite/__init__.py is missing"),
    ],
)
def test_a_missing_answer_says_what_to_do(folder, exercise, answer, status, says):
    def placeholder():
        raise NotImplementedError()

    learner = {
        MISSING: MISSING,
        "placeholder": placeholder,
        "returns None": lambda: None,
        "no folder": _in(folder / "nowhere"),
        "no package": _in(folder.parent),
    }[answer]
    result = run_check(exercise, learner)
    assert result.status == status and says in result.message, result.message


NO_FACTORY = '"""My site."""\n\nfrom flask import Flask\n'
ONE_TEST = 'def test_health(client):\n    assert client.get("/api/health").json == {"status": "ok"}\n'
A_WRONG_TEST = ONE_TEST + '\n\ndef test_greeting(client):\n    assert client.get("/api/greeting").json == {}\n'
NOTHING_TESTED = 'def test_greeting(client):\n    client.get("/api/greeting")\n\n\ndef test_health(client):\n    pass\n'
# Each of these runs the project's own pytest in a subprocess, seconds of CPU: CI runs them.
RUNS_PYTEST = pytest.mark.slow


@pytest.mark.parametrize(
    ("files", "says"),
    [
        (
            {"mysite/__init__.py": NO_FACTORY},
            "flask --app mysite routes found no app: mysite/__init__.py has no create_app()",
        ),
        ({"tests/conftest.py": None}, "tests/conftest.py is missing"),
        ({}, "tests/test_api.py is missing"),
        pytest.param(
            {API_TESTS: ONE_TEST}, "pytest found 1 test in tests/test_api.py, expected at least 2", marks=RUNS_PYTEST
        ),
        pytest.param(
            {API_TESTS: A_WRONG_TEST},
            "the project's pytest failed: tests/test_api.py::test_greeting",
            marks=RUNS_PYTEST,
        ),
        pytest.param(
            {API_TESTS: NOTHING_TESTED},
            "pass even when every /api/ URL answers 404: they do not test the API",
            marks=RUNS_PYTEST,
        ),
    ],
    ids=["no create_app", "no conftest", "no test file", "one test", "a failing test", "tests that test nothing"],
)
def test_tests_of_your_own_say_what_is_wrong(folder, files, says):
    _change(folder, files)
    result = run_check("17.1", _in(folder))
    assert result.status == "failed" and says in result.message, result.message


ABOUT = project.SOLUTIONS["mysite/about.py"]
NO_PREFIX = ABOUT.replace(', url_prefix="/about"', "")
ELSEWHERE = ABOUT.replace('@bp.get("/")', '@bp.get("/us")')
NO_TITLE = '<!doctype html>\n<html lang="en"><p>About</p></html>\n'


@pytest.mark.parametrize(
    ("files", "register", "says"),
    [
        ({}, False, "flask routes shows no about.… endpoint: there is no about blueprint yet"),
        ({"mysite/about.py": ABOUT}, False, "mysite/about.py is there, but flask routes shows no about.… endpoint"),
        ({"mysite/about.py": NO_PREFIX}, True, "the about blueprint's routes are at /, not under /about/"),
        ({"mysite/about.py": ELSEWHERE}, True, "the about blueprint has /about/us, but no page at /about/ itself"),
        ({"mysite/about.py": ABOUT + "\nsyntax error\n"}, True, "flask --app mysite routes failed:"),
        ({"mysite/about.py": ABOUT}, True, "GET /about/ answered 500 text/html"),
        ({"mysite/about.py": ABOUT, "mysite/templates/about.html": NO_TITLE}, True, "a page without a <title>"),
    ],
    ids=["none", "not registered", "no url_prefix", "no /about/", "broken module", "no template", "no title"],
)
def test_a_blueprint_of_your_own_says_what_is_wrong(folder, files, register, says):
    _change(folder, files)
    if register:
        for old, new in project.REGISTER_ABOUT:
            project.replace_in(folder / "mysite" / "__init__.py", old, new)
    result = run_check("17.2", _in(folder))
    assert result.status == "failed" and says in result.message, result.message


def _change(folder, files):
    """Write (or, for None, delete) files of the project."""
    for name, text in files.items():
        if text is None:
            (folder / name).unlink()
        else:
            project.write(folder / name, text)


def test_the_project_folder_is_temporary_in_the_workbook_and_my_project_elsewhere(tmp_path, monkeypatch):
    monkeypatch.delenv("FLASK_TOUR_PROJECT", raising=False)
    monkeypatch.chdir(ROOT / "notebooks")
    scratch = project.folder()
    assert not scratch.is_relative_to(ROOT) and scratch.name == "my-project"
    assert scratch.parent.name == f"flask-tour-17-project-{os.getpid()}"
    monkeypatch.chdir(tmp_path)
    assert project.folder() == tmp_path / "my-project"


def test_a_dead_kernels_project_folder_is_removed(tmp_path, monkeypatch):
    monkeypatch.setattr(project.tempfile, "gettempdir", lambda: str(tmp_path))
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = tmp_path / f"flask-tour-17-project-{gone.stdout.strip()}"
    alive = tmp_path / f"flask-tour-17-project-{os.getpid()}"
    for path in (dead, alive):
        (path / "my-project").mkdir(parents=True)
    project._remove_dead_kernels_folders()
    assert not dead.exists() and alive.exists()


def test_replace_in_changes_a_file_once_and_names_a_missing_line(tmp_path):
    path = project.write(tmp_path / "a.py", "one\n")
    project.replace_in(path, "one\n", "one\ntwo\n")
    project.replace_in(path, "one\n", "one\ntwo\n")
    assert path.read_text() == "one\ntwo\n"
    with pytest.raises(ValueError, match="a.py has no line 'three' to replace"):
        project.replace_in(path, "three", "four")


@pytest.mark.slow
@pytest.mark.browser
def test_the_projects_pages_pass_axe(tmp_path):
    # test that the pages the learner's project serves (waitress, as in the notebook) are usable: lang, titles, labels
    from tests.e2e.test_accessibility import AXE, violations
    from tests.helpers import e2e
    from tourapp.chapters import processes

    if not AXE.is_file():
        e2e.unavailable(f"axe-core is not installed ({AXE.relative_to(ROOT)}: make test installs it with npm)")
    folder = project.write_all(tmp_path / "my-project", solutions=True)
    env = {"FLASK_SECRET_KEY": "axe"}
    server = processes.waitress("mysite:create_app", cwd=folder, env=env, ready_path="/api/health")
    problems = {}
    try:
        with e2e.chromium() as browser:
            page = browser.new_page()
            for path in ("/pages/", "/pages/greet?name=Ada", "/about/"):
                response = page.goto(server.url + path)
                assert response.status == 200, path
                if found := violations(page):
                    problems[path] = found
            page.goto(server.url + "/pages/")
            page.get_by_label("Your name").fill("Grace")
            with page.expect_navigation():  # the title is read from the page the form leads to
                page.get_by_role("button", name="Greet me").click()
            assert page.title() == "Greeting · My site" and "Hello, Grace!" in page.content()  # waitress reads no .env
    finally:
        server.stop()
    assert not problems, problems
