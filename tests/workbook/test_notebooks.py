"""The notebooks keep the workbook's shape: titled, linked in order, recorded top to bottom,
one chapter = one module = one notebook = one test file, all listed in the README."""

import base64
import importlib
import re

import nbformat
import nbval.plugin as nbval_plugin
import pytest
from flask import Flask

from tourapp.chapters import CHAPTERS as MAP
from tourapp.chapters import readme_table
from tourapp.chapters.paths import ROOT, STATIC
from tourapp.classroom.exercises import for_chapter

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
CHAPTERS = [p for p in NOTEBOOKS if not p.name.startswith("00-")]
README = (ROOT / "README.md").read_text(encoding="utf-8")
LINK = re.compile(r"\]\((\d\d-[\w-]+\.ipynb)\)")
# Chapters written on other branches at the same time: until they are merged, the chapters around
# them may link to them, and the numbering may skip them. Empty this when they are in.


def read(path):
    return nbformat.read(path, as_version=4)


def markdown(nb):
    return "\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")


def test_chapters_are_numbered_in_order_from_00():
    assert [p.name[:2] for p in NOTEBOOKS] == [f"{n:02d}" for n in range(len(NOTEBOOKS))]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_opens_with_its_title_and_what_you_will_learn(path):
    first = read(path).cells[0]
    assert first.cell_type == "markdown"
    assert first.source.startswith(f"# {path.name[:2]} · ")
    assert "What you'll learn" in first.source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_links_lead_to_existing_notebooks_and_on_to_the_next(path):
    links = set(LINK.findall(markdown(read(path))))
    assert all((ROOT / "notebooks" / link).exists() for link in links), links
    index = NOTEBOOKS.index(path)
    if index + 1 < len(NOTEBOOKS):
        assert NOTEBOOKS[index + 1].name in links, "each notebook links to the next"
    if index > 0:
        assert NOTEBOOKS[index - 1].name in links, "each notebook links back to the previous"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_recorded_top_to_bottom_with_no_errors_and_nothing_skipped(path):
    code = [cell for cell in read(path).cells if cell.cell_type == "code"]
    assert [cell.execution_count for cell in code] == list(range(1, len(code) + 1)), "record with make record"
    assert not [o for cell in code for o in cell.outputs if o.output_type == "error"]
    # nbval's escape hatches: every output is compared, none ignored or skipped. The one exception is
    # a cell that prints measured times (chapter 14's benchmark), which says so on the line after.
    measured = [cell for cell in code if re.search(r"^#\s*NBVAL_IGNORE_OUTPUT\n#\s*measured times", cell.source, re.M)]
    assert len(measured) <= 1
    hatches = [(cell.get("id"), hatch) for cell in code for hatch in escape_hatches(cell)]
    assert [h for h in hatches if h not in {(cell.get("id"), "NBVAL_IGNORE_OUTPUT") for cell in measured}] == []


def escape_hatches(cell):
    """List the comments and tags in a cell that tell nbval to skip it or not compare (all of) it.

    nbval's own tables name what it obeys; the patterns catch spellings it may obey elsewhere
    (any ``# NBVAL_…`` or ``# PYTEST_VALIDATE_…`` comment, any ``nbval-…`` tag).
    """
    comments = [m.group(1) for m in re.finditer(r"^\s*#+\s*((?:NBVAL|PYTEST_VALIDATE)_\w+)", cell.source, re.MULTILINE)]
    comments += [c for c in nbval_plugin.comment_markers if re.search(rf"^\s*#+\s*{c}\s*$", cell.source, re.MULTILINE)]
    tags = cell.get("metadata", {}).get("tags", [])
    tags = [t for t in tags if t in nbval_plugin.metadata_tags or t.startswith("nbval-") or t == "raises-exception"]
    return sorted(set(comments)) + sorted(set(tags))


