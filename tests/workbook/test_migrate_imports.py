"""tools/migrate_imports.py turns the flat package's names into the rooms' names, once."""

import json
import subprocess
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

SCRIPT = Path(__file__).resolve().parents[2] / "tools" / "migrate_imports.py"

OLD = """\
from tourapp import check, postgres, processes, serve, show, show_code
from tourapp.paths import STATIC, TEMPLATES
from tourapp.exercises import assert_passed  # noqa: E402
import tourapp.db
show_code(tourapp.db)
python -m tourapp.grade submissions/*.ipynb; see tourapp/exercises/hello.py and tests/test_07_templates.py
masked by tests/nbval_sanitize.cfg; tests/test_server.py; from tourapp.chapters import hello
"""
NEW = """\
from tourapp import check, serve, show, show_code
from tourapp.chapters import postgres, processes
from tourapp.chapters.paths import STATIC, TEMPLATES
from tourapp.classroom.exercises import assert_passed  # noqa: E402
import tourapp.chapters.db
show_code(tourapp.chapters.db)
python -m tourapp.classroom.grade submissions/*.ipynb; see tourapp/classroom/exercises/hello.py and \
tests/chapters/test_07_templates.py
masked by tourapp/classroom/nbval_sanitize.cfg; tests/notebook/test_server.py; from tourapp.chapters import hello
"""


def _migrate(*paths):
    return subprocess.run([sys.executable, str(SCRIPT), *map(str, paths)], capture_output=True, text=True, check=True)


def test_old_names_become_new_ones_and_a_second_run_changes_nothing(tmp_path):
    text = tmp_path / "notes.md"
    text.write_text(OLD)
    _migrate(text)
    assert text.read_text() == NEW
    assert _migrate(text).stdout == ""  # idempotent
    assert text.read_text() == NEW


def test_a_notebook_keeps_its_format_and_outputs(tmp_path):
    # test that cells are rewritten, outputs left for make record, and the file written as nbformat writes it
    cell = new_code_cell("from tourapp.db import City, db\nprint(1)", id="setup")
    cell.outputs = [nbformat.v4.new_output("stream", text="tourapp/db.py\n")]
    nb = new_notebook(cells=[new_markdown_cell("`tourapp.paths.STATIC` is …", id="prose"), cell])
    path = tmp_path / "01-x.ipynb"
    nbformat.write(nb, path)
    _migrate(path)
    migrated = nbformat.read(path, as_version=4)
    assert [c.source for c in migrated.cells] == [
        "`tourapp.chapters.paths.STATIC` is …",
        "from tourapp.chapters.db import City, db\nprint(1)",
    ]
    assert migrated.cells[1].outputs[0].text == "tourapp/db.py\n"
    assert (
        path.read_text()
        == json.dumps(json.loads(path.read_text()), sort_keys=True, indent=1, ensure_ascii=False) + "\n"
    )
    nbformat.write(migrated, tmp_path / "again.ipynb")
    assert (tmp_path / "again.ipynb").read_text() == path.read_text()
