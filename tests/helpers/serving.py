"""The settings of the served apps (chapters 14 and 15), as their tests set them."""

import os

KEY = "a-test-key-of-this-module"
TOKEN = "a-test-token-of-this-module"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def set_environment(monkeypatch):
    """Set the one required setting and the API token, and clear the FLASK_… ones a test might inherit."""
    for name in [n for n in os.environ if n.startswith("FLASK_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("FLASK_SECRET_KEY", KEY)
    monkeypatch.setenv("FLASK_API_TOKEN", TOKEN)
