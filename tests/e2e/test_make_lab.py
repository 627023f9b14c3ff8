"""`make lab` as a learner runs it, and the start-up work tools/lab.py skips being work Lab never uses."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from tests.helpers import e2e
from tourapp.chapters import lifecycle
from tourapp.chapters.paths import ROOT

VENV = Path(sys.prefix)


@pytest.mark.slow
def test_make_lab_opens_chapter_00_of_the_learners_copy_with_a_terminal(tmp_path):
    # test the learner's command end to end: make lab writes their copy, serves it, opens 00,
    # loads Lab's extensions and the terminal's (not the hub proxy's nor the language servers')
    port, token, mine = lifecycle.free_port(), secrets.token_hex(16), tmp_path / "mine"
    url, auth = f"http://127.0.0.1:{port}", {"Authorization": f"token {token}"}
    env = dict(os.environ, **{name: str(tmp_path / name) for name in ["JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR"]})
    env.update(JUPYTER_RUNTIME_DIR=str(tmp_path / "rt"), IPYTHONDIR=str(tmp_path / "ipython"))
    lab_args = f"--no-browser --ip=127.0.0.1 --port={port} --ServerApp.port_retries=0 --IdentityProvider.token={token}"
    # This environment, whichever make test runs in (test-pythons, test-lowest), and -o: a test
    # never reinstalls it.
    command = ["make", "-C", str(ROOT), "lab", f"VENV={VENV}", f"MINE={mine}", f"LAB_ARGS={lab_args}"]
    command += ["-o", f"{VENV}/.installed-stamp", "-o", f"{VENV}/bin/uv"]
    log = tmp_path / "make-lab.log"
    with open(log, "wb") as out:
        make = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        e2e.wait_for_lab(make, url, auth, log)
        chapters = sorted(path.name for path in (ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
        assert sorted(path.name for path in mine.glob("*.ipynb")) == chapters
        opened = requests.get(f"{url}/", params={"token": token}, allow_redirects=False, timeout=30)
        assert opened.status_code == 302
        assert urlsplit(opened.headers["Location"]).path == "/lab/tree/00-start-here.ipynb"
        served = requests.get(f"{url}/api/contents/00-start-here.ipynb", headers=auth, timeout=30).json()
        assert served["type"] == "notebook" and served["path"] == "00-start-here.ipynb"
        assert requests.get(f"{url}/api/terminals", headers=auth, timeout=30).json() == []
    finally:
        try:  # Lab's own shutdown first: it stops what it started
            requests.post(f"{url}/api/shutdown", headers=auth, timeout=10)
            make.wait(timeout=30)
        except (requests.RequestException, subprocess.TimeoutExpired):
            pass
        lifecycle.stop_group(make)  # make and Lab by make's pid, if either is still there
    loaded = set(re.findall(r"(\w+) \| extension was successfully loaded", log.read_text(errors="replace")))
    assert {"jupyterlab", "jupyter_server_terminals", "notebook_shim"} <= loaded
    assert not loaded & {"jupyter_server_proxy", "jupyter_lsp"}


_SKIPPED = """
import importlib.util, json, logging, runpy, sys
runpy.run_path(sys.argv[1], run_name="lab")  # its settings, not main()
from jsonschema import FormatChecker
from jupyterlab import commands
# The yarn question as JupyterLab asks it: its module run afresh, without tools/lab.py's answer.
spec = importlib.util.find_spec("jupyterlab.commands")
unpatched = importlib.util.module_from_spec(spec)
spec.loader.exec_module(unpatched)
print(json.dumps({
    "formats": sorted(FormatChecker.checkers),
    "registry": commands.AppOptions().registry,
    "default": commands.YARN_DEFAULT_REGISTRY,
    "asked": unpatched._yarn_config(logging.getLogger("test")),
}))
"""


@pytest.mark.slow
def test_what_tools_lab_skips_is_what_lab_never_uses():
    # test tools/lab.py's two claims against the installed packages: only the IRI formats go,
    # and no Jupyter schema uses them; JupyterLab's own yarn question (node runs it when it is on
    # PATH) names no registry, so Lab's default is what it would have used anyway
    done = subprocess.run(
        [sys.executable, "-c", _SKIPPED, str(ROOT / "tools" / "lab.py")], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    skipped = json.loads(done.stdout.splitlines()[-1])
    assert {"iri", "iri-reference"}.isdisjoint(skipped["formats"])
    assert {"uri", "uri-reference", "email", "date-time"} <= set(skipped["formats"])
    site = Path(requests.__file__).parent.parent
    schemas = [
        path
        for package in ["jupyter_events", "jupyter_server", "jupyterlab_server", "jupyterlab", "nbformat"]
        for path in (site / package).rglob("*")
        if path.suffix in {".json", ".yaml", ".yml"}
    ]
    assert schemas
    uses_iri = re.compile(r"""["']?format["']?\s*:\s*["']?iri""")
    assert [path for path in schemas if uses_iri.search(path.read_text(errors="replace"))] == []
    assert skipped["registry"] == skipped["default"]
    assert skipped["asked"]["yarn config"].get("registry", skipped["default"]) == skipped["default"]
