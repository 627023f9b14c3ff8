"""Chapter 07's exercises: pages from the learner's template files: a loop, escaping, a header of its own."""

import html
import re
from pathlib import Path

from flask import template_rendered
from markupsafe import escape

from ...chapters.movies import MOVIES
from .expect import Miss, expect_mimetype, expect_status
from .registry import exercise

TITLES = list(MOVIES.values())
_EXTEND = 'start the template with {% extends "base.html" %} and fill its title block'


@exercise(
    "07.1",
    "A list of movies",
    name="movie_list_app",
    goal="GET /movies/ answers a page titled Movies with one <li> per movie, in id order, from a template file.",
)
def movie_list(probe):
    """Check that GET /movies/ renders a page, framed by base.html, that lists every title."""
    response = _page(probe, "/movies/", "Movies")
    items = _texts(response.text, "li")
    if items == TITLES:
        _expect_template_file(response, "movies.html")
        return
    if len(items) == 1 and all(title in items[0] for title in TITLES):
        hint = "every title landed in one <li>: put the <li> … </li> inside the {% for %} … {% endfor %} loop"
    elif sorted(items) == sorted(TITLES):
        hint = "the titles are right but not their order: loop over MOVIES.values(), which keeps the order of the ids"
    elif not items:
        hint = "write each title as a list item, <li>{{ title }}</li>, inside a <ul>"
    else:
        hint = None
    raise Miss(f"GET /movies/ listed {_list(items)}, expected {_list(TITLES)}.", hint)


@exercise(
    "07.2",
    "Bold, but safe",
    name="welcome_app",
    goal="GET /welcome/<name>/ answers <p>Welcome, <b>name</b>!</p> from a template file, "
    "with markup and {{ }} in the name shown as text.",
)
def welcome(probe):
    """Check that GET /welcome/<name>/ puts the name in bold, escaped, and never runs it as template code."""
    pages = []
    for name in ("Peter", "<i>Ann", "{{7*7}}"):
        response = _page(probe, f"/welcome/{name}/", "Welcome")
        pages.append(response)
        expected = f"<p>Welcome, <b>{escape(name)}</b>!</p>"
        if expected in response.text:
            continue
        found = re.search(r"<p>Welcome, <b>(.*?)</b>!</p>", response.text, re.DOTALL)
        got = repr(found.group(0)) if found else "no such paragraph"
        if found and found.group(1) == "49":
            hint = (
                "the name became part of the template's source and Jinja ran it: pass the name as a value, "
                'render_template("welcome.html", name=name), and write {{ name }} in the template'
            )
        elif found and found.group(1) == name:
            hint = (
                "the markup in the name reached the page unescaped: let Jinja fill it in as {{ name }}, "
                "without |safe or Markup(), and never paste it into the page yourself"
            )
        else:
            hint = "write <p>Welcome, <b>{{ name }}</b>!</p> in the content block"
        raise Miss(f"GET /welcome/{name}/ showed {got}, expected {expected!r}.", hint)
    _expect_template_file(pages[0], "welcome.html")


@exercise(
    "07.3",
    "A header of its own",
    name="home_app",
    goal="GET /home/ answers a page titled Home, from a template file, whose header says 'Welcome to the Flask Tour'.",
)
def home(probe):
    """Check that GET /home/ keeps its title but fills base.html's header block with a line of its own."""
    response = _page(probe, "/home/", "Home")
    headers = _texts(response.text, "header")
    expected = "Welcome to the Flask Tour"
    if headers == [expected]:
        _expect_template_file(response, "home.html")
        return
    if headers == ["Home"]:
        hint = (
            "base.html's header repeats the title unless a page fills the header block: add "
            "{% block header %}<h1>Welcome to the Flask Tour</h1>{% endblock %}"
        )
    else:
        hint = "fill the header block of base.html, not the title block nor the content block"
    raise Miss(f"GET /home/ has the header {_list(headers)}, expected {_list([expected])}.", hint)


def _page(probe, path, title):
    """GET an HTML page and expect 200, text/html and ``title``; note the templates it was rendered from."""
    rendered = []

    def note(sender, template, context, **extra):
        rendered.append(template)

    # Flask signals each template it renders, in the server's thread, before the answer leaves.
    with template_rendered.connected_to(note, probe.app):
        response = probe.get(path)
    expect_status(response, 200)
    expect_mimetype(response, "text/html")
    response.templates = rendered
    _expect_title(response, title)
    return response


def _expect_template_file(response, name):
    """Expect the page to come from a template file, not from a string in the view."""
    if any(template.filename and Path(template.filename).is_file() for template in response.templates):
        return
    label = f"{response.request.method} {response.request.path_url}"
    how = "a template given as a string" if response.templates else "no template at all"
    hint = (
        f'write the template into a file, (my_templates / "{name}").write_text(…), build the app with '
        f'template_folder=my_templates and render the file by name: render_template("{name}", …)'
    )
    raise Miss(f"{label} answered the right page, but from {how}, expected a template file.", hint)


def _expect_title(response, title):
    """Expect the page's <title> to be the one base.html builds from the title block."""
    titles = _texts(response.text, "title")
    expected = f"{title} · Flask Tour"
    if titles == [expected]:
        return
    if not titles or not titles[0].endswith("· Flask Tour"):
        hint = _EXTEND + f" with {title}"
    else:
        hint = f"fill the title block with {title}: {{% block title %}}{title}{{% endblock %}}"
    label = f"{response.request.method} {response.request.path_url}"
    got = f"the title {titles[0]!r}" if titles else "no <title>"
    raise Miss(f"{label} answered a page with {got}, expected {expected!r}.", hint)


def _texts(page, tag):
    """Return the text of each ``<tag>`` element in a page, markup removed and spaces collapsed."""
    found = re.findall(rf"<{tag}\b[^>]*>(.*?)</{tag}\s*>", page, re.DOTALL | re.IGNORECASE)
    return [" ".join(html.unescape(re.sub(r"<[^>]*>", " ", text)).split()) for text in found]


def _list(texts):
    shown = ", ".join(repr(text if len(text) <= 60 else text[:59] + "…") for text in texts[:6])
    return f"[{shown}{', …' if len(texts) > 6 else ''}]"