@pytest.mark.parametrize(
    ("source", "tags", "found"),
    [
        # test that the guard finds each way of telling nbval to look away, comments and tags
        ("x = 1  # NBVAL_IGNORE_OUTPUT", [], []),  # not a comment line: nbval ignores it too
        ("# NBVAL_IGNORE_OUTPUT\nprint(1)", [], ["NBVAL_IGNORE_OUTPUT"]),
        ("  ## NBVAL_SKIP", [], ["NBVAL_SKIP"]),
        ("# NBVAL_RAISES_EXCEPTION", [], ["NBVAL_RAISES_EXCEPTION"]),
        ("# NBVAL_CHECK_OUTPUT", [], ["NBVAL_CHECK_OUTPUT"]),
        ("# PYTEST_VALIDATE_IGNORE_OUTPUT", [], ["PYTEST_VALIDATE_IGNORE_OUTPUT"]),
        ("# PYTEST_VALIDATE_SKIP", [], ["PYTEST_VALIDATE_SKIP"]),
        ("print(1)", ["nbval-ignore-output"], ["nbval-ignore-output"]),
        ("print(1)", ["nbval-skip"], ["nbval-skip"]),
        ("print(1)", ["raises-exception"], ["raises-exception"]),
        (
            "print(1)",
            ["nbval-raises-exception", "nbval-check-output"],
            ["nbval-check-output", "nbval-raises-exception"],
        ),
        ("print(1)", ["pytest-validate-ignore-output"], ["pytest-validate-ignore-output"]),
        ("print(1)", ["hide-input"], []),
    ],
)
def test_the_escape_hatch_guard(source, tags, found):
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": tags})
    assert escape_hatches(cell) == found


def test_the_chapter_map_lists_every_notebook_and_the_readme_shows_it():
    assert [ROOT / c.notebook for c in MAP] == NOTEBOOKS
    assert readme_table() in README, "README's chapter table is out of date: python -m tourapp.chapters"


@pytest.mark.parametrize("entry", MAP[1:], ids=lambda c: c.number)
def test_chapter_has_its_module_exercises_and_test_file_and_shows_the_real_code(entry):
    if entry.module:
        module = importlib.import_module(entry.app)
        # 01 is the classic hello.py, a module-level app; every later chapter builds its app in a factory,
        # and most also keep one built app for `flask --app`. Chapters 14 to 16 keep none: 14 and 15's factory
        # refuses to build an app without settings from the environment (FLASK_SECRET_KEY), and 16's creates
        # its database, which importing the module must not do. `flask --app` calls their create_app().
        assert isinstance(getattr(module, "app", None), Flask) or entry.number >= "14"
        assert entry.number == "01" or callable(module.create_app)
    checks = for_chapter(entry.number)
    assert checks, "every chapter has Try it exercises"
    assert {ex.check.__module__ for ex in checks} == {f"tourapp.classroom.exercises.{entry.exercises}"}
    assert [
        p.relative_to(ROOT).as_posix() for p in (ROOT / "tests" / "chapters").glob(f"test_{entry.number}_*.py")
    ] == [entry.test_file]
    sources = "\n".join(cell.source for cell in read(ROOT / entry.notebook).cells if cell.cell_type == "code")
    assert "show_code(" in sources, "the notebook shows the chapter's code from its module, never a copy"
    assert "check(" in sources
    assert "serve(" in sources or entry.module is None


def test_recorded_pictures_are_the_files_the_apps_serve():
    # nbval does not compare image/png or image/jpeg outputs: check each against its source file
    files = {p.read_bytes(): p.name for p in STATIC.rglob("*") if p.is_file()}
    seen = []
    for path in NOTEBOOKS:
        for cell in nbformat.read(path, as_version=4).cells:
            for output in cell.get("outputs", []):
                for mime, value in output.get("data", {}).items():
                    if mime in ("image/png", "image/jpeg", "image/gif"):
                        picture = base64.b64decode(value)
                        assert picture in files, f"{path.name}: a recorded {mime} is no file in static/"
                        seen.append((path.name, files[picture]))
    assert ("05-send-file.ipynb", "sid.png") in seen and ("08-static-files.ipynb", "sid.jpg") in seen


ANCHORED = re.compile(r"\]\((\d\d-[\w-]+\.ipynb)#([^)\s]+)\)")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_links_to_a_section_find_its_heading(path):
    # JupyterLab gives a heading the id of its text with spaces made dashes (createHeaderId)
    for target, anchor in ANCHORED.findall(markdown(read(path))):
        headings = re.findall(r"^#+ (.+)$", markdown(read(ROOT / "notebooks" / target)), re.MULTILINE)
        ids = {re.sub(r"[`*_]", "", heading).strip().replace(" ", "-") for heading in headings}
        assert anchor in ids, f"{path.name} links to {target}#{anchor}, which has no such heading"
