"""Chapter 08: serve static files: pictures linked from a page, and a whole page as it is."""

from flask import Flask, render_template

from tourapp.chapters.paths import STATIC, TEMPLATES


def create_app(test_config=None):
    """Create the static-files app; ``test_config`` overrides its settings in tests."""
    # static_folder is what /static/<path:filename> serves; nothing outside it is reachable.
    app = Flask(__name__, template_folder=TEMPLATES, static_folder=STATIC)
    if test_config:
        app.config.from_mapping(test_config)

    @app.get("/")
    def index():
        """Show the home page, which links the same picture in two ways."""
        return render_template("home.html")

    @app.get("/about")
    def about():
        """Send static/about.html unchanged: a finished page needs no template."""
        return app.send_static_file("about.html")

    return app


app = create_app()
