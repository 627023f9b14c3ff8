"""A learner's path: Run All, then go back to the exercises and run them again, in the same kernel.

After Run All a chapter's clean-up cells have run (servers stopped, temporary folders gone), so
every helper an exercise uses must survive them. One class per notebook lets pytest-xdist's
loadscope spread the notebooks over workers.
"""

import re

import nbformat
import pytest
from nbclient import NotebookClient

from tests.helpers.support import kernel_manager
from tourapp.chapters.paths import ROOT
from tourapp.classroom.exercises import CHECK_CELL, get, results_in

NOTEBOOKS = [p for p in sorted((ROOT / "notebooks").glob("*.ipynb")) if not p.name.startswith("00-")]


def run_all_then_exercises(path):
    """Run a notebook top to bottom, then each exercise's answer cell and check cell again."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, km=kernel_manager(), timeout=120, resources={"metadata": {"path": str(path.parent)}})
    again = {}
    with client.setup_kernel(cleanup_kc=True):
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                client.execute_cell(cell, index)
        for index, cell in enumerate(nb.cells):
            found = CHECK_CELL.search(cell.source)
            if not found:
                continue
            exercise = get(found.group(1))
            answer = next(i for i in range(index - 1, -1, -1) if f"def {exercise.name}(" in nb.cells[i].source)
            client.execute_cell(nb.cells[answer], answer)
            client.execute_cell(cell, index)
            again[exercise.id] = results_in(cell.outputs)
    return again


class _AfterRunAll:
    path = None

    @pytest.mark.slow
    def test_every_exercise_checks_again_after_run_all(self):
        again = run_all_then_exercises(self.path)
        assert again, f"{self.path.name} has no exercises"
        for exercise, results in again.items():
            assert [r.status for r in results] == ["passed"], (exercise, [str(r) for r in results])


for _path in NOTEBOOKS:
    _name = "Test_" + re.sub(r"\W", "_", _path.stem)
    globals()[_name] = type(_name, (_AfterRunAll,), {"path": _path})
