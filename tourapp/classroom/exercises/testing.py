"""Chapter 13's exercises: write a test that passes for the forms app and fails for a broken copy of it.

The learner's test is a function like a pytest test: it names the fixtures it wants (``app``,
``client``, ``runner``) and the check hands them over, built from
``forms.create_app(TEST_CONFIG)``. A good test passes on the right app and fails, with an
``AssertionError``, on every broken one.
"""

import functools
import inspect

from flask import redirect, render_template, request, session, url_for

from ...chapters import forms
from .expect import Miss, NotDone, describe, where
from .registry import exercise

TEST_CONFIG = {"TESTING": True, "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False}
FIXTURES = ("app", "client", "runner")


@exercise(
    "13.1",
    "A test for the thank-you",
    name="test_signing_says_thanks",
    kind="test",
    goal="the test passes for the forms app and fails when the message is lost or the POST does not redirect.",
)
def signing_says_thanks(test):
    """Run the learner's test on the forms app, on one that loses the flash, and on one that does not redirect."""
    _expect_catches(
        test,
        (
            {"guestbook": _loses_the_flash},
            "loses the flashed message on the way",
            "follow the redirect (follow_redirects=True) and assert that the page says Thank you for signing, Ann!",
        ),
        (
            {"guestbook": _does_not_redirect},
            "answers the POST with the page itself instead of a redirect",
            "assert the redirect too: response.history[0].status_code == 302, or post without following and check "
            "response.location",
        ),
    )


@exercise(
    "13.2",
    "A test for logging in",
    name="test_login_remembers_the_user",
    kind="test",
    goal="the test passes for the forms app and fails when the log-in forgets the user or takes any password.",
)
def login_remembers_the_user(test):
    """Run the learner's test on the forms app, on one that forgets the user, and on one that takes any password."""
    _expect_catches(
        test,
        (
            {"login": _forgets_the_user},
            "redirects after a log-in but keeps no user in the session",
            "after logging in, look into the session: with client.session_transaction() as session: assert "
            'session["user"] == "ada"',
        ),
        (
            {"login": _takes_any_password},
            "logs in with any password",
            "log in once more with a wrong password and assert that the answer is 400 and no user is in the session",
        ),
    )


def _app(**broken):
    """Build the forms app for tests; ``broken`` wraps views by name (``guestbook=…``) to break them."""
    app = forms.create_app(TEST_CONFIG)
    for endpoint, wrap in broken.items():
        app.view_functions[endpoint] = wrap(app.view_functions[endpoint])
    return app


def _drops_from_the_session(key):
    """Return a wrapper that breaks a view: it answers as before, then drops ``key`` from the session."""

    def wrap(view):
        @functools.wraps(view)
        def forgetful():
            response = view()
            session.pop(key, None)
            return response

        return forgetful

    return wrap


_loses_the_flash = _drops_from_the_session("_flashes")  # the guestbook flashes nothing
_forgets_the_user = _drops_from_the_session("user")  # logging in keeps no one logged in


def _does_not_redirect(view):
    def guestbook():
        response = view()
        if request.method == "POST" and getattr(response, "status_code", None) == 302:
            return render_template("guestbook.html", entries=[], errors={}, typed={})
        return response

    return guestbook


def _takes_any_password(view):
    def login():
        response = view()
        if (
            request.method == "POST"
            and isinstance(response, tuple)
            and response[1] == 400
            and request.form.get("username")
        ):
            session["user"] = request.form["username"]
            return redirect(url_for("account"))
        return response

    return login


def _run(test, app):
    """Run ``test`` with the fixtures it names; return the exception it failed with, or None.

    As in pytest, any exception fails a test; a failed ``assert`` is the usual one.
    """
    try:
        names = list(inspect.signature(test).parameters)
    except (TypeError, ValueError):
        names = []
    unknown = [name for name in names if name not in FIXTURES]
    if unknown:
        raise Miss(
            f"{test.__name__}() asks for {', '.join(unknown)}, but the check has only the fixtures app, client and "
            f"runner."
        )
    fixtures = {"app": app, "client": app.test_client(), "runner": app.test_cli_runner()}
    try:
        test(**{name: fixtures[name] for name in names})
    except NotImplementedError as exc:
        raise NotDone(
            f"{test.__name__}() still raises NotImplementedError{where(exc, test.__name__)}: replace that line with "
            f"your test."
        ) from None
    except Exception as exc:
        return exc
    return None


def _expect_catches(test, *bugs):
    """Expect ``test`` to pass on the forms app and to fail on each broken copy of it.

    Each bug is ``(broken, what, hint)``: ``broken`` breaks views as :func:`_app` takes it, ``what`` says what
    the broken app does, ``hint`` how a test would catch it.
    """
    failed = _run(test, _app())
    if failed is not None:
        raise Miss(
            f"{test.__name__}() failed for the right app with {describe(failed)}{where(failed, test.__name__)}.",
            "a test of a working app must pass: compare with what the app really answers",
        )
    for broken, what, hint in bugs:
        if _run(test, _app(**broken)) is None:
            raise Miss(
                f"{test.__name__}() passed for an app that {what}: a test that passes either way cannot catch that "
                f"bug.",
                hint,
            )
