"""The workbook on a real JupyterHub: a student logs in through Chromium and opens the apps their notebooks serve.

JupyterHub, configurable-http-proxy and the student's single-user server (with
jupyter-server-proxy) run on 127.0.0.1 as a class would have them. The chapters' notebooks run in
the student's own server; the browser then opens each app through the link ``server.link`` shows
there, ``/user/<name>/proxy/<port>/``, and checks what a student sees: styles, pictures, the
slash redirect, the custom 404 page and the chart.
"""

import pytest

from tests.helpers import e2e
from tools import hub_launcher as jupyterhub

pytestmark = [pytest.mark.hub, pytest.mark.slow]

STUDENT = "alice"
# The chapters whose pages need their public prefix: (notebook, variable holding its server).
NOTEBOOKS = {
    "03": "notebooks/03-path-parameters.ipynb",
    "07": "notebooks/07-templates.ipynb",
    "08": "notebooks/08-static-files.ipynb",
    "09": "notebooks/09-error-pages.ipynb",
    "11": "notebooks/11-json-api.ipynb",
}
_BACKGROUND = "() => getComputedStyle(document.body).backgroundColor"
STYLED = "rgb(251, 253, 255)"  # body { background: #fbfdff } in static/style.css


@pytest.fixture(scope="module")
def hub():
    """Start a JupyterHub; afterwards check that every process it started has gone."""
    reason = jupyterhub.missing()
    if reason:
        e2e.unavailable(reason)
    with jupyterhub.JupyterHub() as running:
        yield running
    assert running.started, "the hub started no process (proxy, server, kernels)"
    assert running.leftover == [], f"outlived the hub's shutdown (ended by pid): {running.leftover}"


@pytest.fixture(scope="module")
def browser(hub):
    """Log the student in through Chromium; the hub starts their server."""
    with e2e.chromium() as chromium:
        context = chromium.new_context(viewport={"width": 1000, "height": 800})
        context.set_default_timeout(60_000)
        page = context.new_page()
        page.goto(f"{hub.url}/hub/login")
        page.fill("#username_input", STUDENT)
        page.fill("#password_input", "any password will do")
        page.click("#login_submit")
        page.wait_for_url(f"**/user/{STUDENT}/**", timeout=120_000)
        hub.wait_ready(STUDENT)
        page.close()
        yield context
        context.close()


@pytest.fixture(scope="module")
def links(hub, browser):
    """Run each chapter's notebook in the student's server, its app left serving; map chapter → link."""
    sessions = {chapter: hub.run_notebook(STUDENT, path) for chapter, path in NOTEBOOKS.items()}
    shown = {chapter: hub.evaluate(STUDENT, session, "server.link") for chapter, session in sessions.items()}
    yield shown
    for session in sessions.values():  # shutting a kernel down stops the servers it started
        hub.api("DELETE", f"/user/{STUDENT}/api/sessions/{session}")


@pytest.fixture
def page(browser):
    page = browser.new_page()
    yield page
    page.close()


def open_app(page, hub, link, path=""):
    """Open a page of an app through the link the workbook shows, and return the final response."""
    assert link.startswith(f"/user/{STUDENT}/proxy/") and link.endswith("/"), link
    return page.goto(f"{hub.url}{link}{path}")


def test_workbook_shows_links_through_the_students_proxy(links):
    # test that each chapter's server shows a link of its own, through jupyter-server-proxy
    assert len(set(links.values())) == len(NOTEBOOKS)


def test_slash_redirect_lands_on_the_page(hub, links, page):
    response = open_app(page, hub, links["03"], "greet/Robert")
    assert response.status == 200
    assert page.url == f"{hub.url}{links['03']}greet/Robert/"
    assert "Robert" in page.locator("body").inner_text()
    # test that the 308 itself went to the prefixed path, not to the app's own port
    assert response.request.redirected_from is not None
    assert response.request.redirected_from.response().status == 308


def test_template_page_is_styled(hub, links, page):
    assert open_app(page, hub, links["07"], "greet/Lucia/").status == 200
    assert page.evaluate(_BACKGROUND) == STYLED
    e2e.screenshot(page, "hub-07-templates")


def test_url_for_picture_loads_and_the_fixed_path_does_not(hub, links, page):
    assert open_app(page, hub, links["08"]).status == 200
    assert page.evaluate(_BACKGROUND) == STYLED
    pictures = {image["src"]: image["width"] for image in e2e.images(page)}
    # test what chapter 08 says: url_for follows the prefix, a fixed /static/ path asks the hub
    assert pictures[f"{links['08']}static/sid.jpg"] > 0
    assert pictures["/static/sid.jpg"] == 0
    e2e.screenshot(page, "hub-08-static-files")


def test_static_about_page_is_styled(hub, links, page):
    assert open_app(page, hub, links["08"], "about").status == 200
    assert page.evaluate(_BACKGROUND) == STYLED


def test_custom_404_page_is_styled(hub, links, page):
    response = open_app(page, hub, links["09"], "nowhere")
    assert response.status == 404
    assert "page not found" in page.locator("main").inner_text()
    assert page.evaluate(_BACKGROUND) == STYLED
    e2e.screenshot(page, "hub-09-error-pages")


def test_chart_renders(hub, links, page):
    response = open_app(page, hub, links["11"], "cities/chart.svg")
    assert response.status == 200 and response.headers["content-type"].startswith("image/svg+xml")
    bars = page.evaluate("() => [...document.querySelectorAll('rect.bar')].map(r => r.getBBox().width)")
    assert bars and all(width > 0 for width in bars)
    e2e.screenshot(page, "hub-10-chart")
