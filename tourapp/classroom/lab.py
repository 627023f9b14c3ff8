"""Open the learner's own copy of the workbook in JupyterLab, on any computer with Python.

Usage: python -m tourapp lab [--into DIR] [--venv DIR] [JupyterLab's options, e.g. --no-browser --port=8890]

This is what ``make lab`` runs, and all a learner without make or bash (Windows) needs. Started by
a Python that lacks the workbook's packages, it first sets up ``.venv`` as ``make lab`` does (the
locked versions, installed with uv) and runs itself again there. Then it writes the chapters
missing from ``my-notebooks/`` (``tourapp.classroom.learner``) and starts JupyterLab on that folder, with
the learner's settings of ``tools/lab-learner/`` (line numbers on, no news pop-up) layered under
the user's own: nothing in the user's Jupyter configuration is changed.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the checkout: tourapp/classroom/lab.py
SETTINGS = ROOT / "tools" / "lab-learner"
LOCK = ROOT / "requirements.lock"
EXCLUDES = ROOT / "tools" / "uv-excludes.txt"  # what uv leaves out (the file says why)
FIRST = "00-start-here.ipynb"
# On one's own machine the apps' links go straight to 127.0.0.1: the proxy the links take on a hub
# or Binder, and the language-server bridge (no language server is installed), are left out, and
# Lab starts sooner. Their browser halves are turned off in tools/lab-learner/ to match.
LOCAL_ONLY = "{'jupyter_server_proxy': False, 'jupyter_lsp': False}"


def quicken():
    """Spare JupyterLab two start-up costs whose result it never uses (about 1.5 s of its 2.2 s of CPU)."""
    # jsonschema builds rfc3987_syntax's Lark parsers on import (about 1.2 s of CPU) to check the
    # "iri" formats, which no Jupyter schema uses (python-jsonschema/jsonschema#1428): marked
    # missing, it leaves those two formats unchecked in Lab's own process only. The workbook's own
    # environments leave it out (tools/uv-excludes.txt); pip and conda (Binder) still install it.
    sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]  # None: "not installed", to import
    from jupyterlab import commands

    # Importing labapp asks the bundled yarn for an npm registry when node is on PATH (0.4-0.6 s
    # of CPU); this JupyterLab cannot read yarn 3's answer, so the answer is always "nothing set".
    commands._yarn_config = lambda logger: {"yarn config": {}, "npm config": {}}


def python_in(venv):
    """Return the path of a virtual environment's Python, on Windows as elsewhere."""
    return Path(venv) / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _stale(venv):
    """Say whether the environment must be (re)installed: no stamp, or one older than its sources."""
    stamp = Path(venv) / ".installed-stamp"
    if not stamp.exists():
        return True
    sources = [ROOT / "pyproject.toml", LOCK, EXCLUDES]
    return any(source.stat().st_mtime > stamp.stat().st_mtime for source in sources)


def set_up(venv):
    """Create the environment and install the locked packages into it, as make's .venv rule does."""
    venv = Path(venv)
    python = python_in(venv)
    if not python.exists():
        print(f"Creating {venv} (a virtual environment for the workbook) …", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    if not _stale(venv):
        return python
    uv = venv / ("Scripts/uv.exe" if os.name == "nt" else "bin/uv")
    if not uv.exists() and (found := shutil.which("uv")):
        uv = Path(found)
    elif not uv.exists():  # pip only fetches uv, which installs the lock in seconds
        pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "uv>=0.9"]
        subprocess.run(pip, check=True)
    print(f"Installing the workbook's packages into {venv} (the versions {LOCK.name} pins) …", flush=True)
    install = [str(uv), "pip", "install", "--quiet", "--python", str(python), "-r", str(LOCK), "-e", ".[test]"]
    install += ["--excludes", str(EXCLUDES)]  # as the Makefile's UV_EXCLUDE
    subprocess.run(install, cwd=ROOT, check=True)
    (venv / ".installed-stamp").touch()
    return python


def _ready_here(venv):
    """Say whether this Python is the one to start Lab: the workbook's environment, set up already.

    ``make lab`` runs the environment's own Python, having brought it up to date; so does the
    second run below. A Python outside any virtual environment (the system's, Anaconda's base) is
    never used as it is, even where it has Flask and JupyterLab: their versions are not the lock's.
    """
    if Path(sys.prefix).resolve() == Path(venv).resolve():
        return True
    installed = all(importlib.util.find_spec(name) for name in ["jupyterlab", "flask", "nbformat"])
    return sys.prefix != sys.base_prefix and installed


def lab_argv(into, options):
    """Return JupyterLab's arguments for the learner's folder, then the caller's own options."""
    argv = [
        f"--ServerApp.jpserver_extensions={LOCAL_ONLY}",
        f"--ServerApp.root_dir={into}",
        f"--LabApp.default_url=/lab/tree/{FIRST}",
    ]
    if getattr(os, "geteuid", lambda: None)() == 0:  # containers and CI often run as root; Windows has no euid
        argv.insert(0, "--allow-root")
    return argv + list(options)


