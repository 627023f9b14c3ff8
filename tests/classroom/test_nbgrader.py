"""nbgrader on the teacher's notebooks as they are: release, autograde and feedback, beside our grader.

The fast tests check that every notebook is marked for nbgrader and that the student edition
takes the hidden tests out. The slow ones run real nbgrader (``make nbgrader-tools`` installs it
in .tools/nbgrader, an environment of its own, see the Makefile) on two chapters in a course
folder of their own: ``generate_assignment`` must give the student edition, and
``autograde`` must score three submissions (right, blank, partly wrong) exactly as
``python -m tourapp.classroom.grade`` scores the same files.
"""

import html
import json
import os
import re
import subprocess

import nbformat
import pytest
from nbclient import NotebookClient

from tests.helpers import e2e
from tests.helpers.support import kernel_manager, run_grader, scores
from tourapp.chapters.paths import ROOT
from tourapp.classroom import sandbox
from tourapp.classroom.editions import HIDDEN_BEGIN, mark, student_edition

NBGRADER = ROOT / ".tools" / "nbgrader" / "bin"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
CHAPTERS = {"ch01": "01-hello.ipynb", "ch06": "06-json.ipynb"}  # assignment -> its notebook
STUDENTS = ("correct", "blank", "partly")
slow = pytest.mark.slow  # nbgrader runs nine kernels in a row


def _nbgrader(meta):
    return meta.get("nbgrader", {})


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_notebook_is_marked_for_nbgrader(path):
    nb = nbformat.read(path, as_version=4)
    assert not mark(nb), f"{path.name} is not marked: python -m tourapp.classroom.editions mark (make record does it)"
    grade_cells = [cell for cell in nb.cells if _nbgrader(cell.metadata).get("grade")]
    for cell in grade_cells:
        # test that each grade cell is a locked check with its hidden assert of that same check
        (exercise,) = re.findall(r'^check\("(\d\d\.\d+)"\)$', cell.source, re.MULTILINE)
        assert _nbgrader(cell.metadata)["locked"] and _nbgrader(cell.metadata)["points"] == 1
        assert f'assert_passed("{exercise}")' in cell.source.partition(HIDDEN_BEGIN)[2]


def test_the_student_edition_has_no_hidden_test_and_locks_the_checks():
    nb = nbformat.read(ROOT / "notebooks" / "01-hello.ipynb", as_version=4)
    edition = student_edition(nb, "notebooks/01-hello.ipynb")
    checks = [cell for cell in edition.cells if _nbgrader(cell.metadata).get("grade")]
    answers = [cell for cell in edition.cells if _nbgrader(cell.metadata).get("solution")]
    assert [cell.source for cell in checks] == ['check("01.1")', 'check("01.2")', 'check("01.3")']
    assert all(not cell.metadata.editable and not cell.metadata.deletable for cell in checks)
    assert all(not cell.metadata.deletable and "editable" not in cell.metadata for cell in answers)
    assert not any("HIDDEN TESTS" in cell.source or "assert_passed" in cell.source for cell in edition.cells)


@slow
def test_a_failed_check_fails_its_hidden_assert_with_the_checks_own_words():
    """The hidden test, run in a real kernel: a wrong answer's grade cell raises, a right one's passes."""
    nb = nbformat.read(ROOT / "notebooks" / "01-hello.ipynb", as_version=4)
    answer = next(cell for cell in nb.cells if _nbgrader(cell.metadata).get("grade_id") == "answer-01-1")
    answer.source = answer.source.replace('"Hello there!".upper()', '"hello there!"')
    client = NotebookClient(nb, km=kernel_manager(), allow_errors=True, timeout=300)
    with client.setup_kernel(cleanup_kc=True):
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                client.execute_cell(cell, index)
    errors = {
        _nbgrader(cell.metadata)["grade_id"]: [o for o in cell.outputs if o.output_type == "error"]
        for cell in nb.cells
        if _nbgrader(cell.metadata).get("grade")
    }
    assert not errors["check-01-2"] and not errors["check-01-3"]
    (error,) = errors["check-01-1"]
    assert error.ename == "AssertionError"
    assert error.evalue.startswith("✗ 01.1 · Shout: GET /shout answered 'hello there!'"), error.evalue


