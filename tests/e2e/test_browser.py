"""The chapters' pages in a real browser: Debian's Chromium, driven by Playwright.

Each test loads a page from an app served by ``tourapp.serve`` and saves a screenshot to
build/screenshots/ (git-ignored), so a person can look at what the browser drew.
"""

import subprocess

import pytest
import requests
from flask import Flask

from tests.helpers import e2e
from tourapp.notebook import display

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CITIES = ["Bratislava", "Budapest", "Prague", "Warsaw", "Los Angeles", "New York", "Edinburgh", "Berlin"]


@pytest.fixture(scope="module")
def browser():
    """Launch Chromium once for this module."""
    with e2e.chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def context(browser):
    """Create one browser context for the module: every test's app has its own port anyway."""
    context = browser.new_context(viewport={"width": 800, "height": 600})
    yield context
    context.close()


@pytest.fixture
def page(context):
    """Open a new tab for the test."""
    page = context.new_page()
    yield page
    page.close()


def test_playwright_drives_the_system_chromium(browser, page, record_property):
    # test that the browser under test is Debian's Chromium, not one Playwright downloaded;
    # its version goes into the test log (shown with -rP, and in a JUnit report's properties)
    installed = subprocess.run([e2e.chromium_path(), "--version"], capture_output=True, text=True, check=True)
    record_property("chromium", browser.version)
    print(f"Chromium {browser.version} at {e2e.chromium_path()}, driven by Playwright")
    assert browser.version in installed.stdout
    page.set_content("<p>ready</p>")
    assert page.locator("p").inner_text() == "ready"


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        pytest.param("/greet/Peter/", "Hello Peter", id="plain"),
        # test that markup in a name is shown as text, never rendered (autoescaping)
        pytest.param("/greet/<b>Peter/", "Hello <b>Peter", id="bold"),
        pytest.param(
            '/greet/<img src=x onerror="document.title=1">/', 'Hello <img src=x onerror="document.title=1">', id="image"
        ),
    ],
)
def test_templates_page_shows_the_greeting_escaped(live, page, request, path, shown):
    templates = e2e.need_module("templates")
    url = live(templates.app)
    response = page.goto(url + path)
    assert response.status == 200
    body = page.locator("body")
    assert shown in body.inner_text()
    assert body.locator("b, img, script").count() == 0  # no element came from the name
    assert page.title().endswith("· Flask Tour")  # the page extends base.html
    assert page.title() != "1"  # no injected handler ran
    e2e.screenshot(page, f"07-templates-{request.node.callspec.id}")


def test_every_image_on_the_static_files_page_loads(live, page):
    static_files = e2e.need_module("static_files")
    url = live(static_files.app)
    assert page.goto(f"{url}/").status == 200
    loaded = e2e.images(page)
    e2e.screenshot(page, "08-static-files")
    assert len(loaded) >= 2, loaded  # one via /static/…, one via url_for('static', …)
    assert [img for img in loaded if not img["width"] > 0] == []


def test_show_inlines_a_pages_images_for_a_browser_on_another_origin(live, page):
    # test that the frame show() displays carries its pictures: JupyterLab's page has another
    # origin than the app, where the page's own relative links (/static/sid.jpg) break
    static_files = e2e.need_module("static_files")
    response = requests.get(f"{live(static_files.app)}/", timeout=10)
    notebook = Flask("notebook-origin", static_folder=None)  # stands in for JupyterLab's server
    notebook.add_url_rule("/raw", "raw", lambda: response.text)
    notebook.add_url_rule("/shown", "shown", lambda: display._framed(response))
    origin = live(notebook)
    page.goto(f"{origin}/raw")
    raw = e2e.images(page)
    page.goto(f"{origin}/shown")
    frame = page.locator("iframe").element_handle().content_frame()
    frame.wait_for_load_state("load")
    shown = e2e.images(frame)
    e2e.screenshot(page, "08-static-files-shown-inline")
    assert len(raw) == len(shown) >= 2
    assert [image["width"] for image in raw] == [0] * len(raw)  # the check below would catch these
    assert all(image["width"] > 0 and image["src"].startswith("data:image/") for image in shown), shown