def _shown(path):
    path = Path(path).resolve()
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)


def _in_workbook_env(venv, command):
    """Run ``python -m tourapp <command>`` in the workbook's environment, set up first, unless this is it.

    Return the exit status of that run, or None when this Python is the one to go on in.
    """
    if sys.version_info < (3, 11):  # noqa: UP036  (run by any Python a learner has, before any set-up)
        print(f"The workbook needs Python 3.11 or newer; this is {sys.version.split()[0]} ({sys.executable}).")
        return 1
    if _ready_here(venv):
        return None
    try:
        python = set_up(venv)
    except (OSError, subprocess.CalledProcessError) as exc:
        print(f"Setting up {venv} failed: {exc}. Its output above says why.", file=sys.stderr)
        return 1
    with subprocess.Popen([str(python), "-m", "tourapp", *command], cwd=ROOT) as again:
        while True:
            try:  # Ctrl+C reaches Lab too, which asks whether to stop: wait for its answer
                return again.wait()
            except KeyboardInterrupt:
                continue


def refresh(argv=None):
    """Give the learner a fresh copy of one chapter, keeping theirs: ``python -m tourapp refresh 01``."""
    parser = argparse.ArgumentParser(prog="python -m tourapp refresh", description=refresh.__doc__)
    parser.add_argument("chapter", metavar="NN", help="the chapter's number, e.g. 01")
    parser.add_argument("--into", type=Path, default=ROOT / "my-notebooks", help="the learner's folder")
    parser.add_argument("--venv", type=Path, default=ROOT / ".venv", help="where to set up the workbook's packages")
    args = parser.parse_args(argv)
    command = ["refresh", args.chapter, "--into", str(args.into), "--venv", str(args.venv)]
    elsewhere = _in_workbook_env(args.venv, command)
    if elsewhere is not None:
        return elsewhere
    from .learner import main as learner

    return learner(["--into", str(args.into), "--refresh", args.chapter])


def setup(argv=None):
    """Set up the workbook's environment and write the learner's copy, without starting Lab.

    For VS Code and GitHub Codespaces (``make setup`` in .devcontainer/), whose notebooks then run
    in ``.venv``'s kernel: ``python -m tourapp setup``.
    """
    parser = argparse.ArgumentParser(prog="python -m tourapp setup", description=(setup.__doc__ or "").split("\n\n")[0])
    parser.add_argument("--into", type=Path, default=ROOT / "my-notebooks", help="the learner's folder")
    parser.add_argument("--venv", type=Path, default=ROOT / ".venv", help="where to set up the workbook's packages")
    args = parser.parse_args(argv)
    elsewhere = _in_workbook_env(args.venv, ["setup", "--into", str(args.into), "--venv", str(args.venv)])
    if elsewhere is not None:
        return elsewhere
    from .learner import write_missing

    for path in write_missing(args.into):
        print(f"wrote {_shown(path)}")
    print(f"Your notebooks are in {_shown(args.into)}/; open them with the kernel of {_shown(args.venv)}.")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m tourapp lab",
        description=__doc__.split("\n\n")[0],
        epilog="Other options go to JupyterLab as they are, e.g. --no-browser --port=8890.",
    )
    parser.add_argument("--into", type=Path, default=ROOT / "my-notebooks", help="the learner's folder")
    parser.add_argument("--venv", type=Path, default=ROOT / ".venv", help="where to set up the workbook's packages")
    args, options = parser.parse_known_args(argv)
    elsewhere = _in_workbook_env(args.venv, ["lab", "--into", str(args.into), "--venv", str(args.venv), *options])
    if elsewhere is not None:
        return elsewhere
    from .learner import write_missing

    for path in write_missing(args.into):
        print(f"wrote {_shown(path)}")
    folder = _shown(args.into)
    print(
        f"Your notebooks are in {folder}/: yours to change, never overwritten "
        f"(a fresh copy of a chapter: python -m tourapp refresh 01, keeping yours in {folder}/old/).\n"
        f"Opening {folder}/{FIRST}: JupyterLab prints its address below, "
        f"http://127.0.0.1:<port>/lab/tree/{FIRST}?token=…",
        flush=True,
    )
    # Lab reads labconfig/ of every folder on JUPYTER_CONFIG_PATH, before the user's own settings.
    layers = [str(SETTINGS), os.environ.get("JUPYTER_CONFIG_PATH")]
    os.environ["JUPYTER_CONFIG_PATH"] = os.pathsep.join(filter(None, layers))
    args.into.mkdir(parents=True, exist_ok=True)
    quicken()
    from jupyterlab.labapp import LabApp

    LabApp.launch_instance(argv=lab_argv(args.into, options))
    return 0
