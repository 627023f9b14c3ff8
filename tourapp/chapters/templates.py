"""Chapter 07: render HTML pages from Jinja templates that extend one base page."""

from flask import Flask, render_template

from tourapp.chapters.paths import STATIC, TEMPLATES


def create_app(test_config=None):
    """Create the templates app; ``test_config`` overrides its settings in tests."""
    # The templates and the stylesheet base.html links to are shared by several chapters' apps.
    app = Flask(__name__, template_folder=TEMPLATES, static_folder=STATIC)
    if test_config:
        app.config.from_mapping(test_config)

    @app.get("/greet/<name>/")
    def greet(name):
        """Greet ``name`` on a page rendered from templates/index.html."""
        # Jinja escapes the name when it fills it in, so markup in it shows as text.
        return render_template("index.html", name=name)

    return app


app = create_app()
