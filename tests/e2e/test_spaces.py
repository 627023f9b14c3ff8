"""A clone in a folder whose name has a space, as on Windows (``C:\\Users\\Ana Maria\\…``), runs its chapters.

Chapters 01–06 run ``flask … routes`` and chapter 13 runs pytest through the shell, with
``{sys.executable}``: a path with a space must reach the shell quoted, or the shell splits it in
two. Here the clone, its virtual environment and so its Python all live under ``Ana Maria/``, and
the notebooks run under strict nbval there, as ``make test`` would run them in that clone.
"""

import os
import shutil
import subprocess
import sys
import sysconfig
import venv

import pytest

from tests.helpers.support import site_packages
from tourapp.chapters.paths import ROOT

CHAPTERS = [
    "01-hello",
    "02-query-parameters",
    "03-path-parameters",
    "04-responses",
    "05-send-file",
    "06-json",
    "13-testing",
]


def _clone(into):
    """Clone this repository, then lay the working tree's uncommitted changes to tracked files over it."""
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(into)], check=True, timeout=120)
    changed = subprocess.run(
        ["git", "diff", "--name-only", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    for name in changed:
        if (ROOT / name).is_file():
            shutil.copy2(ROOT / name, into / name)


def _python_inside(clone):
    """Make a virtual environment in the clone whose Python imports tourapp from the clone.

    Its packages are this environment's (one line in a .pth file, so nothing is installed); the
    workbook is the clone's own, so every path the notebooks print or pass on has the space.
    """
    env_dir = clone / ".venv"
    venv.create(env_dir, with_pip=False, symlinks=os.name != "nt")
    python = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    site = site_packages(python)
    # The clone first, so that its tourapp wins; then the folders this Python's packages are in.
    packages = dict.fromkeys(
        path for path in [sysconfig.get_path("purelib"), *sys.path] if path.endswith("site-packages")
    )
    with open(os.path.join(site, "workbook.pth"), "w") as pth:
        pth.write("\n".join([str(clone), *packages]) + "\n")
    return python


@pytest.mark.slow
def test_chapters_that_run_shell_commands_work_from_a_folder_with_a_space(tmp_path):
    clone = tmp_path / "Ana Maria" / "flask-tour"
    _clone(clone)
    python = _python_inside(clone)
    where = subprocess.run(
        [python, "-c", "import sys, tourapp; print(sys.executable); print(tourapp.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\n")
    assert " " in where[0] and where[1].startswith(str(clone)), where  # the Python and the package, spaced
    env = {key: value for key, value in os.environ.items() if key not in {"VIRTUAL_ENV", "PYTHONPATH"}}
    env["PATH"] = os.pathsep.join([str(python.parent), env.get("PATH", "")])
    notebooks = [f"notebooks/{name}.ipynb" for name in CHAPTERS]
    done = subprocess.run(
        [python, "-m", "pytest", "--nbval", "-n", "2", "-q", *notebooks],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert " passed" in done.stdout.splitlines()[-1], done.stdout[-2000:]
