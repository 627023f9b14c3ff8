"""Chapter 07's exercises: grow the templates app by a page that loops, one that escapes, one with its own header."""

import html
import re

from markupsafe import escape

from ..chapters.movies import MOVIES
from .expect import Miss, expect_mimetype, expect_status
from .registry import exercise

TITLES = list(MOVIES.values())
_EXTEND = 'start the template with {% extends "base.html" %} and fill its title block'


@exercise("07.1", "A list of movies", name="movie_list_app",
          goal="GET /movies/ answers a page titled Movies with one <li> per movie, in id order.")
def movie_list(app):
    """Check that GET /movies/ renders a page, framed by base.html, that lists every title."""
    response = _page(app, "/movies/")
    _expect_title(response, "Movies")
    items = _texts(response.text, "li")
    if items == TITLES:
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


@exercise("07.2", "Bold, but safe", name="welcome_app",
          goal="GET /welcome/<name>/ answers <p>Welcome, <b>name</b>!</p>, with markup and {{ }} in the name shown as text.")
def welcome(app):
    """Check that GET /welcome/<name>/ puts the name in bold, escaped, and never runs it as template code."""
    for name in ("Peter", "<i>Ann", "{{7*7}}"):
        response = _page(app, f"/welcome/{name}/")
        _expect_title(response, "Welcome")
        expected = f"<p>Welcome, <b>{escape(name)}</b>!</p>"
        if expected in response.text:
            continue
        found = re.search(r"<p>Welcome, <b>(.*?)</b>!</p>", response.text, re.DOTALL)
        got = repr(found.group(0)) if found else "no such paragraph"
        if found and found.group(1) == "49":
            hint = ("the name became part of the template's source and Jinja ran it: pass the name as a value, "
                    "render_template_string(PAGE, name=name), and write {{ name }} in the template")
        elif found and found.group(1) == name:
            hint = ("the markup in the name reached the page unescaped: let Jinja fill it in as {{ name }}, "
                    "without |safe or Markup(), and never paste it into the page yourself")
        else:
            hint = "write <p>Welcome, <b>{{ name }}</b>!</p> in the content block"
        raise Miss(f"GET /welcome/{name}/ showed {got}, expected {expected!r}.", hint)


@exercise("07.3", "A header of its own", name="home_app",
          goal="GET /home/ answers a page titled Home whose header says 'Welcome to the Flask Tour'.")
def home(app):
    """Check that GET /home/ keeps its title but fills base.html's header block with a line of its own."""
    response = _page(app, "/home/")
    _expect_title(response, "Home")
    headers = _texts(response.text, "header")
    expected = "Welcome to the Flask Tour"
    if headers == [expected]:
        return
    if headers == ["Home"]:
        hint = ("base.html's header repeats the title unless a page fills the header block: add "
                "{% block header %}<h1>Welcome to the Flask Tour</h1>{% endblock %}")
    else:
        hint = "fill the header block of base.html, not the title block nor the content block"
    raise Miss(f"GET /home/ has the header {_list(headers)}, expected {_list([expected])}.", hint)


def _page(app, path):
    """GET an HTML page and expect 200 and text/html."""
    response = app.get(path)
    expect_status(response, 200)
    expect_mimetype(response, "text/html")
    return response


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
