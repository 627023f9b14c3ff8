"""Find the chapters' files (templates/, static/, data/) inside the package, installed or not.

They ship in the package, so that a wheel installed anywhere has them; ``importlib.resources``
says where the package's files are. Flask wants folders on disk, and an installed package (a
wheel unpacked into site-packages, or this checkout) is one.
"""

from importlib.resources import files
from pathlib import Path

FILES = Path(str(files(__package__)))  # tourapp/chapters/
TEMPLATES = FILES / "templates"
STATIC = FILES / "static"
DATA = FILES / "data"
# The folder holding the tourapp package: this checkout (with notebooks/ and build/) in the
# editable install, site-packages in an installed wheel.
ROOT = FILES.parent.parent


def chapter_file(name):
    """Return the path of ``name``, a file given relative to the chapters (``templates/base.html``) or to ROOT."""
    path = FILES / name
    return path if path.exists() else ROOT / name