def test_static_about_page_is_served(live, page):
    static_files = e2e.need_module("static_files")
    url = live(static_files.app)
    assert page.goto(f"{url}/about").status == 200
    assert "About page" in page.locator("body").inner_text()
    e2e.screenshot(page, "08-static-files-about")


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("unknown", "/nowhere"),  # test that a URL no route matches gets the custom page
        ("abort", "/users/Nobody"),  # test that abort(404) in a view renders the same page
    ],
)
def test_custom_404_page_renders_with_status_404(live, page, name, path):
    errors = e2e.need_module("errors")
    url = live(errors.app)
    response = page.goto(url + path)
    assert response.status == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "404 - page not found" in page.locator("body").inner_text()
    assert "Not Found" not in page.title()  # the custom page, not Werkzeug's default
    e2e.screenshot(page, f"09-error-page-404-{name}")


def test_cities_chart_renders_with_its_bars(live, page, tmp_path):
    api = e2e.need_module("api")
    # A database of its own in a temporary folder: nothing in the repository changes.
    url = live(api.create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'cities.db'}"}))
    response = page.goto(f"{url}/cities/chart.svg")
    assert response.status == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    e2e.screenshot(page, "11-cities-chart")
    # The browser parsed it as SVG (a parse error would show an error page instead) and laid out
    # one bar per city, each with a real size on screen, the longest for the largest city.
    assert page.evaluate("document.documentElement.namespaceURI") == "http://www.w3.org/2000/svg"
    bars = page.evaluate(
        """() => [...document.querySelectorAll('rect')].map(rect => {
            const box = rect.getBoundingClientRect();
            return {width: box.width, height: box.height, label: rect.closest('g').textContent};
        })"""
    )
    assert len(bars) == len(CITIES)
    assert all(bar["width"] > 0 and bar["height"] > 0 for bar in bars), bars
    widest = max(bars, key=lambda bar: bar["width"])
    assert "New York" in widest["label"]
    text = page.locator("svg").text_content()
    assert all(city in text for city in CITIES)


def test_forms_sign_log_in_and_out_and_refuse_a_post_without_token(live, page):
    forms = e2e.need_module("forms")
    url = live(forms.create_app())
    page.goto(f"{url}/guestbook")
    # test that a form with an error comes back with the error and what was typed
    page.fill("input[name=name]", "<b>Ann</b>")
    page.click("button:has-text('Sign')")
    assert page.locator(".error").inner_text() == "Please write a message."
    assert page.input_value("input[name=name]") == "<b>Ann</b>"
    # test that a complete entry redirects to the guestbook, which flashes thanks once
    page.fill("textarea[name=message]", "Hello from Chromium")
    page.click("button:has-text('Sign')")
    assert page.url == f"{url}/guestbook"
    assert page.locator(".flash").inner_text() == "Thank you for signing, <b>Ann</b>!"
    assert page.locator("main b, main li b b").count() == 1  # the name's markup stayed text
    e2e.screenshot(page, "12-forms-signed")
    page.reload()
    assert page.locator(".flash").count() == 0
    # test that logging in goes back to the page that asked for it, and logging out forgets the user
    page.goto(f"{url}/account")
    assert page.url == f"{url}/login?next=/account"
    page.fill("input[name=username]", "ada")
    page.fill("input[name=password]", "lovelace")
    page.click("button:has-text('Log in')")
    assert page.url == f"{url}/account"
    assert "You are ada." in page.locator("main").inner_text()
    e2e.screenshot(page, "12-forms-logged-in")
    page.click("button:has-text('Log out')")
    assert page.locator(".flash").inner_text() == "Logged out."
    assert page.locator("nav").inner_text().startswith("Log in")
    # test that the same form posted without its hidden token is refused with 400
    page.goto(f"{url}/guestbook")
    page.evaluate("document.querySelector('input[name=csrf_token]').remove()")
    page.fill("input[name=name]", "Mallory")
    page.fill("textarea[name=message]", "no token")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.click("button:has-text('Sign')")
    assert posted.value.status == 400
    assert "The CSRF token is missing." in page.locator("body").inner_text()
    e2e.screenshot(page, "12-forms-no-token")
