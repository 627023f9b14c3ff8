"""Chapter 05: send files: one fixed image with ``send_file``, any file of a folder by name."""

from flask import Flask, send_file, send_from_directory

from tourapp.chapters.paths import STATIC

# The only folder /files/… and /download/… may read from; nothing above it is reachable.
FILES = STATIC / "files"


def create_app(test_config=None):
    """Create the files app; ``test_config`` overrides its settings in tests."""
    app = Flask(__name__, static_folder=STATIC)
    if test_config:
        app.config.from_mapping(test_config)

    @app.get("/image")
    def image():
        """Send the PNG picture; the path is ours, never taken from the request."""
        return send_file(STATIC / "sid.png", mimetype="image/png")

    @app.get("/files/<path:name>")
    def files(name):
        """Send a file of the files folder by name; a name that leaves the folder is a 404."""
        return send_from_directory(FILES, name)

    @app.get("/download/<path:name>")
    def download(name):
        """Send the same files as attachments, which a browser saves instead of showing."""
        return send_from_directory(FILES, name, as_attachment=True)

    return app


app = create_app()
