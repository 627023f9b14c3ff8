"""Chapter 17: a project of your own, laid out as Flask's tutorial (flaskr) lays one out.

:data:`FILES` is the reference project, file by file: a package ``mysite`` with ``create_app()``,
two blueprints with a ``url_prefix``, templates and static files inside the package, settings from
``.env`` and the instance folder, and a ``tests/`` folder with its ``conftest.py``. The notebook
writes it, one file at a time, into :func:`folder` with :func:`write`; then it runs as any project
runs: ``flask --app mysite run``, ``pytest`` and ``waitress-serve`` in that folder.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from . import lifecycle
from .paths import ROOT

__all__ = ["FILES", "PACKAGE", "SOLUTIONS", "add", "folder", "replace_in", "write", "write_all"]

PACKAGE = "mysite"
_SCRATCH = "flask-tour-17-project-"  # + the kernel's process id: the temporary project's folder

FILES = {
    "pyproject.toml": """\
[project]
name = "mysite"
version = "1.0"
requires-python = ">=3.10"
dependencies = ["flask>=3.1", "python-dotenv>=1.0", "waitress>=3.0"]

[project.optional-dependencies]
test = ["pytest>=8"]

[tool.pytest.ini_options]
testpaths = ["tests"]
pythonpath = ["."]
filterwarnings = ["error"]
""",
    ".gitignore": """\
# secrets and settings of this machine only
.env
instance/
# made by Python and pytest
__pycache__/
.pytest_cache/
.venv/
""",
    ".env": """\
# Read by `flask` (python-dotenv) when it starts in this folder; never committed (.gitignore).
FLASK_SECRET_KEY=change-me-to-a-long-random-string
FLASK_GREETING=Hi
""",
    "mysite/__init__.py": '''\
"""My site: a Flask app in a package of its own."""

from flask import Flask, redirect, url_for


def create_app(test_config=None):
    """Create and configure the app; ``test_config`` replaces the settings from files and the environment."""
    # Relative file names in config.from_pyfile() are looked up in the instance folder,
    # instance/ next to the package: settings of this machine, never committed.
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        SECRET_KEY=None,  # no default: a key everyone can read in the source signs nothing safely
        GREETING="Hello",
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)  # instance/config.py, if there is one
        app.config.from_prefixed_env()  # FLASK_SECRET_KEY, FLASK_GREETING: the environment wins
    else:
        app.config.from_mapping(test_config)
    if not app.config["SECRET_KEY"]:
        raise RuntimeError("set FLASK_SECRET_KEY in .env, or SECRET_KEY in instance/config.py")

    from . import api, pages

    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)

    @app.get("/")
    def index():
        """Send a visitor to the home page."""
        return redirect(url_for("pages.home"))

    return app
''',
    "mysite/pages.py": '''\
"""The site's pages, under /pages/."""

from flask import Blueprint, current_app, render_template, request, session

bp = Blueprint("pages", __name__, url_prefix="/pages")


@bp.get("/")
def home():
    """Show a form that asks for a name; it remembers the last one."""
    return render_template("pages/home.html", name=session.get("name", ""))


@bp.get("/greet")
def greet():
    """Greet the name the form sent, with the greeting from the settings."""
    name = request.args.get("name", "").strip() or "Guest"
    session["name"] = name
    return render_template("pages/greet.html", greeting=current_app.config["GREETING"], name=name)
''',
    "mysite/api.py": '''\
"""A small JSON API, under /api/."""

from flask import Blueprint, current_app, request

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/greeting")
def greeting():
    """Return the greeting for ?name= as JSON."""
    name = request.args.get("name", "").strip() or "Guest"
    return {"greeting": f"{current_app.config['GREETING']}, {name}!"}


@bp.get("/health")
def health():
    """Say that the app is up: what a load balancer or a monitor asks."""
    return {"status": "ok"}
''',
    "mysite/templates/base.html": """\
<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{% block title %}{% endblock %} · My site</title>
  <link rel="stylesheet" href="{{ url_for('static', filename='style.css') }}">
</head>
<body>
  <main>
    <h1>{{ self.title() }}</h1>
    {% block content %}{% endblock %}
  </main>
</body>
</html>
""",
    "mysite/templates/pages/home.html": """\
{% extends "base.html" %}
{% block title %}Home{% endblock %}
{% block content %}
  <form action="{{ url_for('pages.greet') }}">
    <label for="name">Your name</label>
    <input id="name" name="name" value="{{ name }}">
    <button>Greet me</button>
  </form>
{% endblock %}
""",
    "mysite/templates/pages/greet.html": """\
{% extends "base.html" %}
{% block title %}Greeting{% endblock %}
{% block content %}
  <p>{{ greeting }}, {{ name }}!</p>
  <p><a href="{{ url_for('pages.home') }}">Greet someone else</a></p>
{% endblock %}
""",
    "mysite/static/style.css": """\
body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; }
label { display: block; margin-bottom: .25rem; }
""",
    "tests/conftest.py": '''\
import pytest

from mysite import create_app


@pytest.fixture
def app():
    """Build the app with test settings, never the ones from .env or instance/."""
    return create_app({"TESTING": True, "SECRET_KEY": "test", "GREETING": "Hello"})


@pytest.fixture
def client(app):
    return app.test_client()
