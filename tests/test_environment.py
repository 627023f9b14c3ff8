"""The conda/Binder environment.yml lists the same dependencies as pyproject.toml."""

import re
import tomllib

from tourapp.paths import ROOT


def _normalize(requirement):
    """Turn ``Flask-SQLAlchemy>=3.1`` and ``flask-sqlalchemy>=3.1`` into the same key."""
    requirement = re.sub(r"\s*#.*", "", requirement)
    # pip's psycopg[binary] is conda-forge's psycopg, which brings libpq itself
    name, spec = re.match(r"\s*([A-Za-z0-9_.\-]+)(?:\[[\w,]+\])?\s*(.*)", requirement).groups()
    return re.sub(r"[-_.]+", "-", name).lower() + spec.replace(" ", "")


def _conda_dependencies():
    """Read the conda packages (not python, pip or the pip section) of environment.yml."""
    deps, in_deps = [], False
    for line in (ROOT / "environment.yml").read_text().splitlines():
        if re.match(r"^dependencies:", line):
            in_deps = True
        elif in_deps and re.match(r"^  - [^:]+$", line):
            deps.append(line[4:].strip())
        elif in_deps and re.match(r"^\S", line):
            in_deps = False
    return {_normalize(d) for d in deps if not re.match(r"(python|pip)\b(?![-\w])", d)}


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["test"]
    assert _conda_dependencies() == {_normalize(d) for d in wanted}


def test_environment_yml_installs_the_package_with_its_test_extra():
    assert re.search(r"^\s+- -e \.\[test\]$", (ROOT / "environment.yml").read_text(), re.M)
