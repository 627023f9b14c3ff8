"""What a check may say: ask a served app over HTTP and compare its answers with what was expected.

A check gets a :class:`Probe` (the learner's app, already served) and calls ``expect_*`` on the
responses. A mismatch raises :class:`Miss` with a message that says what was expected, what
came back and, where it can guess, why. :class:`NotDone` means the learner has not started.
"""

from __future__ import annotations

import difflib
import json
import re
import sysconfig
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urljoin

import requests
from flask import got_request_exception

__all__ = [
    "Miss",
    "NotDone",
    "Probe",
    "describe",
    "expect_header",
    "expect_json",
    "expect_mimetype",
    "expect_status",
    "expect_text",
    "hinted",
    "json_body",
    "where",
]

_TIMEOUT = 5  # seconds a view may take to answer before the check gives up on it
_LIBRARIES = tuple(
    {sysconfig.get_paths()[key] for key in ("stdlib", "platstdlib", "purelib", "platlib")}
    | {str(Path(__file__).resolve().parent.parent)}
)


class Miss(Exception):
    """The app answered, but not what the exercise asks for; the message says how."""

    def __init__(self, message, hint=None):
        super().__init__(message + _then(hint))
        self.message = message  # what was asked, what came back and what was expected
        self.hint = hint  # why, where it can guess: its own line in the rendered result


class NotDone(Exception):
    """The learner's code is still the placeholder (or missing): nothing to check yet."""


class Probe:
    """Send requests to a served app and turn the errors its views raise into explanations."""

    def __init__(self, url, app):
        self.url = url
        self.app = app
        self._session = requests.Session()
        self._error = None  # what the view of the request in flight raised (one at a time)
        self.timed_out = False

    def get(self, path, **kwargs):
        """Send ``GET path``; see :meth:`request`."""
        return self.request("GET", path, **kwargs)

    def post(self, path, **kwargs):
        """Send ``POST path``; see :meth:`request`."""
        return self.request("POST", path, **kwargs)

    def request(self, method, path, *, explain_errors=True, **kwargs):
        """Send one request, without following redirects, and return the ``requests`` response.

        :param explain_errors: when the view raised and the answer is a 500, raise
            :class:`NotDone` (the view is the placeholder) or :class:`Miss` (naming the error)
            instead of returning; pass False to check an app's own 500 handling.
        :raise Miss: the app did not answer within a few seconds.
        """
        kwargs.setdefault("allow_redirects", False)
        self._error = None
        try:
            response = self._session.request(method, self.url + path, timeout=_TIMEOUT, **kwargs)
        except requests.Timeout:
            self.timed_out = True
            hint = "does its view loop forever? The check has stopped it; fix the loop and run the cells again"
            raise Miss(f"{method} {path} did not answer within {_TIMEOUT} s.", hint) from None
        if explain_errors and response.status_code == 500 and self._error is not None:
            raise _explain(self._error, f"{method} {path}")
        # The app's own paths, for a hint when the path asked for has no route (a typo in a rule).
        response.rules = sorted(  # type: ignore[attr-defined, unused-ignore]  # an attribute of our own, for the hint
            {rule.rule for rule in self.app.url_map.iter_rules() if rule.endpoint != "static"}
        )
        return response

    def _record(self, sender, exception, **extra):
        """Remember the exception a view raised (Flask signals it before answering 500)."""
        self._error = exception

    def __enter__(self):
        self._signal = got_request_exception.connected_to(self._record, self.app)
        self._signal.__enter__()
        return self

    def __exit__(self, *exc_info):
        self._signal.__exit__(*exc_info)
        self._session.close()


def expect_status(response, status, hint=None):
    """Expect the response's status code; ``hint`` is added when it differs."""
    if response.status_code == status:
        return
    got = f"{response.status_code} {response.reason}"
    reason = hint or _status_hint(response, status)
    raise Miss(f"{_label(response)} answered {got}, expected {status} {_reason(status)}.", reason)