''',
    "tests/test_pages.py": """\
import pytest


def test_home_redirects_to_the_pages(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.location == "/pages/"


def test_home_asks_for_a_name(client):
    page = client.get("/pages/").text
    assert '<label for="name">Your name</label>' in page


@pytest.mark.parametrize(("query", "expected"), [("?name=Ada", "Hello, Ada!"), ("", "Hello, Guest!")])
def test_greet(client, query, expected):
    assert expected in client.get(f"/pages/greet{query}").text


def test_the_form_remembers_the_name(client):
    client.get("/pages/greet?name=Ada")
    assert 'value="Ada"' in client.get("/pages/").text
""",
    "tests/test_config.py": """\
import pytest

from mysite import create_app


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("FLASK_SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("FLASK_GREETING", "Hej")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert app.config["GREETING"] == "Hej"


def test_no_secret_key_is_an_error(monkeypatch):
    monkeypatch.delenv("FLASK_SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="FLASK_SECRET_KEY"):
        create_app()
""",
}

# The exercises' answers: the files they add (17.1, 17.2) and the lines 17.2 adds to create_app.
SOLUTIONS = {
    "tests/test_api.py": """\
def test_greeting(client):
    response = client.get("/api/greeting?name=Ada")
    assert response.status_code == 200
    assert response.json == {"greeting": "Hello, Ada!"}


def test_health(client):
    assert client.get("/api/health").json == {"status": "ok"}
""",
    "mysite/about.py": '''\
"""What the site is, under /about/."""

from flask import Blueprint, render_template

bp = Blueprint("about", __name__, url_prefix="/about")


@bp.get("/")
def index():
    """Say what the site is."""
    return render_template("about.html")
''',
    "mysite/templates/about.html": """\
{% extends "base.html" %}
{% block title %}About{% endblock %}
{% block content %}<p>A site of my own, made with Flask.</p>{% endblock %}
""",
}
REGISTER_ABOUT = [
    ("from . import api, pages", "from . import about, api, pages"),
    (
        "    app.register_blueprint(api.bp)\n",
        "    app.register_blueprint(api.bp)\n    app.register_blueprint(about.bp)\n",
    ),
]


def folder(name="my-project"):
    """Return the folder the notebook builds the project in, made if missing.

    The learner's copy of the notebook builds ``my-project/`` next to itself. In the workbook's own
    ``notebooks/`` folder (the tests, the recorder) it is a temporary folder, empty at each call and
    removed when the kernel exits, so that the checkout stays as it was; ``FLASK_TOUR_PROJECT`` names another folder.
    """
    chosen = os.environ.get("FLASK_TOUR_PROJECT")
    if chosen:
        path = Path(chosen)
    elif Path.cwd().resolve() == (ROOT / "notebooks").resolve():
        _remove_dead_kernels_folders()
        scratch = Path(tempfile.gettempdir()) / f"{_SCRATCH}{os.getpid()}"
        lifecycle.at_exit(lambda: shutil.rmtree(scratch, ignore_errors=True))
        path = scratch / name
        shutil.rmtree(path, ignore_errors=True)  # each run of the notebook starts from an empty folder
    else:
        path = Path(name)
    path.mkdir(parents=True, exist_ok=True)
    return path.resolve()


def _remove_dead_kernels_folders():
    """Remove the temporary projects of kernels that are gone: a killed kernel runs no clean-up at exit."""
    for scratch in Path(tempfile.gettempdir()).glob(f"{_SCRATCH}*"):
        pid = scratch.name.removeprefix(_SCRATCH)
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(scratch, ignore_errors=True)


def _alive(pid):
    """Tell whether a process with this id is running (or belongs to another user); on Windows, assume so."""
    if os.name == "nt":  # there os.kill() ends the process instead of asking about it
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def write(path, text):
    """Write ``text`` to the file ``path``, making its folders; return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def add(project, name):
    """Write the reference project's file ``name`` into ``project`` and show it, as a listing with its name."""
    write(Path(project) / name, FILES[name])
    fence = "```"
    language = {".py": "python", ".html": "html", ".css": "css", ".toml": "toml"}.get(Path(name).suffix, "")
    listing = f"`{name}`\n\n{fence}{language}\n{FILES[name].rstrip()}\n{fence}"
    try:  # in a notebook, shown as a listing; anywhere else, printed
        from IPython import get_ipython
        from IPython.display import Markdown, display
    except ImportError:
        get_ipython = None
    if get_ipython is not None and get_ipython() is not None:
        display(Markdown(listing))
    else:
        print(f"# {name}\n{FILES[name].rstrip()}")


def replace_in(path, old, new):
    """Replace ``old`` by ``new`` in the file ``path`` once; do nothing if ``new`` is there already."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    if new in text:
        return path
    if old not in text:
        raise ValueError(f"{path.name} has no line {old.strip()!r} to replace")
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def write_all(project, *, solutions=False):
    """Write the whole reference project into ``project`` (with the exercises' answers if ``solutions``)."""
    project = Path(project)
    for name, text in FILES.items():
        write(project / name, text)
    if solutions:
        for name, text in SOLUTIONS.items():
            write(project / name, text)
        for old, new in REGISTER_ABOUT:
            replace_in(project / PACKAGE / "__init__.py", old, new)
    return project
