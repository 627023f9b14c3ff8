"""Chapter 01's exercises: grow the hello app by a route that shouts, one that refuses, one in JSON."""

from .expect import expect_json, expect_status, expect_text
from .registry import exercise


@exercise("01.1", "Shout", name="shout_app", goal="GET /shout answers 'HELLO THERE!'.")
def shout(probe):
    """Check that GET /shout answers the greeting in upper case."""
    response = probe.get("/shout")
    expect_status(response, 200)
    expect_text(response, "HELLO THERE!")


@exercise("01.2", "I'm a teapot", name="teapot_app", goal="GET /coffee answers 418 with 'I'm a teapot'.")
def teapot(probe):
    """Check that GET /coffee answers status 418 and says why."""
    response = probe.get("/coffee")
    expect_status(response, 418)
    expect_text(response, "I'm a teapot")


@exercise(
    "01.3",
    "About, in JSON",
    name="about_app",
    goal='GET /about answers {"chapter": 1, "title": "Hello, Flask"} as JSON.',
)
def about(probe):
    """Check that GET /about answers a JSON object that names the chapter."""
    response = probe.get("/about")
    expect_status(response, 200)
    expect_json(response, {"chapter": 1, "title": "Hello, Flask"})
