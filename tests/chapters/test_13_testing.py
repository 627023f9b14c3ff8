"""Chapter 13: the notebook's test file passes under pytest, and the checks tell good tests from weak ones."""

import subprocess
import sys

import nbformat
import pytest

from tests.helpers.support import MISSING, run_check
from tourapp.chapters.paths import ROOT

NOTEBOOK = ROOT / "notebooks" / "13-testing.ipynb"


def _written(name):
    """Return the last source the notebook writes to ``name`` with %%writefile."""
    cells = [c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells if c.cell_type == "code"]
    return [c.split("\n", 1)[1] for c in cells if c.startswith(f"%%writefile {name}")][-1]


def _namespace():
    # the setup cell is the first code cell after the Colab install cell (tools/colab_cell.py)
    cells = [
        c.source
        for c in nbformat.read(NOTEBOOK, as_version=4).cells
        if c.cell_type == "code" and c.get("id") != "colab"
    ]
    namespace = {}
    exec(cells[0], namespace)
    for source in cells:
        if source.startswith("def test_"):
            exec(source, namespace)
    return namespace


@pytest.mark.slow  # a pytest subprocess; locally the notebook runs the same one and nbval checks its "3 passed"
def test_the_notebooks_fixed_test_file_passes_under_pytest(tmp_path):
    # test that what the learner ends with is a real, passing pytest suite (3 tests), run as the notebook runs it
    (tmp_path / "conftest.py").write_text(_written("conftest.py"))
    (tmp_path / "test_tour.py").write_text(_written("test_tour.py"))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "--no-header", "-p", "no:cacheprovider", "-p", "no:xdist"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout
    assert "3 passed" in result.stdout
    assert not (tmp_path / ".pytest_cache").exists()


@pytest.mark.parametrize("exercise", ["13.1", "13.2"])
def test_notebook_answers_pass(exercise):
    namespace = _namespace()
    name = {"13.1": "test_signing_says_thanks", "13.2": "test_login_remembers_the_user"}[exercise]
    result = run_check(exercise, namespace[name])
    assert result.passed, str(result)


def only_status(client):
    assert client.post("/guestbook", data={"name": "Ann", "message": "Hi"}).status_code == 302


def only_text(client):
    assert (
        "Thank you for signing, Ann!"
        in client.post("/guestbook", data={"name": "Ann", "message": "Hi"}, follow_redirects=True).text
    )


def only_right_password(client):
    client.post("/login", data={"username": "ada", "password": "lovelace"})
    with client.session_transaction() as session:
        assert session["user"] == "ada"


def wrong_about_the_app(client):
    assert client.post("/guestbook", data={"name": "Ann", "message": "Hi"}).status_code == 200


def placeholder(client):
    raise NotImplementedError


@pytest.mark.parametrize(
    ("exercise", "test", "status", "says"),
    [
        # test that a test which cannot catch the bug is told which bug it lets through
        ("13.1", only_status, "failed", "passed for an app that loses the flashed message"),
        ("13.1", only_text, "failed", "passed for an app that answers the POST with the page itself"),
        ("13.2", only_right_password, "failed", "passed for an app that logs in with any password"),
        # test that a test that fails on the right app is told so, with its line
        ("13.1", wrong_about_the_app, "failed", "failed for the right app with AssertionError"),
        ("13.1", placeholder, "not done", "still raises NotImplementedError"),
        ("13.2", MISSING, "not done", "`test_login_remembers_the_user` is not defined"),
        ("13.2", 42, "failed", "expected a test function"),
        ("13.1", lambda client, database: None, "failed", "asks for database"),
    ],
)
def test_checks_tell_good_tests_from_weak_ones(exercise, test, status, says):
    result = run_check(exercise, test)
    assert result.status == status and says in result.message, str(result)


def _code_cells():
    return [c for c in nbformat.read(NOTEBOOK, as_version=4).cells if c.cell_type == "code"]


def _recorded_text(cell):
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream")


def test_no_unexplained_405_is_recorded():
    # test that every request the notebook sends goes to an app that has the route (chapter 10's app
    # has only GET routes: a POST to it was a 405 the chapter never talked about)
    for cell in _code_cells():
        assert "405" not in _recorded_text(cell), cell.source


def test_pytest_runs_with_a_quoted_python_and_its_verdict_is_shown():
    # test that a kernel under a folder with a space still runs pytest (POSIX sh and Windows cmd both
    # keep "…" together), and that the learner sees the summary line the prose tells them to read
    runs = [c for c in _code_cells() if "-m pytest" in c.source]
    assert len(runs) == 2
    for cell in runs:
        assert cell.source.startswith('!"{sys.executable}" -m pytest'), cell.source
    verdicts = [_recorded_text(cell).strip().splitlines()[-1] for cell in runs]
    assert "1 failed" in verdicts[0] and "2 passed" in verdicts[0], verdicts[0]
    assert "3 passed" in verdicts[1] and "failed" not in verdicts[1], verdicts[1]
    assert all("<seconds>s" in verdict for verdict in verdicts), verdicts