def expect_text(response, text, hint=None):
    """Expect the response body to be exactly ``text``."""
    got = response.text
    if got == text:
        return
    if got.strip() == text.strip():
        hint = hint or "the words are right but the spaces or line breaks around them are not"
    elif got.lower() == text.lower():
        hint = hint or "the words are right but not their upper and lower case"
    elif _words(got) == _words(text) and got != text:
        hint = hint or f"the words are right but not the punctuation: {_punctuation(got, text)}"
    elif got == "" and text:
        hint = hint or "the answer is empty: does the view `return` its text? print() writes to the log, not the answer"
    raise Miss(f"{_label(response)} answered {_quote(got)}, expected {_quote(text)}.", hint)


def expect_mimetype(response, mimetype, hint=None):
    """Expect the response's Content-Type without its parameters, e.g. ``application/json``."""
    got = response.headers.get("Content-Type", "").split(";")[0].strip()
    if got == mimetype:
        return
    raise Miss(f"{_label(response)} answered with Content-Type {got or 'none'}, expected {mimetype}.", hint)


def expect_header(response, name, value, hint=None):
    """Expect the header ``name`` to be exactly ``value``.

    A Location is compared as the URL it leads to, so that ``/teams/Owls`` and the same path with
    the app's scheme and host in front are equal.
    """
    got = response.headers.get(name)
    if got == value:
        return
    if got is not None and name.lower() == "location" and urljoin(response.url, got) == urljoin(response.url, value):
        return
    raise Miss(f"{_label(response)} answered {name}: {got or 'none'}, expected {value}.", hint)


def expect_json(response, value, hint=None):
    """Expect a JSON answer (``application/json``) whose content equals ``value``.

    ``hint`` is added whichever way the answer is wrong: not JSON at all, or other JSON.
    """
    type_hint = hint
    if type_hint is None and response.text.lstrip().startswith(("{", "[")):
        type_hint = (
            "the body looks like a dict turned into a string: return the dict itself, and Flask sends it as JSON"
        )
    expect_mimetype(response, "application/json", type_hint)
    try:
        got = response.json()
    except ValueError:
        raise Miss(f"{_label(response)} says it is JSON, but its body is not: {_quote(response.text)}.", hint) from None
    if got == value:
        return
    details = []
    if isinstance(got, dict) and isinstance(value, dict):
        details += [
            f"{key!r} should be {value[key]!r}, not {got[key]!r}"
            for key in value
            if key in got and got[key] != value[key]
        ]
        missing = [repr(key) for key in value if key not in got]
        extra = [repr(key) for key in got if key not in value]
        details += [f"missing {', '.join(missing)}"] if missing else []
        details += [f"unexpected {', '.join(extra)}"] if extra else []
    details += [hint] if hint else []
    raise Miss(f"{_label(response)} answered {_dumps(got)}, expected {_dumps(value)}.", "; ".join(details))


def json_body(response):
    """Return a JSON response's content, or None when the answer is not JSON."""
    if response.headers.get("Content-Type", "").split(";")[0].strip() != "application/json":
        return None
    try:
        return response.json()
    except ValueError:
        return None


@contextmanager
def hinted(hint):
    """Add ``hint`` to a :class:`Miss` raised in the block that has none yet, e.g. one that names a view's error."""
    try:
        yield
    except Miss as exc:
        raise Miss(exc.message, exc.hint or hint) from None


def _explain(error, label):
    """Turn a view's exception into NotDone (still the placeholder) or a Miss that names it."""
    place = where(error)
    if isinstance(error, NotImplementedError):
        return NotDone(f"{label} still raises NotImplementedError{place}: replace that line with your code.")
    message = f"{label} answered 500 INTERNAL SERVER ERROR because the view raised {describe(error)}{place}."
    return Miss(message, _error_hint(error))


# Flask's words when a view's value is None: it returned nothing, or printed instead of returning.
_RETURNED_NONE = "either returned None or ended without a return statement"


def _error_hint(error):
    """Guess the beginner's mistake behind a view's error: a value not called, or nothing returned."""
    if isinstance(error, TypeError) and _RETURNED_NONE in str(error):
        return (
            "the view must end with `return` and the answer: it returned nothing (print() writes to the "
            "notebook or the log, never into the response)"
        )
    if isinstance(error, TypeError) and _raised_in(error, "run_wsgi_app"):
        # Flask takes a callable that a view returns for a WSGI app and calls it with two arguments:
        # `return "hello".upper` (no parentheses) ends here with "takes no arguments (2 given)".
        return (
            "the view returned a function or method instead of its result: add the parentheses that call "
            'it, e.g. `"hello".upper()`, not `"hello".upper`'
        )
    return None


