"""The two editions: the learner's own copy (make lab, make refresh) and make student's guards."""

import subprocess
import sys

import nbformat
import pytest
from nbclient import NotebookClient

from tests.helpers.support import kernel_manager
from tourapp.chapters.paths import ROOT
from tourapp.classroom import editions, learner
from tourapp.classroom.exercises import CHECK_CELL, for_chapter, results_in

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
HELLO = ROOT / "notebooks" / "01-hello.ipynb"


def _cell(nb, cell_id):
    return next(cell for cell in nb.cells if cell.get("id") == cell_id)


def _teapot_cell(nb):
    return next(cell for cell in nb.cells if "def teapot_app()" in cell.source)


def test_the_learners_copy_is_written_once_and_then_left_alone(tmp_path):
    # test that make lab writes the student edition of every notebook, then never overwrites
    # one (the learner's work), and writes only what is missing (a chapter added later)
    written = learner.write_missing(tmp_path)
    assert sorted(path.name for path in written) == [path.name for path in NOTEBOOKS]
    mine = tmp_path / HELLO.name
    nb = nbformat.read(mine, as_version=4)
    assert "**Your copy** of `notebooks/01-hello.ipynb`" in nb.cells[0].source
    assert "make refresh NB=01" in nb.cells[0].source
    assert "BEGIN SOLUTION" not in mine.read_text() and editions.PLACEHOLDER[1] in mine.read_text()
    _teapot_cell(nb).source = "def teapot_app():\n    return 'my own attempt'"
    nbformat.write(nb, mine)
    (tmp_path / "02-query-parameters.ipynb").unlink()
    before = mine.read_bytes()
    assert [path.name for path in learner.write_missing(tmp_path)] == ["02-query-parameters.ipynb"]
    assert mine.read_bytes() == before


@pytest.mark.parametrize("chapter", ["01", "1", "01-hello", "my-notebooks/01-hello.ipynb"])
def test_refresh_writes_a_fresh_copy_and_keeps_the_old_one(tmp_path, chapter):
    learner.write_missing(tmp_path)
    mine = tmp_path / HELLO.name
    nb = nbformat.read(mine, as_version=4)
    _teapot_cell(nb).source = "def teapot_app():\n    return 'my own attempt'"
    nbformat.write(nb, mine)
    kept, new = learner.refresh(chapter, tmp_path)
    assert new == mine and "my own attempt" not in mine.read_text()
    assert (
        kept.parent == tmp_path / "old" and kept.name.startswith("01-hello.") and "my own attempt" in kept.read_text()
    )
    again, _ = learner.refresh(chapter, tmp_path)  # a second refresh within the same second keeps both
    assert again != kept and kept.exists() and again.exists()


@pytest.mark.parametrize(("chapter", "error"), [("99", "there is no chapter 99"), ("hello", "names no chapter")])
def test_refresh_of_no_chapter_says_so(tmp_path, chapter, error):
    with pytest.raises(ValueError, match=error):
        learner.refresh(chapter, tmp_path)


def test_refresh_from_the_command_line(tmp_path):
    # test the command make refresh runs: it names where the old copy went
    learner.write_missing(tmp_path)
    done = _run("tourapp.classroom.learner", "--into", str(tmp_path), "--refresh", "01")
    assert done.returncode == 0, done.stderr
    assert "kept your old copy as " in done.stdout and "/old/01-hello." in done.stdout
    assert f"wrote a fresh {tmp_path / HELLO.name}" in done.stdout


def _unmarked(nb):
    """Put an answer back in the teapot cell without its markers, as a learner's autosave would."""
    _teapot_cell(nb).source = (
        "def teapot_app():\n    app = Flask(__name__)\n    app.get('/coffee')(lambda: (\"Im a teapot\", "
        "418))\n    return app"
    )
    return nb


def _no_answer_above(nb):
    """Take out the cell that defines teapot_app, leaving its check under the exercise's text."""
    nb.cells.remove(_teapot_cell(nb))
    return nb


