"""The first cell of every notebook installs the workbook on Google Colab, and does nothing elsewhere."""

import os
import subprocess
import sys
import sysconfig
import venv

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager

from tests.helpers.support import site_packages
from tourapp.chapters.paths import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _colab_cell(path):
    nb = nbformat.read(path, as_version=4)
    return nb.cells[1]


def test_every_notebook_has_the_current_colab_cell_after_its_title():
    result = subprocess.run(
        [sys.executable, "tools/colab_cell.py", "--check"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, f"run python tools/colab_cell.py:\n{result.stdout}{result.stderr}"
    for path in NOTEBOOKS:
        cell = _colab_cell(path)
        assert cell.cell_type == "code" and cell.get("id") == "colab", path.name
        assert cell.outputs == [], "off Colab the cell prints nothing"


def test_colab_cell_is_folded_under_a_one_line_heading_and_written_once(tmp_path):
    # test that a learner in Lab sees one "For Google Colab only" line, not the repository's
    # address: Lab folds the input (its first line stays in view), Colab shows its form title;
    # and that the script is idempotent and keeps the cell's other metadata
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import colab_cell
    finally:
        sys.path.remove(str(ROOT / "tools"))
    nb = nbformat.read(NOTEBOOKS[1], as_version=4)
    nb.cells[1].metadata = {"nbgrader": {"keep": True}}  # as committed before folding, marks and all
    source = colab_cell.cell_source((ROOT / "pyproject.toml").read_text())
    assert colab_cell.place(nb, source) is True
    cell = nb.cells[1]
    assert cell.metadata["jupyter"] == {"source_hidden": True} and cell.metadata["cellView"] == "form"
    assert cell.metadata["nbgrader"] == {"keep": True}
    heading = cell.source.splitlines()[0]
    assert heading.startswith("# @title For Google Colab only") and "github.com" not in heading
    assert colab_cell.place(nb, source) is False
    path = tmp_path / "01-hello.ipynb"
    nbformat.write(nb, path)
    again = subprocess.run([sys.executable, "tools/colab_cell.py", "--check", str(path)], cwd=ROOT, capture_output=True)
    assert again.returncode == 0, again.stdout


def test_colab_cell_takes_its_branch_only_where_google_colab_imports():
    source = _colab_cell(NOTEBOOKS[0]).source
    code = TransformerManager().transform_cell(source)  # what IPython runs: ! lines become calls
    ran = []
    namespace = {"get_ipython": lambda: type("Shell", (), {"system": lambda self, cmd: ran.append(cmd)})()}
    cwd = os.getcwd()
    exec(compile(code, "colab-cell", "exec"), namespace)
    assert ran == [] and os.getcwd() == cwd


@pytest.mark.slow
def test_colab_cell_installs_a_workbook_that_finds_its_folders_and_serves(tmp_path):
    """Run the cell's Colab branch for real, with only what exists solely on Colab stood in for.

    An empty ``google.colab`` package makes the cell take its Colab branch; /content is a
    temporary folder; the clone comes from this repository's committed HEAD instead of GitHub;
    the new virtual environment sees the workbook's dependencies (Colab has Flask already).
    git, pip, the editable install, IPython and the served app are real.
    """
    fake = tmp_path / "fake"
    (fake / "google" / "colab").mkdir(parents=True)
    (fake / "google" / "colab" / "__init__.py").write_text('"""Stands in for Colab\'s package."""\n')
    env_dir = tmp_path / "colab-python"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    site = site_packages(python)
    # Colab comes with IPython, requests and Flask; here they come from the workbook's venv.
    with open(os.path.join(site, "workbook-deps.pth"), "w") as pth:
        pth.write(sysconfig.get_path("purelib") + "\n")
    content = tmp_path / "content"
    content.mkdir()
    source = _colab_cell(NOTEBOOKS[1]).source
    url = next(word for word in source.split() if word.startswith("https://github.com/"))
    source = source.replace("/content", str(content)).replace(url, ROOT.as_uri())
    after = f"""
import subprocess, requests
import tourapp
from tourapp import serve
from tourapp.chapters import templates
print("package:", tourapp.__file__)
print("cwd:", os.getcwd())
with serve(templates.app) as server:
    page = requests.get(server.url + "/greet/Peter/")
    print("page:", page.status_code, "Hello Peter" in page.text, "style.css" in page.text)
init = subprocess.run([sys.executable, "-m", "flask", "--app", "tourapp.chapters.cities", "init-db"],
                      env=dict(os.environ, DATABASE_URL="sqlite:///{tmp_path}/cities.db"),
                      capture_output=True, text=True)
print("init-db:", init.returncode, init.stdout.strip(), init.stderr[-500:])
"""
    script = tmp_path / "notebook.ipy"
    script.write_text(source + "\n" + after)
    env = dict(os.environ, PYTHONPATH=str(fake), HOME=str(tmp_path), PIP_DISABLE_PIP_VERSION_CHECK="1")
    env.pop("JUPYTERHUB_SERVICE_PREFIX", None)
    result = subprocess.run(
        [python, "-m", "IPython", "--quick", "--no-banner", "--colors=nocolor", str(script)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    log = result.stdout + result.stderr
    clone = content / "flask-tour"
    assert f"package: {clone / 'tourapp' / '__init__.py'}" in log, log
    assert f"cwd: {clone / 'notebooks'}" in log, log
    assert "page: 200 True True" in log, log  # templates/ found next to the cloned package
    assert "init-db: 0 " in log, log  # a subprocess finds the package too: the install is editable
