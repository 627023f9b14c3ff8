"""Chapter 02's exercises: read two parameters with defaults, a number, and every value of a name."""

from .expect import expect_mimetype, expect_status, expect_text, hinted
from .registry import exercise

MAX_TIMES = 100  # 02.2's bound: a larger times is refused, so that no request can build a huge answer
AS_HTML = (
    "the answer echoes the query as text/html, so a <script> sent in the URL would run in the visitor's browser: "
    "answer in plain text, as greet does: return body, 200, query_params.PLAIN_TEXT"
)


@exercise(
    "02.1",
    "Two parameters",
    name="welcome_app",
    goal="GET /welcome?greeting=Hi&name=Lucia answers 'Hi Lucia' in plain text, Hello and Guest for a missing part.",
)
def welcome(probe):
    """Check that GET /welcome reads greeting and name from the query, each with its default, into plain text."""
    for query, text in [
        ("?greeting=Hi&name=Lucia", "Hi Lucia"),
        ("?name=Robert&greeting=Hola", "Hola Robert"),  # the order in the URL does not matter
        ("?name=Peter", "Hello Peter"),
        ("?greeting=Hi", "Hi Guest"),
        ("", "Hello Guest"),
    ]:
        response = probe.get(f"/welcome{query}")
        expect_status(
            response,
            200,
            _status_hint(
                response,
                "request.args.get(key, default) gives the default instead, as in request.args.get('greeting', 'Hello')",
            ),
        )
        expect_text(response, text, _welcome_hint(response.text, text))
    expect_mimetype(response, "text/plain", AS_HTML)  # the words first, then how they are sent


def _welcome_hint(got, expected):
    """Name the usual slip behind a wrong welcome, or None to let expect_text guess."""
    greeting, name = expected.split(" ")
    if "None" in got.split(" "):
        return (
            "a parameter missing from the query came back as None: request.args.get takes the default as its "
            "second argument, 'Hello' for greeting and 'Guest' for name"
        )
    if got == f"{name} {greeting}":
        return "greeting and name are swapped: the greeting comes first"
    return None


@exercise(
    "02.2",
    "A number",
    name="repeat_app",
    goal=(
        "GET /repeat?word=ha&times=3 answers 'hahaha' in plain text; times is 1 when it is missing or not a number, "
        f"and more than {MAX_TIMES} is a 400."
    ),
)
def repeat(probe):
    """Check that GET /repeat converts times to an int (1 when missing or bad), answers text, and bounds times."""
    convert = (
        "query values are strings, and a missing one is None: request.args.get('times', 1, type=int) makes an "
        "int of it, and gives 1 when it is missing or not a whole number"
    )
    for query, text in [
        ("?word=ha&times=3", "hahaha"),
        ("?word=ho&times=1", "ho"),
        ("?word=ha", "ha"),
        ("?word=ha&times=lots", "ha"),
    ]:
        with hinted(convert):
            response = probe.get(f"/repeat{query}")
        expect_status(
            response, 200, _status_hint(response, "request.args.get('times', 1, type=int) gives the default instead")
        )
        expect_text(response, text, convert)
    expect_mimetype(response, "text/plain", AS_HTML)
    response = probe.get(f"/repeat?word=ha&times={MAX_TIMES}")
    at_most = f"{MAX_TIMES} is allowed: refuse only more than {MAX_TIMES}"
    expect_status(response, 200, at_most if response.status_code == 400 else None)
    expect_text(response, "ha" * MAX_TIMES)
    response = probe.get(f"/repeat?word=ha&times={MAX_TIMES * 10}")
    hint = None
    if response.status_code == 200 and len(response.text) > len("ha") * MAX_TIMES:
        hint = (
            "times has no bound, so a huge number builds a huge string in the server's memory: refuse more than "
            f"{MAX_TIMES} with status 400 (return a short message, 400, query_params.PLAIN_TEXT)"
        )
    elif response.status_code == 200:
        hint = f"refuse more than {MAX_TIMES} with status 400, so the visitor learns why, instead of cutting it short"
    expect_status(response, 400, hint)


@exercise(
    "02.3",
    "Every name",
    name="greet_all_app",
    goal="GET /greet-all?name=Lucia&name=Robert answers 'Hello Lucia, Robert' in plain text, or 'Hello Guest'.",
)
def greet_all(probe):
    """Check that GET /greet-all greets every name of the query, in plain text, or a guest."""
    for query, text in [
        ("?name=Lucia&name=Robert&name=Peter", "Hello Lucia, Robert, Peter"),
        ("?name=Lucia", "Hello Lucia"),
        ("", "Hello Guest"),
    ]:
        response = probe.get(f"/greet-all{query}")
        expect_status(response, 200, _status_hint(response, "request.args.getlist('name') gives an empty list instead"))
        hint = None
        if "," in text and response.text == "Hello Lucia":
            hint = (
                "only the first name came back: request.args.get gives the first value, "
                "request.args.getlist('name') gives them all"
            )
        elif text == "Hello Guest" and response.text.strip() == "Hello":
            hint = "with no name in the query, getlist returns an empty list: answer 'Hello Guest' then"
        expect_text(response, text, hint)
        expect_mimetype(
            response, "text/plain", "return the headers too, as greet does: return body, 200, query_params.PLAIN_TEXT"
        )


def _status_hint(response, instead):
    """Explain a 400: ``request.args[key]`` refuses a query without the key (expect_status explains the rest)."""
    if response.status_code == 400:
        return f"request.args[…] answers 400 BAD REQUEST when the query lacks that parameter; {instead}"
    return None
