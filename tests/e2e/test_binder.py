"""Binder builds the repository as it is: repo2docker's conda build pack and our environment.yml.

Binder itself (and the Docker build) cannot be reached from here. What can: repo2docker's dry
run, which prints the Dockerfile Binder would build from these files, without Docker.
"""

import re
import shutil
import subprocess
import tomllib

import pytest

from tests.helpers.e2e import unavailable
from tourapp.chapters.paths import ROOT

# Installed by the Makefile into a venv of its own (it is not a dependency of the workbook).
REPO2DOCKER = ROOT / ".tools" / "repo2docker" / "bin" / "repo2docker"


def _environment_python():
    """Return the Python version environment.yml asks for, e.g. ``"3.11"``."""
    found = re.search(r"^\s*-\s*python\s*=+\s*(\d+\.\d+)", (ROOT / "environment.yml").read_text(), re.M)
    assert found, "environment.yml names no python version: Binder would pick its own default"
    return found.group(1)


def _published_copy(folder):
    """Copy the files a clone would have (tracked, or new and not ignored) into ``folder``."""
    listing = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listing.split("\0")):
        source = ROOT / name
        if source.is_file():  # a tracked file deleted in the work tree is not published
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, folder / name)
    return folder


@pytest.fixture(scope="module")
def dry_run(tmp_path_factory):
    """Return (Dockerfile, log) of ``repo2docker --no-build`` on a clean copy of the repository."""
    repo2docker = shutil.which("repo2docker") or (REPO2DOCKER if REPO2DOCKER.exists() else None)
    if repo2docker is None:
        # skipped for a learner; CI (FLASK_TOUR_E2E=required), where make test installs it, fails
        unavailable(f"repo2docker is not installed: `make {REPO2DOCKER.relative_to(ROOT)}` installs it")
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: cannot tell which files Binder would see")
    checkout = _published_copy(tmp_path_factory.mktemp("binder"))
    # BinderHub builds for user 1000, jovyan; the default would be whoever runs the test.
    result = subprocess.run(
        [
            str(repo2docker),
            "--no-build",
            "--no-run",
            "--debug",
            "--user-id",
            "1000",
            "--user-name",
            "jovyan",
            str(checkout),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout, result.stderr


def test_environment_yml_names_a_python_the_package_supports():
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    floor = re.fullmatch(r">=\s*(\d+)\.(\d+)", requires)
    assert floor, requires
    assert tuple(map(int, _environment_python().split("."))) >= tuple(map(int, floor.groups()))


def test_binder_uses_the_conda_build_pack_with_environment_yml_and_its_python(dry_run):
    dockerfile, log = dry_run
    assert f"Building conda environment for python={_environment_python()}" in log
    assert re.search(r'env update -p \$\{NB_PYTHON_PREFIX\} --file "environment\.yml"', dockerfile)


def test_binder_copies_the_repository_before_installing_it_editable(dry_run):
    # environment.yml's pip section installs "-e .": the package must be there, owned by the
    # notebook user, whose pip writes the editable install's metadata into the checkout.
    dockerfile, _ = dry_run
    copy = re.search(r"^COPY --chown=1000:1000 src/ \$\{REPO_DIR\}/$", dockerfile, re.M)
    install = re.search(r"env update .*environment\.yml", dockerfile)
    assert copy and install and copy.start() < install.start()


def test_binder_installs_nothing_but_environment_yml(dry_run):
    # A root requirements.txt, setup.py, apt.txt, postBuild or start would be run too: the conda
    # environment would no longer be the single description of what Binder installs.
    dockerfile, _ = dry_run
    instructions = "\n".join(line for line in dockerfile.splitlines() if not line.lstrip().startswith("#"))
    for other in ("requirements.txt", "setup.py", "apt.txt", "postBuild", "install.R", "start"):
        assert not re.search(rf"(?<![\w-]){re.escape(other)}(?![\w-])", instructions), other