def _raised_in(error, function):
    """Say whether the traceback of ``error`` passes through a function of that name."""
    tb = error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_name == function:
            return True
        tb = tb.tb_next
    return False


def where(error, function=None):
    """Say where in the learner's code an exception came from: ``" in shout(), line 6"``.

    :param function: the name the message already gives; then only the line is added.
    """
    frame = None
    tb = error.__traceback__
    while tb is not None:
        if not tb.tb_frame.f_code.co_filename.startswith(_LIBRARIES):
            frame = tb
        tb = tb.tb_next
    if frame is None:
        return ""
    name = frame.tb_frame.f_code.co_name
    if name == function or name == "<module>":  # the top level of a cell: its line says where
        return f" (line {frame.tb_lineno})"
    return f" in {name}(), line {frame.tb_lineno}"


def describe(error):
    """Return ``Type: message`` for an exception, on one line."""
    text = str(error).strip().splitlines()
    # The caller ends the sentence; Flask's own messages already end with a full stop.
    return type(error).__name__ + (f": {_shorten(text[0], 200).rstrip('.')}" if text else "")


def _status_hint(response, expected):
    """Guess why the status differs from what the exercise expected."""
    got = response.status_code
    if got == 404:
        asked = response.request.path_url.split("?")[0]
        hint = f"no route matches {asked}: check the path in the route decorator, slashes included"
        rules = getattr(response, "rules", None)
        close = difflib.get_close_matches(asked, rules or [], n=1, cutoff=0.6)
        if close:
            return f"{hint}; your app has {close[0]}, not {asked}"
        if rules is not None:
            return f"{hint}; your app's routes are {', '.join(rules) or 'none'}"
        return hint
    if got == 405:
        allowed = response.headers.get("Allow", "")
        method = response.request.method
        return (
            f"there is a route for this path, but it accepts only {allowed}: "
            f'give its route methods=["{method}"] (or use @app.{method.lower()})'
        )
    if got == 308:
        return "the rule ends in a slash, so Flask redirects to the path with one: leave the slash out of the rule"
    if got == 200 and expected != 200:
        return f"a view sets another status by returning a pair: return body, {expected}"
    return None


def _words(text):
    """Return the words and numbers of a text, in order, without punctuation or case ("I'm" is "im")."""
    return re.sub(r"[^\w\s]", "", text.lower()).split()


def _punctuation(got, expected):
    """Say which punctuation marks differ between two texts with the same words."""
    marks = difflib.SequenceMatcher(None, got, expected, autojunk=False).get_opcodes()
    missing = "".join(expected[j1:j2] for op, _, _, j1, j2 in marks if op in {"insert", "replace"}).strip()
    extra = "".join(got[i1:i2] for op, i1, i2, _, _ in marks if op in {"delete", "replace"}).strip()
    said = [f"{missing!r} is missing"] if missing else []
    said += [f"{extra!r} should not be there"] if extra else []
    return " and ".join(said) or "the marks differ"


def _label(response):
    """Name a request the way a learner reads it: ``GET /shout``."""
    return f"{response.request.method} {response.request.path_url}"


def _reason(status):
    """Name a status as Werkzeug's responses do (``413 REQUEST ENTITY TOO LARGE``), on every Python.

    Python 3.13's ``http.HTTPStatus`` took RFC 9110's newer names (``CONTENT TOO LARGE``), which the
    app's own status line never shows.
    """
    from werkzeug.http import HTTP_STATUS_CODES

    return HTTP_STATUS_CODES.get(status, "").upper()


def _quote(text):
    """Quote a body for a message: repr-style, one line, at most about 80 characters."""
    return repr(_shorten(text)) if len(text) > 80 else repr(text)


def _shorten(text, limit=80):
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _dumps(value):
    return _shorten(json.dumps(value, sort_keys=True, ensure_ascii=False), 120)


def _then(hint):
    return f" Hint: {hint}." if hint else ""
