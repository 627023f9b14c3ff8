"""Chapter 12: the guestbook form, POST-redirect-GET with flash, the signed session, CSRF, and its exercises."""

import re

import nbformat
import pytest
import requests
from flask import flash, make_response, redirect, request, url_for

from tests.helpers.support import MISSING, from_notebook, run_check
from tourapp.chapters import forms
from tourapp.chapters.paths import ROOT

NOTEBOOK = "notebooks/12-forms-and-sessions.ipynb"


def token(page):
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)


@pytest.fixture
def web(live):
    """A browser-like session on a fresh forms app: (requests.Session, base URL)."""
    url = live(forms.create_app())
    with requests.Session() as session:
        yield session, url


def test_signing_redirects_and_flashes_once(web):
    session, url = web
    page = session.get(f"{url}/guestbook")
    response = session.post(f"{url}/guestbook", data={"csrf_token": token(page), "name": "Ann", "message": "Hi"})
    assert [r.status_code for r in response.history] == [302] and response.url == f"{url}/guestbook"
    assert '<p class="flash">Thank you for signing, Ann!</p>' in response.text
    assert "<li><b>Ann</b>: Hi</li>" in response.text
    assert "Thank you" not in session.get(f"{url}/guestbook").text


@pytest.mark.parametrize(
    ("name", "message", "error", "kept"),
    [
        # test that each problem is named next to its field and what was typed stays, escaped
        ("", "Hi", "Please give your name.", 'value=""'),
        ("Ann", "", "Please write a message.", 'value="Ann"'),
        ("A" * 41, "Hi", "A name is at most 40 characters long.", f'value="{"A" * 41}"'),
        ("Ann", "m" * 201, "A message is at most 200 characters long.", "m" * 201 + "</textarea>"),
        ("<b>Ann</b>", "", "Please write a message.", 'value="&lt;b&gt;Ann&lt;/b&gt;"'),
    ],
)
def test_invalid_entries_come_back_with_errors_and_typed_values(web, name, message, error, kept):
    session, url = web
    page = session.get(f"{url}/guestbook")
    response = session.post(f"{url}/guestbook", data={"csrf_token": token(page), "name": name, "message": message})
    assert response.status_code == 400 and not response.history
    assert f'<span class="error">{error}</span>' in response.text and kept in response.text
    assert "Nobody has signed yet." in response.text


def test_log_in_and_out_with_the_session(web):
    session, url = web
    assert session.get(f"{url}/account").url == f"{url}/login?next=/account"
    page = session.get(f"{url}/login")
    wrong = session.post(f"{url}/login", data={"csrf_token": token(page), "username": "ada", "password": "nope"})
    assert wrong.status_code == 400 and "Wrong name or password." in wrong.text
    response = session.post(
        f"{url}/login?next=/account", data={"csrf_token": token(page), "username": "ada", "password": "lovelace"}
    )
    assert response.url == f"{url}/account" and "You are ada." in response.text
    response = session.post(f"{url}/logout", data={"csrf_token": token(response)})
    assert "Logged out." in response.text
    assert session.get(f"{url}/account", allow_redirects=False).status_code == 302


def test_session_cookie_is_readable_but_a_tampered_one_is_no_session(web):
    session, url = web
    page = session.get(f"{url}/login")
    answer = session.post(
        f"{url}/login",
        data={"csrf_token": token(page), "username": "ada", "password": "lovelace"},
        allow_redirects=False,
    )
    cookie = answer.cookies["session"]
    serializer = forms.app.session_interface.get_signing_serializer(forms.app)
    assert serializer.loads(cookie)["user"] == "ada"
    data, stamp, signature = cookie.split(".")
    forged = ".".join([data[:-2] + ("AA" if data[-2:] != "AA" else "BB"), stamp, signature])
    assert requests.get(f"{url}/account", cookies={"session": forged}, allow_redirects=False).status_code == 302
    assert requests.get(f"{url}/account", cookies={"session": cookie}, allow_redirects=False).status_code == 200


