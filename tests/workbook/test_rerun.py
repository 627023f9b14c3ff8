"""Every notebook runs twice in one kernel with no error and the same outputs both times.

A learner re-runs cells all the time: a second pass must not meet "Address already in use",
a second server, or data the first pass changed. One class per notebook lets pytest-xdist's
loadscope spread the notebooks over workers.
"""

import copy

import nbformat
import pytest
from nbclient import NotebookClient

from tests.helpers.support import kernel_manager, sanitize, sanitizers
from tourapp.chapters.paths import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
RULES = sanitizers()


def _outputs(cell):
    """Describe a cell's outputs as comparable text, masked like nbval masks them."""
    described = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            if described and described[-1][0] == output.name:  # a stream may arrive in pieces
                described[-1][1] += output.text
            else:
                described.append([output.name, output.text])
        elif output.output_type in ("display_data", "execute_result"):
            described.append([output.output_type, {mime: str(value) for mime, value in output.data.items()}])
        else:
            described.append([output.output_type, f"{output.get('ename')}: {output.get('evalue')}"])
    return [(kind, sanitize(repr(value), RULES)) for kind, value in described]


def run_twice(path):
    """Run all cells of a notebook, then all of them again, in one kernel; return both outputs."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, km=kernel_manager(), timeout=120, resources={"metadata": {"path": str(path.parent)}})
    passes = []
    with client.setup_kernel(cleanup_kc=True):
        for _ in range(2):
            cells = copy.deepcopy(nb.cells)
            for index, cell in enumerate(cells):
                if cell.cell_type == "code":
                    client.execute_cell(cell, index)  # raises CellExecutionError on any error
            # a cell marked NBVAL_IGNORE_OUTPUT prints measured times: it must run, not repeat itself
            passes.append(
                [
                    _outputs(c) if "NBVAL_IGNORE_OUTPUT" not in c.source else "measured"
                    for c in cells
                    if c.cell_type == "code"
                ]
            )
    return passes


class _RerunNotebook:
    path = None

    @pytest.mark.slow
    def test_second_pass_in_the_same_kernel_gives_the_same_outputs(self):
        first, second = run_twice(self.path)
        for index, (a, b) in enumerate(zip(first, second, strict=True)):
            assert a == b, f"{self.path.name}: code cell {index} differs on the second pass"


for _path in NOTEBOOKS:
    _name = "TestRerun_" + _path.stem.replace("-", "_")
    globals()[_name] = type(_name, (_RerunNotebook,), {"path": _path})
