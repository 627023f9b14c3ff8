"""The grader: a folder of typical submissions, graded by `python -m tourapp.classroom.grade`, scores checked."""

import os

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbformat.v4 import new_code_cell

from tests.helpers.support import cmdline, comm, pids, run_grader, running, scores
from tourapp.chapters.paths import ROOT
from tourapp.classroom import sandbox
from tourapp.classroom.editions import student_edition
from tourapp.classroom.submissions import grade, student_names

# Grading runs a class of submissions in real kernels, one of them until its time limit.
pytestmark = pytest.mark.slow

SOURCE = ROOT / "notebooks" / "01-hello.ipynb"
MARKER = f"{70000 + os.getpid() % 10000}.5"  # a `sleep` only this test's endless loop starts
# The kernel names itself, so that the test finds it from outside its sandbox (whose pids differ).
NAME = f"loop{MARKER}"
LOOP = """\
import ctypes, subprocess
ctypes.CDLL(None).prctl(15, {name!r}.encode())  # PR_SET_NAME
subprocess.Popen(["sleep", {marker!r}])  # a child process, to be killed along with the kernel
while True:
    pass"""


def _cell(nb, text):
    """Return the first cell whose source contains ``text``."""
    return next(cell for cell in nb.cells if text in cell.source)


def make_submissions(folder):
    """Write one submission of each kind a class hands in."""
    source = nbformat.read(SOURCE, as_version=4)
    blank = student_edition(source, "notebooks/01-hello.ipynb")
    submissions = {"correct": source, "blank": blank}

    partly = nbformat.from_dict(blank)
    shout = _cell(partly, "def shout_app")
    placeholder = "# YOUR CODE HERE\n        raise NotImplementedError()"
    shout.source = shout.source.replace(placeholder, 'return "HELLO THERE!"')
    teapot = _cell(partly, "def teapot_app")
    teapot.source = teapot.source.replace(
        "# YOUR CODE HERE\n    raise NotImplementedError()",
        '@app.get("/coffee")\n    def coffee():\n        return "I\'m a teapot"',
    )
    submissions["partly"] = partly

    raising = nbformat.from_dict(source)
    _cell(raising, "from tourapp import").source = 'raise RuntimeError("no imports today")'
    submissions["raising"] = raising

    loop = nbformat.from_dict(blank)
    loop.cells.insert(3, new_code_cell(LOOP.format(name=NAME, marker=MARKER)))
    submissions["loop"] = loop

    # A right answer first, then a broken edit of it: the check must not grade the old one.
    broken = nbformat.from_dict(source)
    answer = _cell(broken, "def shout_app")
    broken.cells.insert(
        broken.cells.index(answer) + 1, new_code_cell(answer.source.replace("return app", "return app("))
    )
    submissions["syntax"] = broken

    deleted = nbformat.from_dict(blank)
    deleted.cells = deleted.cells[:4]
    submissions["deleted"] = deleted

    for name, nb in submissions.items():
        nbformat.write(nb, folder / f"{name}.ipynb")
    (folder / "notes.ipynb").write_text("my answers: 1) HELLO THERE! 2) 418\n")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Grade the folder once, with a short time limit for the endless loop; return what came out."""
    folder = tmp_path_factory.mktemp("submissions")
    make_submissions(folder)
    out = folder / "scores.csv"
    run = run_grader(
        *sorted(folder.glob("*.ipynb")),
        "--out",
        out,
        "--timeout",
        "20",
        "--executed",
        folder / "feedback",
        "--feedback",
        folder / "pages",
        # Sandboxed where bubblewrap is (tests/classroom/test_grade_sandbox.py requires it in CI); these
        # submissions mean no harm, so the scores are checked everywhere.
        *([] if sandbox.unavailable() is None else ["--no-sandbox"]),
        timeout=240,
    )
    rows = scores(out)
    return run, rows, folder


EXPECTED = [
    # test that a right answer scores every exercise
    ("correct", "01.1", "1", "GET /shout answers 'HELLO THERE!'."),
    ("correct", "01.2", "1", "GET /coffee answers 418 with 'I'm a teapot'."),
    ("correct", "01.3", "1", "as JSON"),
    # test that the untouched student edition runs through and scores nothing, saying why
    ("blank", "01.1", "0", "not done yet: GET /shout still raises NotImplementedError in shout(), line 9"),
    ("blank", "01.2", "0", "not done yet: teapot_app() still raises NotImplementedError (line 5)"),
    ("blank", "01.3", "0", "not done yet: about_app() still raises NotImplementedError (line 5)"),
    # test that a partly right submission scores what is right and gets the hint for the rest
    ("partly", "01.1", "1", "GET /shout answers 'HELLO THERE!'."),
    ("partly", "01.2", "0", "answered 200 OK, expected 418 I'M A TEAPOT. Hint: a view sets another status"),
    ("partly", "01.3", "0", "not done yet"),
    # test that a notebook that raises is graded on, and the first error is named
    (
        "raising",
        "01.1",
        "0",
        "its check cell raised NameError: name 'check' is not defined; the first error was cell 3",
    ),
    ("raising", "01.3", "0", "raising RuntimeError: no imports today"),
    # test that an endless loop is stopped at the time limit
    ("loop", "01.1", "0", "not reached: cell 4 (import ctypes, subprocess) ran past the 20 s limit"),
    ("loop", "01.3", "0", "not reached: cell 4"),
    # test that a syntax error in an answer cell is named, not hidden behind the earlier right answer
    ("syntax", "01.1", "0", "the cell that defines `shout_app` stopped with SyntaxError: incomplete input (line 12)"),
    ("syntax", "01.2", "1", "answers 418"),
    # test that deleted cells score 0 with the reason
    ("deleted", "01.1", "0", 'no result: the cell with check("01.1") is missing'),
    ("deleted", "01.3", "0", 'no result: the cell with check("01.3") is missing'),
    # test that a file that is no notebook still gets a row per exercise of the class's chapter
    ("notes", "01.1", "0", "not a notebook: NotJSONError"),
    ("notes", "01.3", "0", "not a notebook"),
]


@pytest.mark.parametrize(("student", "exercise", "passed", "message"), EXPECTED)
def test_scores(graded, student, exercise, passed, message):
    _, rows, _ = graded
    row = next(r for r in rows if (r["student"], r["exercise"]) == (student, exercise))
    assert (row["passed"], message in row["message"]) == (passed, True), row["message"]


def test_every_student_gets_one_row_per_exercise_and_the_run_succeeds(graded):
    run, rows, _ = graded
    assert run.returncode == 0, run.stderr
    students = ["blank", "correct", "deleted", "loop", "notes", "partly", "raising", "syntax"]
    assert [(r["student"], r["exercise"]) for r in rows] == [(s, f"01.{n}") for s in students for n in (1, 2, 3)]
    assert list(rows[0]) == ["student", "exercise", "passed", "message"]


def test_the_summary_table_and_the_progress_bar(graded):
    run, _, _ = graded
    lines = run.stdout.splitlines()
    assert lines[0] == "chapter 01"
    assert lines[1].split() == ["student", "01.1", "01.2", "01.3", "score"]
    assert "correct     ✓     ✓     ✓    3/3" in lines
    assert "partly      ✓     ✗     ·    1/3" in lines
    assert "passed by   2     2     2    of 8" in lines
    assert "[##############################] 8/8" in run.stderr


def test_that_the_endless_loop_left_no_process_behind(graded):
    _, rows, _ = graded
    assert "ran past the 20 s limit" in next(r["message"] for r in rows if r["student"] == "loop")  # it did loop
    assert not [pid for pid in pids() if comm(pid) == NAME[:15] and running(pid)]
    assert not [pid for pid in pids() if cmdline(pid) == ["sleep", MARKER] and running(pid)]


def test_that_each_readable_submission_gets_its_executed_notebook_back(graded):
    _, _, folder = graded
    feedback = {p.stem for p in (folder / "feedback").glob("*.ipynb")}
    assert feedback == {"blank", "correct", "deleted", "loop", "partly", "raising", "syntax"}
    nb = nbformat.read(folder / "feedback" / "partly.ipynb", as_version=4)
    assert (
        "✗ 01.2 · I'm a teapot: GET /coffee answered 200 OK" in _cell(nb, 'check("01.2")').outputs[0].data["text/plain"]
    )


def _page(folder, name):
    return BeautifulSoup((folder / "pages" / f"{name}.html").read_text(encoding="utf-8"), "html.parser")


def test_the_class_page_gives_each_exercises_pass_rate_and_commonest_failures(graded):
    _, _, folder = graded
    page = _page(folder, "index")
    rows = {tr.td.get_text(): tr.find_all("td") for tr in page.table.find_all("tr")[1:]}
    assert list(rows) == ["01.1 · Shout", "01.2 · I'm a teapot", "01.3 · About, in JSON"]
    assert [cells[1].get_text(strip=True) for cells in rows.values()] == ["2 of 8 (25%)"] * 3
    failures = [li.get_text() for li in rows["01.3 · About, in JSON"][2].find_all("li")]
    assert (
        failures[0]
        == "2 × not done yet: about_app() still raises NotImplementedError (line 5): replace that line with your code."
    )
    assert 'no result: the cell with check("01.3") is missing' in " ".join(failures)
    # test that the students' table links every student's page, with the score of the CSV
    students = {
        tr.a.get_text(): (tr.a["href"], tr.find_all("td")[-1].get_text())
        for tr in page.find_all("table")[1].find_all("tr")[1:]
    }
    assert students["partly"] == ("partly.html", "1/3") and students["syntax"] == ("syntax.html", "2/3")
    assert sorted(students) == ["blank", "correct", "deleted", "loop", "notes", "partly", "raising", "syntax"]


def test_a_students_page_marks_each_checks_result_in_their_notebook(graded):
    _, _, folder = graded
    page = _page(folder, "partly")
    assert page.h1.get_text() == "partly: 1/3"
    summary = {tr.td.get_text(): tr for tr in page.table.find_all("tr")[1:]}
    assert summary["01.2"]["class"] == ["failed"] and "GET /coffee answered 200 OK" in summary["01.2"].get_text()
    for exercise, status in [("01.1", "passed"), ("01.2", "failed"), ("01.3", "not-done")]:
        cell = page.find(id=summary[exercise].a["href"].removeprefix("#"))  # the summary links the check cell
        assert f"celltag_flask-tour-{status}" in cell["class"]
        assert f'check("{exercise}")' in cell.get_text()
    assert "I'm a teapot: GET /coffee answered 200 OK" not in page.find(class_="celltag_flask-tour-passed").get_text()


@pytest.mark.parametrize(
    ("student", "says"),
    [
        # test that a page without a notebook to show still gives the score and the reason
        ("notes", "not a notebook: NotJSONError"),
        ("loop", "cell 4 (import ctypes, subprocess) ran past the 20 s limit"),
    ],
)
def test_pages_say_why_nothing_was_shown_and_run_no_script(graded, student, says):
    _, _, folder = graded
    page = _page(folder, student)
    assert page.h1.get_text() == f"{student}: 0/3"
    assert says in page.table.get_text()
    assert page.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"].startswith(
        "default-src 'none'"
    )
    assert page.find("script") is None


@pytest.mark.parametrize(
    ("chapter", "rows"),
    [
        # test that without any readable notebook the grader cannot tell the chapter, and says so
        (None, [("*", False, "not a notebook: NotJSONError: Notebook does not appear to be JSON: 'not json'")]),
        (
            "1",
            [
                (f"01.{n}", False, "not a notebook: NotJSONError: Notebook does not appear to be JSON: 'not json'")
                for n in (1, 2, 3)
            ],
        ),
    ],
)
def test_chapter_of_a_lone_unreadable_file(tmp_path, chapter, rows):
    path = tmp_path / "x.ipynb"
    path.write_text("not json")
    [graded] = grade([path], chapter=chapter, sandboxed=sandbox.unavailable() is None)
    assert graded.rows() == rows


@pytest.mark.parametrize(
    ("paths", "names"),
    [
        # test that a student is named after their file, or their folder where the files share a name
        (["class/alice.ipynb", "class/bob.ipynb"], ["alice", "bob"]),
        (["a/alice/01-hello.ipynb", "a/bob/01-hello.ipynb"], ["alice", "bob"]),
        # nbgrader's layout, even for one student
        (["course/submitted/alice/ch01/01-hello.ipynb"], ["alice"]),
        (["c/autograded/bob/ch01/01-hello.ipynb", "c/autograded/carol/ch01/01-hello.ipynb"], ["bob", "carol"]),
        (["x/alice/01.ipynb", "x/alice/ch/01.ipynb", "x/01.ipynb"], ["alice-01", "alice-ch-01", "01"]),
    ],
)
def test_student_names(paths, names):
    assert student_names(paths) == names
