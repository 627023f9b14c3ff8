"""The classroom kit: exercise checks, the student edition, and a student notebook run end to end."""

import json
import os
import re
import stat
import time
from functools import partial
from pathlib import Path

import nbformat
import nbval.kernel
import pytest
import requests
from flask import Flask
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from tests.helpers.support import grown as grown_from
from tests.helpers.support import kernel_manager
from tourapp import check
from tourapp.chapters import hello
from tourapp.chapters.paths import ROOT
from tourapp.classroom.editions import PLACEHOLDER, ClearSolutions, LockCells, strip_solutions, student_edition
from tourapp.classroom.exercises import CHECK_CELL, expect, for_chapter, get, results_in, run
from tourapp.classroom.exercises.registry import BROKEN
from tourapp.classroom.recording import SocketFileKernelManager

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
_CHECK_CALL = CHECK_CELL  # check("NN.k") alone: 01's demonstration of a wrong answer is not an exercise
_SOLUTION = re.compile(r"^[ \t]*### BEGIN SOLUTION\n(.*?)^[ \t]*### END SOLUTION", re.MULTILINE | re.DOTALL)
grown = partial(grown_from, lambda config=None: Flask("shout"))  # 01's answers start from a new Flask app


def shout_right():
    return "Hello there!".upper()


def test_that_a_view_that_hangs_is_reported_without_hanging_the_check(monkeypatch):
    monkeypatch.setattr(expect, "_TIMEOUT", 0.3)

    def slow():
        time.sleep(1.5)
        return "HELLO THERE!"

    started = time.perf_counter()
    result = run("01.1", grown("/shout", slow))
    assert "GET /shout did not answer within 0.3 s" in result.message
    assert time.perf_counter() - started < 1.4  # the stuck request does not hold up the check


@pytest.mark.parametrize(
    ("namespace", "printed"),
    [
        # test that check() finds the learner's function by the exercise's name, in the caller's namespace
        ({"shout_app": grown("/shout", shout_right)}, "✓ 01.1 · Shout: GET /shout answers 'HELLO THERE!'.\n"),
        (
            {},
            "✗ 01.1 · Shout: not done yet: `shout_app` is not defined: write it in the exercise cell above, run that "
            "cell, then this one.\n",
        ),
        ({"app": Flask("other")}, "✗ 01.1 · Shout: not done yet: `shout_app` is not defined"),
    ],
)
def test_check_prints_one_line(capsys, namespace, printed):
    exec('check("01.1")', {"check": check, **namespace})
    assert capsys.readouterr().out.startswith(printed)


def test_that_the_check_leaves_the_chapter_server_running(live):
    url = live(hello.app)  # the notebook's own server for the same app name
    assert run("01.1", grown("/shout", shout_right)).passed
    assert requests.get(url, timeout=5).text == "Hello there!"


def test_every_exercise_module_loads():
    for_chapter(1)  # loads them all
    assert BROKEN == {}


def _check_ids(nb):
    return [m for cell in nb.cells if cell.cell_type == "code" for m in _CHECK_CALL.findall(cell.source)]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_that_each_notebook_checks_exactly_its_chapters_exercises(path):
    nb = nbformat.read(path, as_version=4)
    expected = [ex.id for ex in for_chapter(path.name[:2])]
    assert _check_ids(nb) == expected
    solved = "".join(cell.source for cell in nb.cells if _SOLUTION.search(cell.source))
    for exercise in expected:  # each has a solution, in the function its check looks for
        assert f"def {get(exercise).name}(" in solved
    recorded = [r for cell in nb.cells if _CHECK_CALL.search(cell.source) for r in results_in(cell.get("outputs", []))]
    assert [(r.exercise, r.status) for r in recorded] == [(exercise, "passed") for exercise in expected]


@pytest.mark.parametrize(
    ("source", "student"),
    [
        # test that a solution becomes the placeholder at the solution's own indentation
        (
            "def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION\n",
            "def f():\n    # YOUR CODE HERE\n    raise NotImplementedError()\n",
        ),
        (
            "def f():\n    x = 1\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION\n    return 0",
            "def f():\n    x = 1\n    # YOUR CODE HERE\n    raise NotImplementedError()\n    return 0",
        ),
        (
            "def f():\n    def g():\n        ## BEGIN SOLUTION\n        pass\n        #END SOLUTION\n",
            "def f():\n    def g():\n        # YOUR CODE HERE\n        raise NotImplementedError()\n",
        ),
        ("x = 1", "x = 1"),
        # test nbgrader's rule: a line containing the delimiter goes whole, whatever else it holds
        (
            "def f():\n    x = 1  # BEGIN SOLUTION\n    return x\n    END SOLUTION, as nbgrader reads it\n",
            "def f():\n    # YOUR CODE HERE\n    raise NotImplementedError()\n",
        ),
    ],
)
def test_strip_solutions(source, student):
    assert strip_solutions(source) == student


@pytest.mark.parametrize(
    ("source", "error"),
    [
        # test that a solution that would stop "Run All", or unpaired markers, are refused
        ("### BEGIN SOLUTION\nx = 1\n### END SOLUTION", "top level of a cell would stop 'Run All'"),
        ("def f():\n    ### BEGIN SOLUTION\n    return 1", "BEGIN SOLUTION without an END SOLUTION"),
        ("def f():\n    return 1\n    ### END SOLUTION", "END SOLUTION without a BEGIN SOLUTION"),
        ("def f():\n    ### BEGIN SOLUTION\n    ### BEGIN SOLUTION\n", "inside the solution that begins on line 2"),
    ],
)
def test_strip_solutions_refuses(source, error):
    with pytest.raises(ValueError, match=re.escape(error)):
        strip_solutions(source)