def test_secret_key_comes_from_the_environment(monkeypatch):
    assert forms.create_app().config["SECRET_KEY"] == "dev-only-not-secret"
    monkeypatch.setenv("FLASK_SECRET_KEY", "from-the-environment")
    assert forms.create_app().config["SECRET_KEY"] == "from-the-environment"
    assert forms.create_app({"SECRET_KEY": "from-a-test"}).config["SECRET_KEY"] == "from-a-test"


@pytest.mark.parametrize(
    ("next_", "location"),
    [
        ("/guestbook", "/guestbook"),
        # test that only a path on this site is followed: never an open redirect
        ("https://evil.example/", "/account"),
        ("//evil.example/", "/account"),
        ("/\\evil.example/", "/account"),
        ("/\t/evil.example/", "/account"),
        ("javascript:alert(1)", "/account"),
    ],
)
def test_next_leads_only_to_local_paths(web, next_, location):
    session, url = web
    page = session.get(f"{url}/login")
    answer = session.post(
        f"{url}/login",
        params={"next": next_},
        allow_redirects=False,
        data={"csrf_token": token(page), "username": "ada", "password": "lovelace"},
    )
    assert answer.headers["Location"] == location


@pytest.mark.parametrize(
    ("exercise", "app", "status", "says"),
    [
        # test that the notebook's answers pass
        ("12.1", "applause_app", "passed", "once"),
        ("12.2", "subscribe_app", "passed", "typed value"),
        ("12.3", "visits_app", "passed", "signed session"),
        ("12.1", MISSING, "not done", "`applause_app` is not defined"),
    ],
)
def test_exercises(exercise, app, status, says):
    result = run_check(exercise, app, NOTEBOOK)
    assert result.status == status and says in result.message, str(result)


def _grown(route, view, **options):
    def factory():
        app = forms.create_app()
        app.add_url_rule(route, view_func=view, **options)
        return app

    return factory


def _applause_without_flash():
    return redirect(url_for("guestbook"))


def _applause_without_redirect():
    flash("Thanks for the applause!")
    return "thanks"


def _visits_in_a_cookie():
    n = int(request.cookies.get("visits", 0)) + 1
    response = make_response(f"Visit number {n}")
    response.set_cookie("visits", str(n))
    return response


@pytest.mark.parametrize(
    ("exercise", "app", "says"),
    [
        # test that typical mistakes fail with a hint that names them
        ("12.1", _grown("/applause", _applause_without_flash, methods=["POST"]), "call flash("),
        ("12.1", _grown("/applause", _applause_without_redirect, methods=["POST"]), "answer return redirect("),
        ("12.1", _grown("/applause", _applause_without_flash, methods=["GET", "POST"]), "call flash("),
        ("12.3", _grown("/visits", _visits_in_a_cookie), "set no session cookie"),
    ],
)
def test_exercise_mistakes(exercise, app, says):
    result = run_check(exercise, app)
    assert result.status == "failed" and says in result.message, str(result)


def test_notebook_answer_runs_alone():
    assert callable(from_notebook(NOTEBOOK, "visits_app"))


def _read_session():
    """Return the notebook's read_session, defined by its own cell after the setup cell."""
    nb = nbformat.read(ROOT / NOTEBOOK, as_version=4)
    cells = [c.source for c in nb.cells if c.cell_type == "code" and c.get("id") != "colab"]
    namespace = {}
    exec(cells[0], namespace)
    exec(next(source for source in cells if source.startswith("def read_session(")), namespace)
    return namespace["read_session"]


@pytest.mark.parametrize(
    "data",
    [
        {"user": "ada"},  # test that a small session, sent as plain base64 JSON, is read
        {"user": "ada", "seen": ["/guestbook"] * 20},  # and a larger one, which itsdangerous zlib-compresses
    ],
)
def test_read_session_decodes_plain_and_compressed_cookies(data):
    cookie = forms.app.session_interface.get_signing_serializer(forms.app).dumps(data)
    assert cookie.startswith(".") == ("seen" in data)
    assert _read_session()(cookie) == data


def test_passwords_are_stored_as_scrypt_hashes():
    # test that what chapter 12 says generate_password_hash stores holds for the installed Werkzeug
    method, salt, digest = forms.USERS["ada"].split("$")
    assert (method, len(salt), len(digest)) == ("scrypt:32768:8:1", 16, 128)
    assert "lovelace" not in forms.USERS["ada"]