@pytest.mark.parametrize(
    ("spoil", "says"),
    [
        # test that an answer cell without markers stops the edition, naming the cell
        (
            _unmarked,
            "cell {teapot} (id c18, `def teapot_app():`) defines `teapot_app()`, the answer to 01.2, but has no "
            "### BEGIN SOLUTION / ### END SOLUTION markers",
        ),
        # test that a check with no answer cell right above it stops the edition too
        (
            _no_answer_above,
            'cell {teapot} (id c19, `check("01.2")`) checks 01.2, but the cell above it does not define `teapot_app()`',
        ),
    ],
)
def test_make_student_refuses_to_leak(tmp_path, spoil, says):
    path = tmp_path / HELLO.name
    nbformat.write(spoil(nbformat.read(HELLO, as_version=4)), path)
    done = _run("tourapp.classroom.editions", "student", str(path), "--out", str(tmp_path / "out"))
    assert done.returncode == 1
    source = nbformat.read(HELLO, as_version=4)
    teapot = source.cells.index(_teapot_cell(source)) + 1  # the cell's number, counting from 1
    assert f"error: 01-hello.ipynb: {says.format(teapot=teapot)}" in done.stderr
    assert not (tmp_path / "out").exists()  # nothing written
    # outside a git checkout there is no telling what is committed: it says so and goes on
    assert "not in a git checkout" in done.stdout


def _git(folder, *args):
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=folder,
        check=True,
        capture_output=True,
    )


def test_make_student_refuses_uncommitted_notebooks_unless_allowed(tmp_path):
    # test the guard on a real git checkout of its own: clean passes, a change refuses, --allow-dirty warns
    (tmp_path / "notebooks").mkdir()
    path = tmp_path / "notebooks" / HELLO.name
    path.write_bytes(HELLO.read_bytes())
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "notebooks")
    out = str(tmp_path / "out")
    assert editions.uncommitted([path]) == []
    assert _run("tourapp.classroom.editions", "student", str(path), "--out", out).returncode == 0
    nb = nbformat.read(path, as_version=4)
    nb.cells[0].source += "\nA teacher's edit, not committed yet."
    nbformat.write(nb, path)
    assert editions.uncommitted([path]) == [" M notebooks/01-hello.ipynb"]
    refused = _run("tourapp.classroom.editions", "student", str(path), "--out", out)
    assert refused.returncode == 1
    assert (
        "error: these notebooks have uncommitted changes (git status):\n   M notebooks/01-hello.ipynb\n"
        in refused.stderr
    )
    allowed = _run("tourapp.classroom.editions", "student", str(path), "--out", out, "--allow-dirty")
    assert allowed.returncode == 0, allowed.stderr
    assert "warning: made from notebooks with uncommitted changes" in allowed.stderr


def test_mark_marks_a_notebook_and_check_says_when_one_is_not(tmp_path, capsys):
    # test the command behind make record's marks: --check fails on a notebook whose marks are gone
    # and changes nothing; mark puts them back, the same as the committed ones
    path = tmp_path / HELLO.name
    nb = nbformat.read(HELLO, as_version=4)
    for cell in nb.cells:
        cell.metadata.pop("nbgrader", None)
        cell.source = editions.strip_hidden_tests(cell.source)
    nbformat.write(nb, path)
    before = path.read_bytes()
    assert editions.main(["mark", "--check", str(path)]) == 1
    assert f"{path}: not marked for nbgrader" in capsys.readouterr().err and path.read_bytes() == before
    assert editions.main(["mark", str(path)]) == 0
    assert f"marked {path}" in capsys.readouterr().out
    assert editions.main(["mark", "--check", str(path)]) == 0
    assert nbformat.read(path, as_version=4) == nbformat.read(HELLO, as_version=4)


def _run(module, *args):
    return subprocess.run([sys.executable, "-m", module, *args], capture_output=True, text=True, timeout=120, cwd=ROOT)


STUDENT_NOTEBOOKS = [path for path in NOTEBOOKS if for_chapter(path.name[:2])]


@pytest.mark.slow
@pytest.mark.parametrize("path", STUDENT_NOTEBOOKS, ids=lambda p: p.stem)
def test_student_edition_with_the_teachers_answers_passes_every_check(path, tmp_path):
    # test that the student edition, with the teacher's solutions pasted into its answer cells,
    # runs top to bottom in a real kernel and every check passes: the edition keeps every cell
    # an answer needs, and only the answers are taken out
    teacher = nbformat.read(path, as_version=4)
    nb = editions.student_edition(teacher, f"notebooks/{path.name}")
    answers = [cell for cell in teacher.cells if cell.cell_type == "code" and "BEGIN SOLUTION" in cell.source]
    for answer in answers:
        _cell(nb, answer.id).source = answer.source
    NotebookClient(nb, km=kernel_manager(), timeout=120, resources={"metadata": {"path": str(tmp_path)}}).execute(
        cleanup_kc=True
    )
    results = [r for cell in nb.cells if CHECK_CELL.search(cell.source) for r in results_in(cell.get("outputs", []))]
    assert [(r.exercise, r.status) for r in results] == [(ex.id, "passed") for ex in for_chapter(path.name[:2])]
