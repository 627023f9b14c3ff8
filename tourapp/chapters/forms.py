"""Chapter 12: a guestbook form, POST-redirect-GET with flash(), a signed session to log in, CSRF with Flask-WTF."""

import re

from flask import Flask, flash, redirect, render_template, request, session, url_for
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFProtect
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import PasswordField, StringField
from wtforms.validators import InputRequired, Length

from tourapp.chapters.paths import STATIC, TEMPLATES

MAX_NAME = 40
MAX_MESSAGE = 200
# One demo account. A real app keeps its users in a database, and only hashes of their passwords.
USERS = {"ada": generate_password_hash("lovelace")}
# A path on this site: one slash, then printable ASCII without backslashes (a browser reads
# "/\evil.example" and "//evil.example" as another site, so those are refused).
LOCAL_PATH = re.compile(r"/(?![/\\])[!-\[\]-~]*")


class LoginForm(FlaskForm):
    """The log-in form: WTForms reads and validates the fields, Flask-WTF adds the CSRF token."""

    username = StringField("Name", validators=[InputRequired(), Length(max=MAX_NAME)])
    password = PasswordField("Password", validators=[InputRequired(), Length(max=100)])


def create_app(test_config=None):
    """Create the forms app; ``test_config`` overrides its settings in tests."""
    app = Flask(__name__, template_folder=TEMPLATES, static_folder=STATIC)
    app.config.from_mapping(
        # DEV ONLY: whoever knows the key can sign cookies the app believes. In production set
        # FLASK_SECRET_KEY in the environment to a long random value (python -c "import secrets;
        # print(secrets.token_hex())"), which from_prefixed_env() below puts in its place.
        SECRET_KEY="dev-only-not-secret",
        MAX_CONTENT_LENGTH=16 * 1024,  # a form of a few short fields: refuse big bodies early
    )
    app.config.from_prefixed_env()  # FLASK_SECRET_KEY=… becomes SECRET_KEY
    if test_config:
        app.config.from_mapping(test_config)
    # Every POST must carry the token the app put in its form, or it is refused with 400.
    CSRFProtect(app)
    entries = []  # the guestbook, kept in memory for as long as the app runs

    @app.get("/")
    def index():
        """Send visitors to the guestbook."""
        return redirect(url_for("guestbook"))

    @app.route("/guestbook", methods=["GET", "POST"])
    def guestbook():
        """Show the guestbook; on POST, add an entry and redirect, or show the form's errors."""
        errors = {}
        if request.method == "POST":
            name = request.form.get("name", "").strip()
            message = request.form.get("message", "").strip()
            errors = _problems(name, message)
            if not errors:
                entries.append({"name": name, "message": message})
                flash(f"Thank you for signing, {name}!")
                # POST → redirect → GET: reloading the page that follows does not sign again.
                return redirect(url_for("guestbook"))
        # On errors the page shows the form again with what was typed (request.form) and a 400.
        page = render_template("guestbook.html", entries=entries, errors=errors, typed=request.form)
        return page, 400 if errors else 200

    @app.route("/login", methods=["GET", "POST"])
    def login():
        """Log in with a name and password from the form; then go to ``next``, if it is on this site."""
        form = LoginForm()
        if form.validate_on_submit():
            known = USERS.get(form.username.data)
            if known and check_password_hash(known, form.password.data):
                session.clear()  # start afresh: nothing from before the log-in carries over
                session["user"] = form.username.data
                flash(f"Logged in as {form.username.data}.")
                return redirect(_local(request.args.get("next")) or url_for("account"))
            form.password.errors.append("Wrong name or password.")
        return render_template("login.html", form=form), 400 if form.errors else 200

    @app.post("/logout")
    def logout():
        """Forget the user (a POST, so that no other site's link or image can log anyone out)."""
        session.pop("user", None)
        flash("Logged out.")
        return redirect(url_for("guestbook"))

    @app.get("/account")
    def account():
        """Show who is logged in, or send the visitor to log in first and come back."""
        if "user" not in session:
            return redirect(url_for("login", next=url_for("account")))
        return render_template("account.html", user=session["user"])

    return app


def _problems(name, message):
    """Return what is wrong with a guestbook entry, by field; empty when it may be added."""
    problems = {}
    if not name:
        problems["name"] = "Please give your name."
    elif len(name) > MAX_NAME:
        problems["name"] = f"A name is at most {MAX_NAME} characters long."
    if not message:
        problems["message"] = "Please write a message."
    elif len(message) > MAX_MESSAGE:
        problems["message"] = f"A message is at most {MAX_MESSAGE} characters long."
    return problems


def _local(target):
    """Return ``target`` if it is a path on this site, else None: never redirect to another site."""
    return target if target and LOCAL_PATH.fullmatch(target) else None


app = create_app()