def _solution_cell(source):
    cell = new_markdown_cell(source)
    cell.metadata["nbgrader"] = {"solution": True, "grade": False, "grade_id": "essay", "schema_version": 3}
    return cell


@pytest.mark.parametrize(
    ("source", "student"),
    [
        # test that a written answer (a markdown solution cell) gets nbgrader's text stub: its region, or all of it
        ("Why?\n### BEGIN SOLUTION\nBecause.\n### END SOLUTION", "Why?\nYOUR ANSWER HERE"),
        ("Because.", "YOUR ANSWER HERE"),
    ],
)
def test_clear_solutions_gives_a_written_answer_the_text_stub(source, student):
    nb = new_notebook(cells=[_solution_cell(source)])
    for step in (LockCells(), ClearSolutions()):
        nb, _ = step(nb, {})
    assert nb.cells[0].source == student and nb.cells[0].metadata["deletable"] is False


@pytest.mark.parametrize(
    ("cell", "error"),
    [
        # test that solutions and hidden tests outside the cells marked for them are refused, as nbgrader does
        (new_markdown_cell("BEGIN SOLUTION\nBecause.\nEND SOLUTION"), "not an exercise's answer cell"),
        (
            new_code_cell("def f():\n    ### BEGIN SOLUTION\n    pass\n    ### END SOLUTION"),
            "not an exercise's answer cell",
        ),
        (
            new_code_cell("x = 1\n### BEGIN HIDDEN TESTS\nassert x\n### END HIDDEN TESTS"),
            "not an exercise's check cell",
        ),
    ],
)
def test_the_student_edition_refuses_markers_outside_an_exercise(cell, error):
    with pytest.raises(ValueError, match=re.escape(f"cell {cell.id}, ") + ".*" + re.escape(error)):
        student_edition(new_notebook(cells=[new_markdown_cell("Intro"), cell]), "notebooks/99-essay.ipynb")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_student_edition_has_no_solutions_and_no_outputs(path):
    source = nbformat.read(path, as_version=4)
    nb = student_edition(source, f"notebooks/{path.name}")
    text = json.dumps(nb)
    assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text
    solutions = [s for cell in source.cells for s in _SOLUTION.findall(cell.source)]
    student_code = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "code")
    student_lines = {line.strip() for line in student_code.splitlines()}
    # A line the notebook also shows outside its solutions ({% endblock %} in 07's templates) gives nothing away.
    shown = {line.strip() for cell in source.cells for line in _SOLUTION.sub("", cell.source).splitlines()}
    for solution in solutions:
        for line in filter(None, (line.strip() for line in solution.splitlines())):
            assert line in shown or line not in student_lines, f"solution line survived: {line}"
    assert student_code.count(PLACEHOLDER[1]) == len(solutions)
    assert all(not cell.outputs and cell.execution_count is None for cell in nb.cells if cell.cell_type == "code")
    assert nb.cells[0].cell_type == "markdown" and f"generated from `notebooks/{path.name}`" in nb.cells[0].source
    assert nb.metadata["flask_tour"] == {
        "edition": "student",
        "source": f"notebooks/{path.name}",
        "chapter": path.name[:2],
    }
    nbformat.validate(nb)


STUDENT_NOTEBOOKS = [p for p in NOTEBOOKS if for_chapter(p.name[:2])]


@pytest.mark.slow
@pytest.mark.parametrize("path", STUDENT_NOTEBOOKS, ids=lambda p: p.stem)
def test_student_notebook_runs_top_to_bottom_and_every_check_says_not_done(path, tmp_path):
    nb = student_edition(nbformat.read(path, as_version=4), f"notebooks/{path.name}")
    # allow_errors=False: like "Run All" in Jupyter, the first cell that raises would stop the run.
    NotebookClient(nb, km=kernel_manager(), timeout=120, resources={"metadata": {"path": str(tmp_path)}}).execute(
        cleanup_kc=True
    )
    results = [r for cell in nb.cells if _CHECK_CALL.search(cell.source) for r in results_in(cell.get("outputs", []))]
    assert [r.exercise for r in results] == [ex.id for ex in for_chapter(path.name[:2])]
    for result in results:
        assert result.status == "not done", str(result)
        assert result.message.startswith("not done yet: ") and "NotImplementedError" in result.message
        assert str(result).startswith(f"✗ {result.exercise} · ")


@pytest.mark.skipif(os.name != "posix", reason="ZeroMQ has socket files on POSIX systems only")
def test_test_and_recording_kernels_talk_through_socket_files_no_port_to_race_for():
    # test that the kernels nbval, make record and the tests start bind no TCP port that another
    # process could take between jupyter_client's pick and the kernel's bind, and leave no files
    assert nbval.kernel.KernelManager is SocketFileKernelManager  # conftest.py: nbval's kernels too
    km = kernel_manager()
    km.start_kernel()
    kc = km.client()
    try:
        kc.start_channels()
        kc.wait_for_ready(timeout=60)
        info = km.get_connection_info()
        names = ["shell_port", "iopub_port", "stdin_port", "control_port", "hb_port"]
        sockets = [Path(f"{info['ip']}-{info[name]}") for name in names]
        assert info["transport"] == "ipc"
        assert all(stat.S_ISSOCK(path.stat().st_mode) for path in sockets)
        outputs = []
        kc.execute_interactive("print(6 * 7)", timeout=30, output_hook=outputs.append)
        assert [out["content"].get("text") for out in outputs if out["msg_type"] == "stream"] == ["42\n"]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    assert not any(path.exists() for path in sockets)
