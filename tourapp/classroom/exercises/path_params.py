"""Chapter 03's exercises: numbers from the path, a second rule beside an int rule, a word from a list."""

from .expect import expect_header, expect_status, expect_text, hinted
from .registry import exercise


@exercise(
    "03.1",
    "Add two numbers",
    name="add_app",
    goal="GET /add/2/3/ answers '5', /add/2/three/ is a 404 and /add/2/3 redirects to /add/2/3/.",
)
def add(probe):
    """Check that GET /add/<int:a>/<int:b>/ adds, refuses words and redirects the slashless form."""
    for path, text in [("/add/2/3/", "5"), ("/add/40/2/", "42")]:
        with hinted("a view returns text, not a number: return str(a + b)"):
            response = probe.get(path)
        expect_status(response, 200)
        joined = response.text == path.replace("/add/", "").replace("/", "")
        expect_text(
            response,
            text,
            "the numbers were joined as text: with <int:a> the view gets an int, and ints add up" if joined else None,
        )
    _expect_404(
        probe,
        "/add/2/three/",
        "'three' is not a number: with <int:b> in the rule such a path matches no route, and Flask answers "
        "404 by itself",
    )
    response = probe.get("/add/2/3")
    expect_status(
        response, 308, "end the rule with a slash, /add/<int:a>/<int:b>/, and Flask redirects the form without it"
    )
    expect_header(response, "Location", "/add/2/3/")


@exercise(
    "03.2",
    "Guests by name",
    name="guest_number_app",
    goal="GET /guests/Robert/ answers 'Robert is guest 2'; a name that is no guest's gets a 404.",
)
def guest_number(probe):
    """Check that GET /guests/<name>/ finds a guest's number, beside the chapter's int rule."""
    _expect_answers(probe, [("/guests/Robert/", "Robert is guest 2"), ("/guests/Lucia/", "Lucia is guest 1")])
    response = probe.get("/guests/2/")
    expect_status(
        response,
        200,
        "the chapter's route for numbers should still answer: add your route to the app create_app builds",
    )
    expect_text(
        response,
        "Guest 2 is Robert",
        "digits should still reach the chapter's guest() view: Flask tries the <int:…> rule before a plain <name> one",
    )
    _expect_404(
        probe,
        "/guests/Nobody/",
        "a name that is not in GUESTS should be a 404: call abort(404) when no guest has that name, as guest() "
        "does for numbers",
    )


@exercise(
    "03.3",
    "Three languages",
    name="languages_app",
    goal="GET /greet/es/Lucia/ answers 'Hola Lucia' (en: Hello, fr: Bonjour); any other language is a 404.",
)
def languages(probe):
    """Check that GET /greet/<lang>/<name>/ greets in en, es or fr, and refuses other languages."""
    _expect_answers(
        probe,
        [
            ("/greet/en/Robert/", "Hello Robert"),
            ("/greet/es/Lucia/", "Hola Lucia"),
            ("/greet/fr/Peter/", "Bonjour Peter"),
        ],
    )
    response = probe.get("/greet/Robert/")
    expect_status(
        response, 200, "the chapter's /greet/<name>/ should still answer: add your route to the app create_app builds"
    )
    expect_text(response, "Hello Robert")
    _expect_404(
        probe,
        "/greet/de/Robert/",
        "a language the app does not speak should be a 404: <any(en, es, fr):lang> in the rule matches only those "
        "three words",
    )


def _expect_answers(probe, answers):
    """GET each ``(path, text)``'s path and expect a 200 with exactly that text."""
    for path, text in answers:
        response = probe.get(path)
        expect_status(response, 200)
        expect_text(response, text)


def _expect_404(probe, path, hint):
    """GET ``path`` and expect a 404; ``hint`` goes with any other answer, a view's error included."""
    with hinted(hint):
        response = probe.get(path)
    expect_status(response, 404, hint)
