"""Chapter 17's exercises: tests of your own for the project's API, and a third blueprint.

The learner's function writes files into the project folder and returns that folder. The checks
import nothing of it: they run it as a terminal would, in subprocesses with the folder as their
working directory (``flask --app mysite routes``, its own ``pytest``, ``waitress``), and say
what is missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import requests

from ...chapters import lifecycle, processes
from ...chapters.project import PACKAGE
from .expect import Miss
from .registry import exercise

# A copy of the project whose API answers nothing but 404: tests of the API must fail on it.
_NO_API = """\
from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api")
"""
_IGNORE = shutil.ignore_patterns("__pycache__", ".pytest_cache", "instance", ".venv")


@exercise(
    "17.1",
    "Tests of your own",
    name="write_api_tests",
    kind="project",
    goal="the project's pytest passes with at least two tests in tests/test_api.py, and they fail when /api/ "
    "answers nothing.",
)
def api_tests(project):
    """Run the project's pytest, then its tests/test_api.py on a copy whose API answers only 404."""
    routes(project)
    if not (project / "tests" / "conftest.py").is_file():
        raise Miss(
            "tests/conftest.py is missing: pytest finds the fixtures app and client there.",
            "run the cell above that writes tests/conftest.py",
        )
    if not (project / "tests" / "test_api.py").is_file():
        raise Miss(
            "tests/test_api.py is missing.",
            'write it in write_api_tests(): write(PROJECT / "tests" / "test_api.py", """…""")',
        )
    results = run_pytest(project)
    failed = [name for name, passed in results.items() if not passed]
    if failed:
        raise Miss(
            f"the project's pytest failed: {', '.join(failed)}.",
            'run it yourself to see why: !"{sys.executable}" -m pytest -q in the project folder',
        )
    mine = [name for name in results if name.startswith("tests/test_api.py::")]
    if len(mine) < 2:
        raise Miss(
            f"pytest found {len(mine)} test{'' if len(mine) == 1 else 's'} in tests/test_api.py, expected at least 2.",
            "name each test function test_…, one for /api/greeting and one for /api/health",
        )
    with tempfile.TemporaryDirectory(prefix="flask-tour-17-check-") as scratch:
        broken = Path(scratch) / "project"
        shutil.copytree(project, broken, ignore=_IGNORE)
        (broken / PACKAGE / "api.py").write_text(_NO_API, encoding="utf-8")
        if all(run_pytest(broken, "tests/test_api.py").values()):
            raise Miss(
                "the tests in tests/test_api.py pass even when every /api/ URL answers 404: they do not test the API.",
                'assert what it answers: response.status_code == 200 and response.json == {"greeting": "Hello, Ada!"}',
            )


@exercise(
    "17.2",
    "A blueprint of your own",
    name="add_about_blueprint",
    kind="project",
    goal="flask routes lists about.index at /about/, and the project served by waitress answers GET /about/ "
    "with its page.",
)
def about_blueprint(project):
    """Look for the about blueprint in flask routes, then serve the project with waitress and get /about/."""
    found = routes(project)
    about = {endpoint: rule for endpoint, rule in found.items() if endpoint.startswith("about.")}
    if not about:
        if (project / PACKAGE / "about.py").is_file():
            raise Miss(
                "mysite/about.py is there, but flask routes shows no about.… endpoint: the app does not use it.",
                "register it in create_app(): from . import about, then app.register_blueprint(about.bp)",
            )
        raise Miss(
            "flask routes shows no about.… endpoint: there is no about blueprint yet.",
            'write mysite/about.py with bp = Blueprint("about", __name__, url_prefix="/about") and register it',
        )
    outside = sorted(rule for rule in about.values() if not rule.startswith("/about/"))
    if outside:
        raise Miss(
            f"the about blueprint's routes are at {', '.join(outside)}, not under /about/.",
            'give the blueprint its prefix: Blueprint("about", __name__, url_prefix="/about")',
        )
    if "/about/" not in about.values():
        raise Miss(
            f"the about blueprint has {', '.join(sorted(about.values()))}, but no page at /about/ itself.",
            'add @bp.get("/") to it: with the prefix, that is /about/',
        )
    server = serve(project)
    try:
        response = requests.get(server.url + "/about/", timeout=10)
        if response.status_code != 200 or response.headers.get("Content-Type", "").split(";")[0] != "text/html":
            raise Miss(
                f"waitress served the project, and GET /about/ answered {response.status_code} "
                f"{response.headers.get('Content-Type', '')}, expected 200 text/html.\n{_last_lines(server.log())}",
                'render a template: return render_template("about.html"), with mysite/templates/about.html',
            )
        if "<title>" not in response.text:
            raise Miss(
                "GET /about/ answered a page without a <title>.",
                "make about.html extend base.html, with {% block title %}About{% endblock %}",
            )
    finally:
        server.stop()


