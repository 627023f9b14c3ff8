"""`python -m tourapp lab`: the learner's path on a computer with Python and nothing else (no make, no bash)."""

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.helpers import e2e
from tourapp.chapters import lifecycle
from tourapp.chapters.paths import ROOT
from tourapp.classroom import lab


def stop(lab, url, token):
    """Shut Lab down through its API; then stop its process group by pid, if anything is left."""
    try:
        requests.post(f"{url}/api/shutdown", headers={"Authorization": f"token {token}"}, timeout=10)
        lab.wait(timeout=30)
    except (requests.RequestException, subprocess.TimeoutExpired):
        pass
    lifecycle.stop_group(lab)


VENV = Path(sys.prefix)


def _isolated_jupyter(tmp_path):
    """Return an environment whose Jupyter configuration, data and runtime folders are the test's own."""
    env = {name: str(tmp_path / name) for name in ["JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR"]}
    return dict(env, IPYTHONDIR=str(tmp_path / "ipython"))


@pytest.mark.slow
def test_the_learners_path_needs_only_python_no_make_no_bash(tmp_path):
    # test what a learner on Windows does, here on Linux with a PATH that holds Python alone: the
    # system's Python (not the venv's) runs `python -m tourapp lab`, which finds the workbook's
    # environment set up, runs itself again there, writes the learner's copy and starts Lab with
    # the learner's settings; the user's own Jupyter folders get none of them
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").symlink_to(Path(sys._base_executable).resolve())
    path = str(bin_dir)
    assert shutil.which("make", path=path) is None and shutil.which("bash", path=path) is None
    assert shutil.which("sh", path=path) is None and shutil.which("python", path=path)
    port, token, mine = lifecycle.free_port(), secrets.token_hex(16), tmp_path / "my notebooks"
    url, auth = f"http://127.0.0.1:{port}", {"Authorization": f"token {token}"}
    env = {"PATH": path, "HOME": str(tmp_path / "home"), **_isolated_jupyter(tmp_path)}
    if "SYSTEMROOT" in os.environ:  # Windows' Python needs it to start
        env["SYSTEMROOT"] = os.environ["SYSTEMROOT"]
    options = ["--ip=127.0.0.1", f"--port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}"]
    command = ["python", "-m", "tourapp", "lab", "--into", str(mine), "--venv", str(VENV), "--no-browser", *options]
    log = tmp_path / "lab.log"
    with open(log, "wb") as out:
        learner = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        e2e.wait_for_lab(learner, url, auth, log)
        chapters = sorted(path.name for path in (ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
        assert sorted(path.name for path in mine.glob("*.ipynb")) == chapters
        served = requests.get(f"{url}/api/contents/01-hello.ipynb", headers=auth, timeout=30).json()
        assert served["type"] == "notebook" and "**Your copy**" in served["content"]["cells"][0]["source"]
        settings = f"{url}/lab/api/settings"
        tracker = requests.get(f"{settings}/@jupyterlab/notebook-extension:tracker", headers=auth, timeout=30).json()
        assert tracker["schema"]["properties"]["codeCellConfig"]["default"]["lineNumbers"] is True
        news = requests.get(f"{settings}/@jupyterlab/apputils-extension:notification", headers=auth, timeout=30).json()
        assert news["schema"]["properties"]["fetchNews"]["default"] == "false"
        page = requests.get(f"{url}/lab/tree/00-start-here.ipynb", headers=auth, timeout=30).text
        config = json.loads(
            re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', page, re.S)[1]
        )
        assert {"@jupyterhub/jupyter-server-proxy", "@jupyterlab/lsp-extension"} <= set(config["disabledExtensions"])
    finally:
        stop(learner, url, token)
    text = log.read_text(errors="replace")
    assert text.count("Opening ") == 1, text
    assert not (tmp_path / "JUPYTER_CONFIG_DIR" / "lab" / "user-settings").exists()


def test_lab_options_allow_root_only_where_there_is_root_and_keep_the_callers_last():
    # test the arguments the learner's Lab gets: its folder, chapter 00, the hub-only extensions
    # off, --allow-root only as root (and never where os.geteuid does not exist, as on Windows)
    argv = lab.lab_argv(Path("mine"), ["--port=8890"])
    assert argv[-1] == "--port=8890"
    assert "--ServerApp.root_dir=mine" in argv and "--LabApp.default_url=/lab/tree/00-start-here.ipynb" in argv
    assert ("--allow-root" in argv) == (hasattr(os, "geteuid") and os.geteuid() == 0)
    assert lab.python_in(Path("v")).parts[-2:] == (("Scripts", "python.exe") if os.name == "nt" else ("bin", "python"))


def test_python_m_tourapp_without_a_command_says_how_to_use_it():
    done = subprocess.run([sys.executable, "-m", "tourapp"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "python -m tourapp lab" in done.stderr


@pytest.mark.slow
@pytest.mark.jupyterlab
def test_the_learners_lab_in_a_browser_asks_for_nothing_missing_and_shows_line_numbers(tmp_path):
    # test what the learner sees in Chromium: no request answered 404 (the browser halves of the
    # server extensions left out), no news pop-up, line numbers in code cells, and the Colab cell
    # folded to its one-line heading, the repository's address out of sight
    port, token, mine = lifecycle.free_port(), secrets.token_hex(16), tmp_path / "mine"
    url, auth = f"http://127.0.0.1:{port}", {"Authorization": f"token {token}"}
    env = dict(os.environ, **_isolated_jupyter(tmp_path))
    options = ["--no-browser", "--ip=127.0.0.1", f"--port={port}", f"--IdentityProvider.token={token}"]
    log = tmp_path / "lab.log"
    command = [sys.executable, "-m", "tourapp", "lab", "--into", str(mine), "--venv", str(VENV), *options]
    with open(log, "wb") as out:
        learner = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    failed, errors = [], []
    try:
        e2e.wait_for_lab(learner, url, auth, log)
        with e2e.chromium() as browser:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("response", lambda response: response.status >= 400 and failed.append(response.url))
            page.on("console", lambda message: message.type == "error" and errors.append(message.text[:300]))
            page.goto(f"{url}/lab/tree/01-hello.ipynb?token={token}")
            page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=90_000)
            page.wait_for_selector(".jp-CodeCell .cm-lineNumbers", timeout=30_000)
            time.sleep(3)  # what Lab asks for after the kernel is up (the news, the language servers)
            e2e.screenshot(page, "learner-lab-01")
            toasts = page.locator(".Toastify__toast").all_inner_texts()
            first_code = page.locator(".jp-CodeCell").first
            folded = first_code.locator(".jp-InputPlaceholder").count() == 1
            heading = first_code.inner_text()
    finally:
        stop(learner, url, token)
    assert failed == [] and errors == [], (failed, errors)
    assert toasts == []
    copy = json.loads((mine / "01-hello.ipynb").read_text())
    colab = next(cell for cell in copy["cells"] if cell.get("id") == "colab")
    if colab["metadata"].get("jupyter", {}).get("source_hidden"):  # once python tools/colab_cell.py has run
        assert folded and "For Google Colab only" in heading and "OWNER/REPO" not in heading, heading


@pytest.mark.slow
def test_python_m_tourapp_refresh_keeps_the_old_copy(tmp_path):
    # test the refresh a learner without make runs: a fresh chapter 01, theirs kept in old/
    command = [sys.executable, "-m", "tourapp", "refresh", "01", "--into", str(tmp_path), "--venv", str(VENV)]
    first = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0 and (tmp_path / "01-hello.ipynb").exists(), first.stderr
    again = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0 and "kept your old copy as" in again.stdout, again.stderr
    assert [path.name[:9] for path in (tmp_path / "old").iterdir()] == ["01-hello."]
