"""Chapter 16: accounts and a blog: users with hashed passwords, posts with an author, only the author may edit."""

import re
import weakref

from flask import Flask, abort, flash, g, redirect, render_template, request, session, url_for
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import PasswordField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Regexp

from tourapp.chapters.paths import STATIC, TEMPLATES

# The chapter's own SQLAlchemy object, so that db.create_all() makes its two tables and no others.
db = SQLAlchemy()
# The views only a logged-in user may open; require_login() below sends everyone else to log in.
LOGIN_REQUIRED = {"new_post", "edit_post", "delete_post"}
# A path on this site (chapter 12): one slash, then printable ASCII without backslashes.
LOCAL_PATH = re.compile(r"/(?![/\\])[!-\[\]-~]*")


class User(db.Model):
    """An account: a unique name and a hash of the password, never the password itself."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    posts: Mapped[list["Post"]] = relationship(back_populates="author")


class Post(db.Model):
    """A blog post; ``author_id`` is a foreign key to the user who wrote it."""

    __tablename__ = "posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    author: Mapped[User] = relationship(back_populates="posts")


class AccountForm(FlaskForm):
    """The register and log-in form: a name and a password (and, from Flask-WTF, the CSRF token)."""

    username = StringField(
        "User name",
        validators=[
            InputRequired(),
            Length(max=40),
            Regexp(r"[\w.-]+\Z", message="Use letters, digits, '.', '-' and '_' only."),
        ],
    )
    password = PasswordField("Password", validators=[InputRequired(), Length(min=8, max=200)])


class PostForm(FlaskForm):
    """The form to write or edit a post."""

    title = StringField("Title", validators=[InputRequired(), Length(max=100)])
    body = TextAreaField("Text", validators=[InputRequired(), Length(max=5000)])


def create_app(test_config=None):
    """Create the blog app; ``test_config`` overrides its settings (its database, in tests)."""
    app = Flask(__name__, template_folder=TEMPLATES, static_folder=STATIC)
    app.config.from_mapping(
        SECRET_KEY="dev-only-not-secret",  # DEV ONLY, as in chapter 12: set FLASK_SECRET_KEY
        SQLALCHEMY_DATABASE_URI="sqlite:///blog.db",  # a relative path lives in the instance folder
        MAX_CONTENT_LENGTH=64 * 1024,
    )
    app.config.from_prefixed_env()
    if test_config:
        app.config.from_mapping(test_config)
    CSRFProtect(app)
    db.init_app(app)
    with app.app_context():
        db.create_all()  # CREATE TABLE for every model whose table is missing; existing tables are kept
        weakref.finalize(app, db.engine.dispose)  # close the pooled connections when the app is gone

    @app.before_request
    def load_user():
        """Put the logged-in user in ``g.user`` (None for a visitor) for the views and templates."""
        user_id = session.get("user_id")
        g.user = db.session.get(User, user_id) if user_id is not None else None

    @app.before_request
    def require_login():
        """Send a visitor who opens a view of LOGIN_REQUIRED to log in, and back afterwards."""
        if g.user is None and request.endpoint in LOGIN_REQUIRED:
            return redirect(url_for("login", next=request.path))

    @app.get("/")
    def index():
        """List every post, newest first, with its author's name (a join of posts and users)."""
        query = db.select(Post, User).join(Post.author).order_by(Post.id.desc())
        return render_template("blog/index.html", rows=db.session.execute(query).all())

    @app.route("/register", methods=["GET", "POST"])
    def register():
        """Create an account from the form, storing only a hash of the password."""
        form = AccountForm()
        if form.validate_on_submit():
            db.session.add(User(username=form.username.data, password_hash=generate_password_hash(form.password.data)))
            try:
                db.session.commit()
            except IntegrityError:  # the UNIQUE column: holds even when two people pick a name at once
                db.session.rollback()
                form.username.errors.append("That name is taken.")
            else:
                flash("Registered. Please log in.")
                return redirect(url_for("login"))
        return render_template("blog/account.html", form=form, title="Register"), 400 if form.errors else 200

    @app.route("/login", methods=["GET", "POST"])
    def login():
        """Log in with the form's name and password; then go to ``next``, if it is on this site."""
        form = AccountForm()
        if form.validate_on_submit():
            query = db.select(User).filter_by(username=form.username.data)
            user = db.session.execute(query).scalar_one_or_none()
            if user is not None and check_password_hash(user.password_hash, form.password.data):
                session.clear()  # nothing from before the log-in carries over
                session["user_id"] = user.id
                flash(f"Logged in as {user.username}.")
                return redirect(_local(request.args.get("next")) or url_for("index"))
            # The same words for an unknown name and a wrong password: tell an attacker nothing.
            form.password.errors.append("Wrong user name or password.")
        return render_template("blog/account.html", form=form, title="Log in"), 400 if form.errors else 200

    @app.post("/logout")
    def logout():
        """Forget the user."""
        session.clear()
        flash("Logged out.")
        return redirect(url_for("index"))

    @app.route("/posts/new", methods=["GET", "POST"])
    def new_post():
        """Write a post as the logged-in user."""
        form = PostForm()
        if form.validate_on_submit():
            db.session.add(Post(author=g.user, title=form.title.data, body=form.body.data))
            db.session.commit()
            flash("Posted.")
            return redirect(url_for("index"))
        return render_template("blog/post.html", form=form, post=None), 400 if form.errors else 200

    @app.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
    def edit_post(post_id):
        """Edit one of your own posts."""
        post = _own_post(post_id)
        form = PostForm(obj=post)  # on GET the fields start with the post's title and text
        if form.validate_on_submit():
            post.title, post.body = form.title.data, form.body.data
            db.session.commit()
            flash("Saved.")
            return redirect(url_for("index"))
        return render_template("blog/post.html", form=form, post=post), 400 if form.errors else 200

    @app.post("/posts/<int:post_id>/delete")
    def delete_post(post_id):
        """Delete one of your own posts."""
        db.session.delete(_own_post(post_id))
        db.session.commit()
        flash("Deleted.")
        return redirect(url_for("index"))

    return app


def _own_post(post_id):
    """Return the logged-in user's post ``post_id``.

    :raise 404: there is no such post.
    :raise 403: somebody else wrote it.
    """
    post = db.get_or_404(Post, post_id, description="There is no such post.")
    if post.author_id != g.user.id:
        abort(403, description="This post is somebody else's.")
    return post


def _local(target):
    """Return ``target`` if it is a path on this site, else None: never redirect to another site."""
    return target if target and LOCAL_PATH.fullmatch(target) else None
