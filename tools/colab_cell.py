"""Give every notebook, after its title, a code cell that installs the workbook on Google Colab.

Usage: python tools/colab_cell.py [--check] [NOTEBOOK ...]   (default: every notebook in notebooks/)

The cell does nothing outside Colab and prints nothing, so recorded outputs stay as they are.
Where it does nothing it stays out of the way: its code is folded away under its first line, a
one-line "For Google Colab only" heading (JupyterLab's hidden input, Colab's form view, which
shows that line as the cell's title), so a learner in Lab never meets the repository's address.
On Colab it clones the repository named by ``[project.urls] Repository`` in pyproject.toml and
installs it editable (the package finds templates/, static/ and data/ next to itself, which a
plain ``pip install git+…`` would leave out), with the dependencies the notebooks need; Colab
brings its own Jupyter, which must not be replaced. Running the script again changes nothing,
unless pyproject.toml did; ``--check`` only reports notebooks that are out of date.
"""

import argparse
import re
import sys
import tomllib
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell

ROOT = Path(__file__).resolve().parent.parent
CELL_ID = "colab"
CLONE = "/content/flask-tour"
# Colab's own kernel and Jupyter: installing ours over them can break the running session.
NOT_ON_COLAB = {"jupyterlab", "ipykernel", "nbclient", "nbformat", "nbconvert", "jupyter-server-proxy"}
# Folded in JupyterLab (its first line stays in view) and a form on Colab (its title in view).
METADATA = {"jupyter": {"source_hidden": True}, "cellView": "form"}
TEMPLATE = """\
# @title For Google Colab only: installs the workbook there. Elsewhere this cell does nothing.
# On Colab: fetch the workbook and install what it needs (about half a minute). Anywhere else
# (JupyterLab, a JupyterHub, Binder) the workbook is installed already.
try:
    import google.colab  # noqa: F401  (only asks whether this is Colab)
except ImportError:
    pass
else:
    import os
    import sys
    !test -d {clone} || git clone --quiet --depth 1 {url} {clone}
    !"{{sys.executable}}" -m pip install --quiet --no-deps --editable {clone}
    !"{{sys.executable}}" -m pip install --quiet \\
{requirements}
    sys.path.insert(0, "{clone}")  # this kernel started before the install
    os.chdir("{clone}/notebooks")"""


def cell_source(pyproject):
    """Return the Colab cell's source for the project described by ``pyproject`` (its text)."""
    project = tomllib.loads(pyproject)["project"]
    wanted = [r for r in project["dependencies"] if _name(r) not in NOT_ON_COLAB]
    quoted = [f'"{r}"' if re.search(r"[<>=!~;\[ ]", r) else r for r in wanted]
    # Lines short enough for the lint (120 characters); IPython joins them into one command.
    lines = [[]]
    for requirement in quoted:
        if lines[-1] and len(" ".join([*lines[-1], requirement])) > 100:
            lines.append([])
        lines[-1].append(requirement)
    requirements = " \\\n".join(" " * 8 + " ".join(line) for line in lines)
    return TEMPLATE.format(clone=CLONE, url=project["urls"]["Repository"], requirements=requirements)


def _name(requirement):
    """Return a requirement's normalized project name: ``Flask-SQLAlchemy>=3.1`` → ``flask-sqlalchemy``."""
    return re.sub(r"[-_.]+", "-", re.match(r"\s*([A-Za-z0-9_.\-]+)", requirement).group(1)).lower()


def place(nb, source):
    """Put the Colab cell, folded, right after the title cell, or update it there; return whether nb changed."""
    cells = nb.cells
    found = [i for i, cell in enumerate(cells) if cell.get("id") == CELL_ID]
    if found == [1] and cells[1].source == source and _folded(cells[1]):
        return False
    if found:
        cell = cells.pop(found[0])
        cell.source = source
    else:
        cell = new_code_cell(source, id=CELL_ID)
    for key, value in METADATA.items():  # the cell's other metadata (nbgrader's marks) stays
        cell.metadata[key] = value
    cells.insert(1, cell)
    _renumber(nb)
    return True


def _folded(cell):
    """Say whether the cell carries the metadata that folds it away in Lab and on Colab."""
    return all(cell.metadata.get(key) == value for key, value in METADATA.items())


def _renumber(nb):
    """Number a recorded notebook's code cells 1, 2, … again, as a fresh Run All would."""
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    if any(cell.execution_count for cell in code):
        for count, cell in enumerate(code, start=1):
            cell.execution_count = count
            for output in cell.outputs:
                if output.output_type == "execute_result":
                    output.execution_count = count


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; fail if a notebook is out of date")
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)
    source = cell_source((ROOT / "pyproject.toml").read_text())
    stale = []
    for path in args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        if place(nb, source):
            stale.append(path)
            if not args.check:
                nbformat.write(nb, path)
    verb = "out of date" if args.check else "updated"
    for path in stale:
        path = Path(path).resolve()
        print(f"{verb}: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
