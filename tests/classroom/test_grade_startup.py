"""What a graded kernel and its flask commands start with: only what the notebook needs, compiled ahead."""

import asyncio
import importlib.util
import os
import subprocess
import sys

import flask.app
import nbformat
import pytest
from nbformat.v4 import new_code_cell

from tourapp.chapters.paths import ROOT
from tourapp.classroom import sandbox
from tourapp.classroom.bytecode import precompile
from tourapp.classroom.submissions import kernels


def _modules_after(code):
    """Run ``code`` in a fresh interpreter; return the names of the modules it imported."""
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint(' '.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return set(out.stdout.split())


def test_importing_tourapp_leaves_the_checks_ipython_and_the_server_for_later():
    # `flask --app tourapp.chapters.hello` and the grader import tourapp too.
    modules = _modules_after("import tourapp.chapters.hello")
    assert (
        not {"IPython", "tourapp.classroom.exercises", "tourapp.notebook.server", "tourapp.notebook.display"} & modules
    )
    modules = _modules_after("from tourapp import check, serve, show, show_code")
    assert {"tourapp.classroom.exercises", "tourapp.notebook.server", "tourapp.notebook.display"} <= modules


def test_checking_a_chapter_imports_its_own_checks_only():
    modules = _modules_after("from tourapp.classroom.exercises import get\nassert get('01.1').name == 'shout_app'")
    assert "tourapp.classroom.exercises.hello" in modules
    assert not {"sqlalchemy", "tourapp.classroom.exercises.cities", "tourapp.classroom.exercises.forms"} & modules
    # Another chapter's exercise is found all the same, and an unknown id still names the chapter's.
    modules = _modules_after(
        "from tourapp.classroom.exercises import get, run\nassert get('01.1') and get('10.1').chapter == '10'\n"
        "assert 'this chapter has: 01.1, 01.2, 01.3' in run('01.9').message"
    )
    assert "tourapp.classroom.exercises.cities" in modules


def test_the_grader_compiles_the_bytecode_its_kernels_read():
    precompile.__wrapped__()  # not the once-per-process copy: this test's own run
    for source in (ROOT / "tourapp" / "classroom" / "exercises" / "registry.py", flask.app.__file__):
        compiled = importlib.util.cache_from_source(str(source))
        assert os.path.exists(compiled), compiled
        assert os.path.getmtime(compiled) >= os.path.getmtime(source)


@pytest.mark.slow
def test_a_graded_kernel_runs_without_the_debugger_and_the_history_database():
    shown = "print(sys.modules.get('debugpy', 'absent'), get_ipython().history_manager.enabled)"
    nb = nbformat.v4.new_notebook(cells=[new_code_cell(f"import sys\n{shown}")])
    limits = None if sandbox.unavailable() else sandbox.Limits()
    assert asyncio.run(kernels.execute(nb, 30, limits)) == (None, False)
    assert nb.cells[0].outputs[0]["text"] == "None False\n"