def routes(project):
    """Return ``{endpoint: rule}`` from ``flask --app mysite routes`` run in ``project``, or raise Miss."""
    project = Path(project)
    if not project.is_dir():
        raise Miss(f"{project} is not a folder: return the project's folder, PROJECT.")
    if not (project / PACKAGE / "__init__.py").is_file():
        raise Miss(
            f"the project has no package {PACKAGE}: {PACKAGE}/__init__.py is missing.",
            "run the cells of the chapter that write the project, from the top",
        )
    done = _run(project, "-m", "flask", "--app", PACKAGE, "routes")
    if done.returncode != 0:
        if "Failed to find Flask application or factory" in done.stderr:
            raise Miss(
                f"flask --app {PACKAGE} routes found no app: {PACKAGE}/__init__.py has no create_app().",
                "define create_app() there: Flask's CLI calls it to build the app",
            )
        raise Miss(f"flask --app {PACKAGE} routes failed:\n{_last_lines(done.stderr or done.stdout)}")
    found = {}
    for line in done.stdout.splitlines()[2:]:  # after the header and its dashes
        if not line.strip():
            continue
        endpoint, *_, rule = line.split()
        found[endpoint] = rule
    return found


def run_pytest(project, *args):
    """Run the project's pytest in ``project``; return ``{test id: passed}`` (a file that fails to import: one id)."""
    with tempfile.TemporaryDirectory(prefix="flask-tour-17-check-") as scratch:
        report = Path(scratch) / "report.xml"
        done = _run(project, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}", *args)
        if not report.is_file():
            raise Miss(f"pytest did not run the project's tests:\n{_last_lines(done.stdout + done.stderr)}")
        results = {}
        for case in ElementTree.parse(report).iter("testcase"):
            module = case.get("classname", "").replace(".", "/")
            name = f"{module}.py::{case.get('name')}" if module else case.get("name", "?")
            results[name] = not any(case.find(tag) is not None for tag in ("failure", "error"))
        if done.returncode not in (0, 1) and all(results.values()):  # 2: interrupted, 4: usage, 5: no tests
            results["pytest"] = False
        return results


def serve(project):
    """Serve the project with waitress on a free port, as production would; return the server."""

    def on(port):
        argv = [sys.executable, "-m", "waitress", f"--listen=127.0.0.1:{port}", "--call", f"{PACKAGE}:create_app"]
        # waitress reads no .env: production sets the secret in the environment
        env = {**_env(), "FLASK_SECRET_KEY": "the check's own key"}
        return processes.start("17 check", argv, port=port, env=env, ready_path="/", cwd=project)

    try:
        return lifecycle.on_free_port(on)
    except RuntimeError as exc:
        raise Miss(f"waitress could not serve the project:\n{_last_lines(str(exc))}") from None


def _run(project, *args):
    """Run ``python args…`` in ``project`` with no FLASK_… variable of the kernel's, so that .env decides."""
    return subprocess.run(
        [sys.executable, *args], cwd=project, env=_env(), capture_output=True, text=True, timeout=120, check=False
    )


def _env():
    """Return the kernel's environment without its FLASK_… variables, which would shadow the project's .env."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("FLASK_")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # leave no __pycache__ in the learner's folder
    return env


def _last_lines(text, count=3):
    """Return the last ``count`` lines of ``text``, where a traceback says what went wrong."""
    return "\n".join(text.strip().splitlines()[-count:])
