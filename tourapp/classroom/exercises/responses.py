"""Chapter 04's exercises: a 204 for DELETE, 201 and Location on create, a name escaped into HTML."""

from .expect import Miss, expect_header, expect_mimetype, expect_status, expect_text, hinted
from .registry import exercise


@exercise(
    "04.1",
    "Delete a user",
    name="delete_app",
    goal="DELETE /users/Peter answers 204 No Content, with or without the slash; GET still greets.",
)
def delete(probe):
    """Check that DELETE /users/<name> answers 204, both slash forms, and GET still greets."""
    both = "the chapter's rules answer both forms: write /users/<name> and pass strict_slashes=False"
    for path in ["/users/Peter", "/users/Peter/"]:
        response = probe.request("DELETE", path)
        hint = {
            200: "a view sets another status by returning a pair, and a 204 has no body: return '', 204",
            308: both,
        }.get(response.status_code)
        if response.status_code in (404, 405) and path.endswith("/"):  # DELETE /users/Peter worked
            hint = both
        expect_status(response, 204, hint)
    response = probe.get("/users/Peter")
    expect_status(
        response, 200, "the chapter's GET /users/<name> should still answer: add your view to the app create_app builds"
    )
    expect_text(response, "Hello Peter")


@exercise(
    "04.2",
    "Create a team",
    name="team_app",
    goal="POST /teams/Owls answers 201 with Location: /teams/Owls, and that URL answers 'Team Owls'.",
)
def team(probe):
    """Check that POST /teams/<name> answers 201 with a Location that a GET view answers."""
    with hinted("url_for('get_team', name=name) builds the Location from the name of the GET view, which must exist"):
        response = probe.post("/teams/Owls")
    expect_status(
        response,
        201,
        "a view sets another status by passing it to make_response: make_response(body, 201)"
        if response.status_code == 200
        else None,
    )
    expect_text(response, "team Owls created")
    if "Location" not in response.headers:  # a hint of its own: the header is missing, not wrong
        raise Miss(
            "POST /teams/Owls answered without a Location header.",
            "set it on the response before returning it: response.headers['Location'] = url_for('get_team', name=name)",
        )
    expect_header(
        response,
        "Location",
        "/teams/Owls",
        "url_for names the view that answers GET, with the name: url_for('get_team', name=name)",
    )
    response = probe.get("/teams/Owls")
    expect_status(
        response,
        200,
        "the Location should name a URL that answers: add a view for GET /teams/<name>"
        if response.status_code in (404, 405)
        else None,
    )
    expect_text(response, "Team Owls")


@exercise(
    "04.3",
    "Escape the name",
    name="welcome_page_app",
    goal="GET /welcome/<name> answers <h1>Welcome, NAME!</h1> with NAME escaped, as HTML.",
)
def welcome_page(probe):
    """Check that GET /welcome/<name> puts the name into an HTML heading, escaped."""
    for name, shown in [
        ("Peter", "Peter"),
        ("Tom & Jerry", "Tom &amp; Jerry"),
        ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"),
    ]:
        response = probe.get(f"/welcome/{name}")
        expect_status(response, 200)
        expect_mimetype(response, "text/html", "this answer is a page: leave Flask's text/html as it is")
        expected = f"<h1>Welcome, {shown}!</h1>"
        hint = None
        if response.text == f"<h1>Welcome, {name}!</h1>":
            hint = (
                "the name went into the page as it was sent, and a browser reads it as markup (a script would "
                "run): pass it through escape() (from markupsafe), as get_user does"
            )
        elif response.text.startswith("&lt;h1&gt;"):
            hint = "escape only the name: the <h1> tags are your own markup, and escaped they show as text"
        expect_text(response, expected, hint)
