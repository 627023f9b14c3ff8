"""requirements.lock satisfies pyproject.toml, and environment.yml (conda, Binder) installs exactly the lock."""

import re
import tomllib

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from tourapp.chapters.paths import ROOT


def _lock_lines():
    """Return the lock's requirement lines, comments and `# via` annotations left out."""
    text = (ROOT / "requirements.lock").read_text()
    return [line.strip() for line in text.splitlines() if re.match(r"[A-Za-z0-9]", line)]


def _environment():
    return yaml.safe_load((ROOT / "environment.yml").read_text())


def _pip_section():
    return next(d["pip"] for d in _environment()["dependencies"] if isinstance(d, dict))


def _key(line):
    """Turn ``Flask-SQLAlchemy==3.1.1 ; marker`` into one comparable key, whatever the spelling."""
    req = Requirement(line)
    return canonicalize_name(req.name), str(req.specifier), str(req.marker or "")


def _project():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_every_locked_line_pins_one_exact_version():
    for line in _lock_lines():
        specs = list(Requirement(line).specifier)
        assert [s.operator for s in specs] == ["=="], line


# Each direct dependency (and the test extra's) must be locked at a version pyproject allows:
# raising a floor without `make lock` fails here, not on a learner's machine.
@pytest.mark.parametrize("requirement", _project()["dependencies"] + _project()["optional-dependencies"]["test"])
def test_the_lock_satisfies_pyproject(requirement):
    wanted = Requirement(requirement)
    locked = [
        Requirement(line)
        for line in _lock_lines()
        if canonicalize_name(Requirement(line).name) == canonicalize_name(wanted.name)
    ]
    assert locked, f"{wanted.name} is not in requirements.lock: run `make lock`"
    for req in locked:
        (version,) = [s.version for s in req.specifier]
        assert wanted.specifier.contains(version, prereleases=True), f"{req} does not satisfy {wanted}: run `make lock`"


def test_environment_yml_pins_exactly_the_lock():
    pins = [line for line in _pip_section() if not line.startswith("-")]
    assert sorted(map(_key, pins)) == sorted(map(_key, _lock_lines())), "run `make lock` (tools/environment_yml.py)"


def test_environment_yml_installs_the_package_with_its_test_extra():
    assert _pip_section()[-1] == "-e .[test]"


def test_environment_yml_python_is_one_the_project_supports():
    (python,) = [d for d in _environment()["dependencies"] if isinstance(d, str) and re.match(r"python\b", d)]
    version = re.fullmatch(r"python=(\d+\.\d+)", python).group(1)
    assert SpecifierSet(_project()["requires-python"]).contains(version + ".0")
