"""The Codespace set-up: .devcontainer/devcontainer.json makes the same environment `make lab` does."""

import json
import re
import subprocess
import sys
import tomllib

import pytest

from tourapp.chapters.paths import ROOT

CONFIG = json.loads((ROOT / ".devcontainer" / "devcontainer.json").read_text())
MAKEFILE = (ROOT / "Makefile").read_text()


def test_the_codespace_is_set_up_by_a_make_target_that_exists():
    command = CONFIG["postCreateCommand"].split()
    assert command[0] == "make"
    assert all(re.search(rf"^{re.escape(target)}:", MAKEFILE, re.MULTILINE) for target in command[1:]), command


def test_the_codespace_python_is_one_the_workbook_supports():
    version = re.search(r"python:(\d+)\.(\d+)", CONFIG["image"]).groups()
    floor = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert floor.startswith(">=")
    assert tuple(map(int, version)) >= tuple(map(int, floor[2:].split(".")))


def test_vs_code_runs_the_notebooks_in_the_venv_make_creates():
    venv = re.search(r"^VENV \?= (\S+)$", MAKEFILE, re.MULTILINE).group(1)
    interpreter = CONFIG["customizations"]["vscode"]["settings"]["python.defaultInterpreterPath"]
    assert interpreter == f"${{containerWorkspaceFolder}}/{venv}/bin/python"
    assert {"ms-python.python", "ms-toolsai.jupyter"} <= set(CONFIG["customizations"]["vscode"]["extensions"])


def test_lab_port_is_forwarded_and_the_apps_ports_quietly():
    assert 8888 in CONFIG["forwardPorts"]
    # serve() picks free ports: VS Code forwards each as it opens, without a pop-up per app
    assert CONFIG["otherPortsAttributes"]["onAutoForward"] == "silent"


@pytest.mark.slow
def test_make_setup_writes_the_learners_copy_without_starting_lab(tmp_path):
    mine = tmp_path / "my notebooks"
    subprocess.run(
        ["make", "--no-print-directory", "setup", f"MINE={mine}", f"VENV={sys.prefix}"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert (mine / "00-start-here.ipynb").is_file() and (mine / "01-hello.ipynb").is_file()
