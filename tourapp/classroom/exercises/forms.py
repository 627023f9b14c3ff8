"""Chapter 12's exercises: grow the forms app by applause (POST-redirect-GET, flash), a form, a session counter."""

import base64
import html
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import requests

from .expect import Miss, expect_mimetype, expect_status, expect_text
from .registry import exercise

_TOKEN = re.compile(r"""<input\b[^>]*\bname=["']csrf_token["'][^>]*>""")
_VALUE = re.compile(r"""\bvalue=["']([^"']*)["']""")
_FLASH = re.compile(r"""<p class=["']flash["']>(.*?)</p>""", re.DOTALL)
_HIDDEN_TOKEN = '<input type="hidden" name="csrf_token" value="{{ csrf_token() }}"> inside the <form>'


@exercise(
    "12.1",
    "Applause",
    name="applause_app",
    goal="POST /applause redirects to the guestbook, which says 'Thanks for the applause!' once.",
)
def applause(probe):
    """Check POST → redirect → GET with a flashed message, and that GET /applause changes nothing."""
    token = _token(probe, "/guestbook")
    response = probe.post("/applause", data={"csrf_token": token})
    _expect_redirect(response, "/guestbook", 'after a POST, answer return redirect(url_for("guestbook"))')
    _expect_flashes(
        probe.get("/guestbook"),
        ["Thanks for the applause!"],
        'call flash("Thanks for the applause!") before you return the redirect',
    )
    _expect_flashes(
        probe.get("/guestbook"), [], "a flashed message shows once: let get_flashed_messages() in the page take it"
    )
    response = probe.get("/applause")
    expect_status(response, 405, "applause changes what the next page shows, so only a POST may do it: use @app.post")


@exercise(
    "12.2",
    "Subscribe",
    name="subscribe_app",
    goal="GET /subscribe shows a form; a bad address comes back with a 400, the error and the typed value; a good one "
    "redirects with a flash.",
)
def subscribe(probe):
    """Check a form that validates its one field, keeps what was typed (escaped), and redirects when it is right."""
    token = _token(probe, "/subscribe")
    for typed in ("ann.example.org", "<b>ann</b>", "a" * 95 + "@x.org"):
        response = probe.post("/subscribe", data={"csrf_token": token, "email": typed})
        expect_status(
            response, 400, "when the address is wrong, render the form again and return it with 400: return page, 400"
        )
        expect_mimetype(response, "text/html")
        if "Please give an e-mail address." not in response.text:
            raise Miss(
                f"POST /subscribe with the address {typed!r} answered a page without 'Please give an e-mail address.'.",
                "put the error message on the page next to the field",
            )
        kept = _field_values(response.text).get("email")
        if kept != typed:
            hint = (
                "fill the field with what was typed: {{ form.email() }} does it, or "
                'value="{{ email }}" where the view passes email=request.form.get("email", "")'
            )
            raise Miss(
                f"POST /subscribe with {typed!r} showed the field with the value {kept!r}, expected what was typed.",
                hint,
            )
        if "<b>ann" in response.text:
            raise Miss(
                "the markup in the typed address reached the page unescaped.",
                "let Jinja fill in the value as {{ email }}, never with |safe",
            )
    response = probe.post("/subscribe", data={"csrf_token": token, "email": "ann@example.org"})
    _expect_redirect(
        response, "/guestbook", 'when the address is right, flash a message and return redirect(url_for("guestbook"))'
    )
    _expect_flashes(
        probe.get("/guestbook"),
        ["Subscribed: ann@example.org"],
        'call flash(f"Subscribed: {email}") before the redirect',
    )


@exercise(
    "12.3",
    "Visits",
    name="visits_app",
    goal="GET /visits answers 'Visit number 1', 2, 3 … per visitor, counted in the signed session.",
)
def visits(probe):
    """Check a counter kept in the session: per visitor, and not something a visitor can set."""
    for n in (1, 2, 3):
        response = probe.get("/visits")
        expect_status(response, 200)
        expect_text(
            response,
            f"Visit number {n}",
            'keep the count in the session: session["visits"] = session.get("visits", 0) + 1' if n > 1 else None,
        )
    cookie = probe._session.cookies.get("session")
    if cookie is None:
        raise Miss(
            "GET /visits set no session cookie.",
            "count in flask's session, which the app sends as the cookie named session",
        )
    # A new visitor, then one who edits the cookie (claims 41 visits): both start at 1.
    response = requests.get(probe.url + "/visits", timeout=5)
    expect_text(
        response,
        "Visit number 1",
        "a new visitor has a session of their own: keep the count in session, not in a global",
    )
    forged = (
        base64.urlsafe_b64encode(b'{"visits":41}').rstrip(b"=").decode() + "." + cookie.lstrip(".").split(".", 1)[1]
    )
    response = requests.get(probe.url + "/visits", cookies={"session": forged, "visits": "41"}, timeout=5)
    expect_text(
        response, "Visit number 1", "a count the visitor can change is no count: keep it in session, which Flask signs"
    )


def _token(probe, path):
    """GET a page with a form and return the CSRF token in it, as a browser would send it back."""
    response = probe.get(path)
    expect_status(response, 200)
    found = _TOKEN.search(response.text)
    value = _VALUE.search(found.group(0)) if found else None
    if not value:
        raise Miss(f"GET {path} answered a page without the hidden csrf_token field.", f"add {_HIDDEN_TOKEN}")
    return value.group(1)


def _expect_redirect(response, path, hint):
    """Expect a redirect (302 or 303) to ``path``."""
    if response.status_code not in (302, 303):
        # No route, or a route without methods=["POST"]: expect_status's own hint names that.
        expect_status(response, 302, None if response.status_code in (404, 405) else hint)
    location = response.headers.get("Location", "")
    if urlsplit(location).path != path:
        raise Miss(
            f"{response.request.method} {response.request.path_url} redirected to {location or 'nowhere'}, expected "
            f"{path}.",
            hint,
        )


def _expect_flashes(response, messages, hint):
    """Expect the page to show exactly these flashed messages."""
    expect_status(response, 200)
    shown = [html.unescape(m).strip() for m in _FLASH.findall(response.text)]
    if shown != messages:
        raise Miss(f"GET /guestbook showed the messages {shown}, expected {messages}.", hint)


class _Fields(HTMLParser):
    """Collect the value of each <input> and <textarea> of a page, by name."""

    def __init__(self):
        super().__init__()
        self.values, self._textarea = {}, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name"):
            self.values[attrs["name"]] = attrs.get("value") or ""
        elif tag == "textarea":
            self._textarea = attrs.get("name")
            self.values[self._textarea] = ""

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data


def _field_values(page):
    """Return {name: value} for the fields of a page's forms, values unescaped."""
    parser = _Fields()
    parser.feed(page)
    return parser.values