def _write(nb, path):
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def _submission(release, source, kind):
    """Fill a released notebook in as a student would: every answer, none, or the first one wrong."""
    nb = nbformat.from_dict(release)
    solutions = [cell for cell in source.cells if _nbgrader(cell.metadata).get("solution")]
    answers = {_nbgrader(cell.metadata)["grade_id"]: cell.source for cell in solutions}
    first = min(answers)
    for cell in nb.cells:
        grade_id = _nbgrader(cell.metadata).get("grade_id")
        if grade_id not in answers or kind == "blank":
            continue
        if kind == "partly" and grade_id == first:  # runs, and answers wrongly
            cell.source = re.sub(
                r"^( *)# YOUR CODE HERE\n *raise NotImplementedError\(\)$", r'\1return "wrong"', cell.source, flags=re.M
            )
        else:
            cell.source = answers[grade_id]
    return nb


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """Release, hand in, autograde and give feedback on two chapters with real nbgrader; grade them with ours too."""
    if not (NBGRADER / "nbgrader").exists():
        e2e.unavailable("nbgrader is not installed: make nbgrader-tools")
    root = tmp_path_factory.mktemp("course")
    (root / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.root = {str(root)!r}\n"
        "c.CourseDirectory.course_id = 'flask-tour'\n"
        "c.ExecutePreprocessor.timeout = 300  # per cell: a loaded machine starts servers slowly\n"
    )
    env = {
        **os.environ,
        "PATH": f"{NBGRADER}{os.pathsep}{os.environ['PATH']}",  # nbgrader runs `alembic` from its PATH
        "JUPYTER_DATA_DIR": str(root / "jupyter-data"),  # no kernel of this user's: the environment's own
        "JUPYTER_PLATFORM_DIRS": "1",
    }

    def nbgrader(*args):
        done = subprocess.run(
            [NBGRADER / "nbgrader", *args], cwd=root, env=env, capture_output=True, text=True, timeout=900
        )
        assert done.returncode == 0, f"nbgrader {' '.join(args)}:\n{done.stderr[-4000:]}"
        return done

    for path in NOTEBOOKS:  # every chapter, released as one assignment: the student edition of each
        _write(nbformat.read(path, as_version=4), root / "source" / "workbook" / path.name)
    nbgrader("generate_assignment", "workbook", "--force")
    for assignment, name in CHAPTERS.items():
        _write(nbformat.read(ROOT / "notebooks" / name, as_version=4), root / "source" / assignment / name)
        nbgrader("generate_assignment", assignment, "--force")
        release = nbformat.read(root / "release" / assignment / name, as_version=4)
        source = nbformat.read(ROOT / "notebooks" / name, as_version=4)
        for student in STUDENTS:
            _write(_submission(release, source, student), root / "submitted" / student / assignment / name)
        nbgrader("autograde", assignment, "--create", "--force")
        nbgrader("generate_feedback", assignment, "--force")

    theirs = subprocess.run(
        [NBGRADER / "python", "-c", _SCORES, str(root / "gradebook.db"), json.dumps(CHAPTERS)],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    ours = {}
    for assignment in CHAPTERS:
        out = root / f"ours-{assignment}.csv"
        sandboxed = [] if sandbox.unavailable() is None else ["--no-sandbox"]
        done = run_grader(*sorted(root.glob(f"submitted/*/{assignment}/*")), "--out", out, "--timeout", 300, *sandboxed,
                     timeout=900)  # fmt: skip
        assert done.returncode == 0, done.stderr[-3000:]
        ours.update({(assignment, r["student"], r["exercise"]): r["passed"] for r in scores(out)})
    return root, json.loads(theirs.stdout), ours


# Run in nbgrader's environment: every grade cell's score, by assignment, student and grade id.
_SCORES = """
import json, sys
from nbgrader.api import Gradebook
chapters = json.loads(sys.argv[2])
with Gradebook("sqlite:///" + sys.argv[1]) as gb:
    print(json.dumps({
        f"{a}/{s}/{g.name}": g.score
        for a, name in chapters.items()
        for s in ("correct", "blank", "partly")
        for g in gb.find_submission_notebook(name.removesuffix(".ipynb"), a, s).grades
    }))
"""


@slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_nbgrader_releases_the_student_edition(course, path):
    root, *_ = course
    release = nbformat.read(root / "release" / "workbook" / path.name, as_version=4)
    ours = student_edition(nbformat.read(path, as_version=4), f"notebooks/{path.name}")
    # test that the cells are the same, text and locks: ours has one note cell more, at the top
    assert [(c.cell_type, c.source) for c in release.cells] == [(c.cell_type, c.source) for c in ours.cells[1:]]
    locks = [(c.metadata.get("editable"), c.metadata.get("deletable")) for c in release.cells]
    assert locks == [(c.metadata.get("editable"), c.metadata.get("deletable")) for c in ours.cells[1:]]


@slow
@pytest.mark.parametrize("assignment", list(CHAPTERS))
@pytest.mark.parametrize("student", STUDENTS)
def test_nbgrader_scores_as_the_workbooks_grader_does(course, assignment, student):
    _, theirs, ours = course
    exercises = sorted(e for a, s, e in ours if (a, s) == (assignment, student))
    nbgrader_points = [theirs[f"{assignment}/{student}/check-{e.replace('.', '-')}"] for e in exercises]
    assert nbgrader_points == [float(ours[assignment, student, e]) for e in exercises]
    expected = {"correct": len(exercises), "blank": 0, "partly": len(exercises) - 1}[student]
    assert sum(nbgrader_points) == expected


@slow
def test_nbgrader_feedback_shows_each_checks_result(course):
    root, *_ = course
    # read as a browser shows it: nbconvert before 7.7 writes the traceback's quotes as &#x27;
    page = html.unescape((root / "feedback" / "partly" / "ch01" / "01-hello.html").read_text(encoding="utf-8"))
    assert "✗ not yet" in page and "✓ passed" in page  # the checks' own badges
    assert "Score: 2.0 / 3.0" in page  # nbgrader's own total
    # why the point was not given: the check's result, and nbgrader's failed grade cell saying it again
    assert page.count("answered 'wrong', expected 'HELLO THERE!'") == 2 and "AssertionError" in page
