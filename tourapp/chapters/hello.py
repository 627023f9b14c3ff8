"""Chapter 01: the smallest useful Flask app, one route that says hello."""

from flask import Flask


def create_app(test_config=None):
    """Create the hello app; ``test_config`` overrides its settings in tests."""
    app = Flask(__name__)
    if test_config:
        app.config.from_mapping(test_config)

    @app.get("/")
    def index():
        """Greet whoever asks for the home page."""
        return "Hello there!"

    return app


app = create_app()
