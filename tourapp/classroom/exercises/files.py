"""Chapter 05's exercises: send the JPEG, offer it as a named download, serve a folder by name safely."""

from ...chapters.paths import STATIC
from .expect import Miss, expect_header, expect_mimetype, expect_status, hinted
from .registry import exercise

# Compared with what comes back, so that a check can tell which file was sent.
_FILES = {
    "static/sid.jpg": STATIC / "sid.jpg",
    "static/sid.png": STATIC / "sid.png",
    "static/files/hello.txt": STATIC / "files" / "hello.txt",
    "static/files/notes/tea.txt": STATIC / "files" / "notes" / "tea.txt",
}


@exercise("05.1", "The JPEG", name="photo_app", goal="GET /photo sends static/sid.jpg as image/jpeg.")
def photo(probe):
    """Check that GET /photo sends the JPEG picture with its type."""
    response = probe.get("/photo")
    expect_status(response, 200)
    _expect_file(response, "static/sid.jpg")
    expect_mimetype(
        response,
        "image/jpeg",
        "send_file guesses the type from the file name; a mimetype= that says otherwise is wrong",
    )


@exercise(
    "05.2",
    "A named download",
    name="photo_download_app",
    goal="GET /photo/download sends static/sid.jpg as an attachment named flask-tour.jpg.",
)
def photo_download(probe):
    """Check that GET /photo/download sends the JPEG as a download with the name flask-tour.jpg."""
    with hinted("Flask 2.2 removed attachment_filename=; its name is download_name= now"):
        response = probe.get("/photo/download")
    expect_status(response, 200)
    _expect_file(response, "static/sid.jpg")
    if response.headers.get("Content-Disposition", "").startswith("inline"):
        hint = "the browser would show it in place: as_attachment=True makes it a download"
    else:
        hint = "download_name='flask-tour.jpg' names the file a browser saves"
    expect_header(response, "Content-Disposition", "attachment; filename=flask-tour.jpg", hint)
    expect_mimetype(response, "image/jpeg")


@exercise(
    "05.3",
    "Notes by name",
    name="notes_app",
    goal="GET /notes/tea.txt sends static/files/notes/tea.txt; a missing name and a name with .. get a 404.",
)
def notes(probe):
    """Check that GET /notes/<path:name> sends files of static/files/notes, and nothing else."""
    response = probe.get("/notes/tea.txt")
    expect_status(
        response,
        200,
        "either no route matches /notes/tea.txt, or the view looks for tea.txt in another folder than "
        "static/files/notes"
        if response.status_code == 404
        else None,
    )
    _expect_file(response, "static/files/notes/tea.txt")
    safe = "send_from_directory(folder, name) answers 404 for a name that is not in the folder, or that would leave it"
    # requests removes a literal /../ from a URL, but sends %2e%2e as .., decoded after that step.
    for path in ["/notes/missing.txt", "/notes/%2e%2e/hello.txt", "/notes/%2e%2e"]:
        with hinted(safe):
            response = probe.get(path)
        if response.status_code == 200 and "%2e" in path:
            sent = _which(response.content)
            outside = f"GET {response.request.path_url} sent {sent or 'a file'}, from outside static/files/notes"
            raise Miss(f"{outside}: a visitor could read any file this way.", safe)
        expect_status(response, 404, safe)


def _expect_file(response, name):
    """Expect the body to be the bytes of the workbook file ``name`` (e.g. ``static/sid.jpg``)."""
    if response.content == _FILES[name].read_bytes():
        return
    sent = _which(response.content)
    got = sent or f"{len(response.content)} bytes that are no file of static/"
    hint = "check the file name in your path" if sent else None
    raise Miss(f"GET {response.request.path_url} sent {got}, expected {name}.", hint)


def _which(content):
    """Name the workbook file whose bytes these are, or None."""
    return next((name for name, path in _FILES.items() if path.read_bytes() == content), None)
