"""Pages everyone can use: axe-core in Chromium finds no serious or critical violation.

Checked: every HTML page the chapters' apps answer a GET with (each route with sample values, the
custom error pages, the pages after a log-in and a posted form), the grader's feedback pages and
the student edition rendered to HTML (``make student`` writes it beside the notebooks, with
tourapp.classroom.handout). axe-core comes from the npm registry, pinned in tools/axe (make test installs
it); without it, or without Chromium, these tests skip with the reason.
"""

import importlib
import json
import re

import nbformat
import pytest
import requests

from tests.helpers import e2e
from tests.helpers.support import run_grader
from tourapp import serve
from tourapp.chapters import CHAPTERS
from tourapp.chapters.paths import ROOT
from tourapp.classroom.editions import student_edition
from tourapp.classroom.handout import to_html

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AXE = ROOT / "tools" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = {"serious", "critical"}
# A value for each kind of URL part, so that every route can be asked for once.
SAMPLES = {"int": "1", "path": "Ana/Bob", "default": "Peter"}
# The chapters that build their app with create_app() get a database and a key of the test's own.
CONFIG = {"SECRET_KEY": "accessibility-test", "TESTING": True}


@pytest.fixture(scope="module")
def browser():
    """Launch Chromium once for this module; skip (fail in CI) without axe-core."""
    if not AXE.is_file():
        e2e.unavailable(f"axe-core is not installed ({AXE.relative_to(ROOT)}: make test installs it with npm)")
    with e2e.chromium() as browser:
        yield browser


@pytest.fixture
def page(browser):
    """Open a tab whose pages' Content-Security-Policy lets axe's script in (the feedback pages forbid scripts)."""
    context = browser.new_context(bypass_csp=True, viewport={"width": 1000, "height": 800})
    yield context.new_page()
    context.close()


def violations(page):
    """Run axe-core on the loaded page; return its serious and critical violations, one line each."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in found
        if v["impact"] in SERIOUS
    ]


def _app(module, tmp_path):
    """Build a chapter's app: its module's ``app``, or ``create_app`` with a database of the test's own."""
    if hasattr(module, "app"):
        return module.app
    return module.create_app(CONFIG | {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'a11y.db'}"})


def _sample_path(rule):
    """Fill a route's URL parts with sample values: ``/greet/<name>/`` → ``/greet/Peter/``."""
    return re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?\w+>", lambda m: SAMPLES.get(m.group(1), SAMPLES["default"]), rule)


def _pages(app, url):
    """List the URLs of every HTML page the app answers a GET with, its error page for an unknown path included.

    A page is an HTML document. The classic's answers such as ``Hello there!`` are text that
    Flask labels text/html by default: a browser shows them, but they have no ``<html>`` to give a
    language or a title to, and the chapters reproduce them exactly.
    """
    paths = [_sample_path(r.rule) for r in app.url_map.iter_rules() if "GET" in r.methods and r.endpoint != "static"]
    pages = []
    for path in [*paths, "/no-such-page"]:
        response = requests.get(url + path, timeout=10)
        html = response.headers.get("Content-Type", "").startswith("text/html")
        if html and re.match(r"\s*<(!doctype html|html)", response.text, re.I):
            pages.append(response.url)
    return pages


APP_CHAPTERS = [c for c in CHAPTERS if c.module]


@pytest.mark.parametrize("chapter", APP_CHAPTERS, ids=[f"{c.number}-{c.module}" for c in APP_CHAPTERS])
def test_every_page_a_chapter_serves_passes_axe(chapter, page, tmp_path, monkeypatch):
    monkeypatch.setenv("FLASK_SECRET_KEY", CONFIG["SECRET_KEY"])
    monkeypatch.setenv("SECRET_KEY", CONFIG["SECRET_KEY"])
    module = importlib.import_module(chapter.app)
    app = _app(module, tmp_path)
    with serve(app) as server:
        problems = {}
        for url in _pages(app, server.url):
            page.goto(url)
            if found := violations(page):
                problems[url.removeprefix(server.url)] = found
    assert not problems, problems


def test_pages_after_logging_in_and_posting_pass_axe(page, tmp_path):
    forms = e2e.need_module("forms")
    app = _app(forms, tmp_path)
    app.config["WTF_CSRF_ENABLED"] = False  # the form's token is tested in chapter 12; here, the pages
    with serve(app) as server:
        problems = {}
        page.goto(f"{server.url}/guestbook")
        page.get_by_label(re.compile("name", re.I)).first.fill("Ana")
        page.get_by_label(re.compile("message", re.I)).first.fill("<b>Hello</b> from a screen reader")
        page.locator("form:not(.inline) button").click()
        problems["/guestbook after a post"] = violations(page)
        page.goto(f"{server.url}/login")
        page.get_by_label(re.compile("name", re.I)).first.fill("ana")
        page.get_by_label(re.compile("password", re.I)).first.fill("wrong password")
        page.locator("form:not(.inline) button").click()
        problems["/login after a wrong password"] = violations(page)
    assert not any(problems.values()), problems


def test_feedback_pages_pass_axe(page, tmp_path):
    submission = tmp_path / "ana.ipynb"
    submission.write_bytes((ROOT / "notebooks" / "01-hello.ipynb").read_bytes())
    feedback = tmp_path / "feedback"
    graded = run_grader(submission, "--out", tmp_path / "scores.csv", "--feedback", feedback, "--no-sandbox")
    assert graded.returncode == 0, graded.stderr[-2000:]
    problems = {}
    for html in sorted(feedback.glob("*.html")):
        page.goto(html.as_uri())
        problems[html.name] = violations(page)
    assert set(problems) == {"index.html", "ana.html"}
    assert not any(problems.values()), problems


@pytest.mark.parametrize("chapter", [c for c in CHAPTERS], ids=[c.number for c in CHAPTERS])
def test_the_student_edition_rendered_to_html_passes_axe(chapter, page, tmp_path):
    path = ROOT / chapter.notebook
    student = student_edition(nbformat.read(path, as_version=4), path.name)
    html = tmp_path / f"{path.stem}.html"
    html.write_text(to_html(student), encoding="utf-8")
    page.goto(html.as_uri())
    assert not violations(page)


def test_axe_is_the_pinned_version():
    # test that the checker is the one tools/axe/package.json pins, not whatever npm found
    if not AXE.is_file():
        e2e.unavailable("axe-core is not installed (make test installs it with npm)")
    installed = json.loads((AXE.parent / "package.json").read_text())["version"]
    pinned = json.loads((ROOT / "tools" / "axe" / "package.json").read_text())["dependencies"]["axe-core"]
    assert installed == pinned
