"""The notebooks keep the workbook's shape: titled, linked in order, recorded top to bottom,
one chapter = one module = one notebook = one test file, all listed in the README."""

import importlib
import re

import nbformat
import nbval.plugin as nbval_plugin
import pytest

from tourapp.paths import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
CHAPTERS = [p for p in NOTEBOOKS if not p.name.startswith("00-")]
README = (ROOT / "README.md").read_text(encoding="utf-8")
LINK = re.compile(r"\]\((\d\d-[\w-]+\.ipynb)\)")


def read(path):
    return nbformat.read(path, as_version=4)


def markdown(nb):
    return "\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")


def readme_row(path):
    """Return the README chapter-map row that links this notebook."""
    rows = [line for line in README.splitlines() if f"(notebooks/{path.name})" in line]
    assert len(rows) == 1, f"README's chapter map should list {path.name} once"
    return rows[0]


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
    # nbval's escape hatches: every output is compared, none ignored or skipped
    assert [(cell.get("id"), hatch) for cell in code for hatch in escape_hatches(cell)] == []


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
        ("print(1)", ["nbval-raises-exception", "nbval-check-output"], ["nbval-check-output", "nbval-raises-exception"]),
        ("print(1)", ["pytest-validate-ignore-output"], ["pytest-validate-ignore-output"]),
        ("print(1)", ["hide-input"], []),
    ],
)
def test_the_escape_hatch_guard(source, tags, found):
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": tags})
    assert escape_hatches(cell) == found


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_has_its_module_and_test_file_and_shows_the_real_code(path):
    module_name = re.search(r"`(tourapp\.chapters\.\w+)`", readme_row(path)).group(1)
    module = importlib.import_module(module_name)
    assert callable(module.create_app) and module.app is not None
    assert len(list((ROOT / "tests").glob(f"test_{path.name[:2]}_*.py"))) == 1, "one test file per chapter"
    sources = "\n".join(cell.source for cell in read(path).cells if cell.cell_type == "code")
    assert "show_code(" in sources, "the notebook shows the chapter's code from its module, never a copy"
    assert "serve(" in sources and "check(" in sources
