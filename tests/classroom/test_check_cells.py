"""check() in a real kernel: it tells the truth about the answer cell above it, in text and in HTML."""

import nbformat
import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

from tests.helpers.support import kernel_manager
from tourapp.chapters.paths import ROOT
from tourapp.classroom.exercises import MIMETYPE, Result, results_in

SETUP = "from tourapp import check\nfrom flask import Flask"
RIGHT = 'def shout_app():\n    app = Flask("shout")\n    app.get("/shout")(lambda: "HELLO THERE!")\n    return app'
UNCLOSED = 'def shout_app():\n    app = Flask("shout")\n    print("almost"\n    return app'
RAISING = RIGHT + "\nshout_app.checked = undefined_name"
SPINNING = (
    'def shout_app():\n    app = Flask("shout")\n    @app.get("/shout")\n    def shout():\n        while '
    "True:\n            pass\n    return app"
)
CPU = "import time\nbefore = time.process_time()\ntime.sleep(1)\nprint(f'{time.process_time() - before:.1f}')"
CHECK = 'check("01.1")'


def _run(*sources):
    """Run cells in one fresh kernel, errors allowed; return the executed cells."""
    nb = new_notebook(cells=[new_code_cell(source) for source in (SETUP, *sources)])
    NotebookClient(nb, km=kernel_manager(), timeout=60, allow_errors=True).execute(cleanup_kc=True)
    return nb.cells[1:]


def _result(cell):
    [result] = results_in(cell.outputs)
    return result


@pytest.fixture(scope="module")
def cells():
    return _run(RIGHT, CHECK, UNCLOSED, CHECK, RIGHT, CHECK, RAISING, CHECK)


def test_a_syntax_error_in_the_answer_cell_is_named_and_nothing_is_graded(cells):
    # test that the earlier, right definition is not graded after a broken edit
    assert _result(cells[1]).passed
    assert cells[2].outputs[0].ename == "SyntaxError"
    result = _result(cells[3])
    assert result.status == "failed"
    assert "the cell that defines `shout_app` stopped with SyntaxError: '(' was never closed (line 3)" in result.message
    assert "nothing was graded" in result.message


def test_the_check_grades_again_once_the_cell_runs_cleanly(cells):
    assert _result(cells[5]).passed


def test_an_error_while_defining_is_named_with_its_line(cells):
    result = _result(cells[7])
    assert result.status == "failed"
    assert "stopped with NameError: name 'undefined_name' is not defined (line 5)" in result.message


@pytest.mark.slow  # it spins a core for the check's 5 s
def test_a_view_that_never_answers_is_stopped_and_stops_using_the_cpu():
    check, cpu = _run(SPINNING, CHECK, CPU)[1:]
    result = _result(check)
    assert result.status == "failed" and "did not answer within 5 s" in result.message
    assert float(cpu.outputs[0].text) < 0.5  # a spinning thread left behind would use ~1.0 s


def test_a_result_shows_as_html_with_the_hint_on_a_line_of_its_own(cells):
    data = next(o for o in cells[3].outputs if MIMETYPE in o.get("data", {})).data
    assert data["text/plain"].startswith("✗ 01.1 · Shout: the cell that defines `shout_app`")
    html = data["text/html"]
    assert "✗ not yet" in html and "<code>shout_app</code>" in html
    assert "white-space: normal" in html and "overflow-wrap: break-word" in html  # wraps at word boundaries
    miss = Result(
        "01.2", "I'm a <teapot>", "failed", "GET /coffee answered 200 OK, expected 418. Hint: return `body, 418`."
    )
    html = miss._repr_html_()
    assert "<div>GET /coffee answered 200 OK, expected 418.</div>" in html
    assert "<b>Hint:</b> return <code>body, 418</code>.</div>" in html
    assert "I&#39;m a &lt;teapot&gt;" in html  # escaped


def test_every_recorded_failing_or_passing_check_carries_its_html_twin():
    # test that the committed notebooks show results as HTML in Lab and as one line for nbval
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                if MIMETYPE in data:
                    assert data["text/html"].startswith("<div") and data["text/plain"][0] in "✓✗", path.name
