"""Chapter 16's exercises, checked as two users over HTTP: login_required, your posts, deleting an account."""

import html
import re
from urllib.parse import parse_qs, urlsplit

from .expect import Miss, Probe, expect_status
from .registry import exercise

_TOKEN = re.compile(r"""<input\b[^>]*\bname=["']csrf_token["'][^>]*\bvalue=["']([^"']+)["']""")
_ITEM = re.compile(r"<li>(.*?)</li>", re.DOTALL)
PASSWORD = "correct horse battery"  # the password the checks give both of their users


@exercise(
    "16.1",
    "login_required",
    name="me_app",
    goal="GET /me sends a visitor to /login?next=/me and answers each logged-in user 'You are <name>.'.",
)
def login_required(probe):
    """Check a decorator that lets only logged-in users in, as two users and a visitor."""
    if "me" not in probe.app.view_functions:
        names = sorted(set(probe.app.view_functions) - {"static"})
        raise Miss(
            f"the app has no endpoint named 'me' (it has {names}): the decorator renamed the view.",
            "put @functools.wraps(view) on the function login_required returns, so it keeps the view's name",
        )
    _expect_login_redirect(probe.get("/me"), "/me")
    with Probe(probe.url, probe.app) as bob:
        _sign_up(probe, "ana")
        _sign_up(bob, "bob")
        for user, name in ((probe, "ana"), (bob, "bob")):
            response = user.get("/me")
            expect_status(response, 200, "when g.user is set, return view(**kwargs): the view's own answer")
            if response.text != f"You are {name}.":
                raise Miss(f"GET /me as {name} answered {response.text[:80]!r}, expected 'You are {name}.'.")
    # A visitor with a session cookie whose signature does not fit is a visitor like any other.
    forged = probe._session.cookies.get("session", "").replace(".", ".x", 1)
    with Probe(probe.url, probe.app) as mallory:
        mallory._session.cookies.set("session", forged)
        hint = "decide by g.user, which is None unless Flask accepted the session's signature, not by the cookie"
        response = mallory.request("GET", "/me", explain_errors=False)
        _expect_login_redirect(response, "/me", hint, "with a forged session")


@exercise(
    "16.2",
    "Your posts",
    name="mine_app",
    goal="GET /mine lists the logged-in user's own post titles, newest first, one <li> each, escaped.",
)
def mine(probe):
    """Check a page that shows each user only their own posts."""
    with Probe(probe.url, probe.app) as bob:
        _sign_up(probe, "ana")
        _sign_up(bob, "bob")
        _write(probe, "<b>First</b>")
        _write(bob, "Bob's only post")
        _write(probe, "Second' OR '1'='1")
        for user, name, titles in (
            (probe, "ana", ["Second' OR '1'='1", "<b>First</b>"]),
            (bob, "bob", ["Bob's only post"]),
        ):
            response = user.get("/mine")
            expect_status(response, 200)
            if "<b>First" in response.text:
                raise Miss("a title's markup reached the page unescaped.", "let Jinja fill in {{ post.title }}")
            shown = [html.unescape(item).strip() for item in _ITEM.findall(response.text)]
            if shown != titles:
                hint = (
                    "select only this user's posts, newest first: "
                    "db.select(Post).filter_by(author_id=g.user.id).order_by(Post.id.desc())"
                )
                raise Miss(f"GET /mine as {name} listed {shown}, expected {titles}.", hint)


@exercise(
    "16.3",
    "Delete your account",
    name="delete_account_app",
    goal="POST /account/delete removes the logged-in user and their posts, logs out and redirects to /; nobody "
    "else's posts go.",
)
def delete_account(probe):
    """Check deleting one's own account, as two users: only the one who asks loses anything."""
    with Probe(probe.url, probe.app) as bob, Probe(probe.url, probe.app) as carol:
        _sign_up(bob, "bob")
        _sign_up(probe, "ana")  # id 2, the highest: SQLite gives the next new user the same id
        _write(probe, "Ana's post")
        _write(bob, "Bob's post")
        response = probe.post("/account/delete", data={"csrf_token": _token(probe, "/")})
        if response.status_code not in (302, 303) or urlsplit(response.headers.get("Location", "")).path != "/":
            raise Miss(
                f"POST /account/delete answered {response.status_code} {response.reason}, expected a redirect to /.",
                'after the commit, clear the session and return redirect(url_for("index"))',
            )
        page = probe.get("/").text
        if "Ana&#39;s post" in page or "Ana's post" in page:
            raise Miss("the deleted user's post is still listed.", "delete each of g.user.posts before g.user")
        _sign_up(carol, "carol")
        if "Logged in as" in probe.get("/").text:
            raise Miss(
                "after deleting her account, Ana's browser was logged in as carol, who registered next and got the "
                "same id: the session still held user_id.",
                "call session.clear() after the commit",
            )
        if "Bob&#39;s post" not in page:
            raise Miss("Bob's post went with Ana's account.", "delete only g.user's posts")
        data = {"csrf_token": _token(probe, "/login"), "username": "ana", "password": PASSWORD}
        login = probe.post("/login", data=data)
        expect_status(login, 400, "a deleted account can no longer log in: db.session.delete(g.user), then commit")
        expect_status(bob.get("/posts/new"), 200, "Bob is still logged in and may write")
        response = bob.get("/account/delete")
        expect_status(response, 405, "deleting changes data, so only a POST may do it: use @app.post")


def _sign_up(user, name):
    """Register ``name`` with the blog's own forms, then log in as it (the user's session keeps the cookie)."""
    for path, status in (("/register", "registered"), ("/login", "logged in")):
        data = {"csrf_token": _token(user, path), "username": name, "password": PASSWORD}
        response = user.post(path, data=data)
        if response.status_code not in (302, 303):
            raise Miss(f"POST {path} for the check's user {name!r} answered {response.status_code}: not {status}.")


def _write(user, title):
    """Write a post with this title as the logged-in user."""
    response = user.post("/posts/new", data={"csrf_token": _token(user, "/posts/new"), "title": title, "body": "Hi."})
    if response.status_code not in (302, 303):
        raise Miss(f"POST /posts/new answered {response.status_code}: the check could not write a post.")


def _token(user, path):
    """GET a page with a form and return its CSRF token, as a browser would send it back."""
    response = user.get(path)
    expect_status(response, 200)
    found = _TOKEN.search(response.text)
    if not found:
        raise Miss(f"GET {path} answered a page without the hidden csrf_token field.")
    return found.group(1)


def _expect_login_redirect(response, path, hint=None, who="without a logged-in user"):
    """Expect a redirect to the log-in page that brings the visitor back to ``path``."""
    location = urlsplit(response.headers.get("Location", ""))
    back = parse_qs(location.query).get("next")
    if response.status_code not in (302, 303) or location.path != "/login" or back != [path]:
        got = f"{response.status_code} {response.reason}" + (f", Location {location.geturl()}" if location.path else "")
        raise Miss(
            f"GET {path} {who} answered {got}, expected a redirect to /login?next={path}.",
            hint or 'when g.user is None, return redirect(url_for("login", next=request.path))',
        )
