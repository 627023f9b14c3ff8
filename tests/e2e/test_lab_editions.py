"""The two editions in a real JupyterLab, opened as make lab and make lab-teacher open them.

The learner's path: their own copy, Run All, then an exercise answered wrong and then right in
the notebook's UI and saved. The teacher's: a tracked notebook opened and run
with the settings make lab-teacher ships, and nothing in the checkout changes.
"""

import subprocess
import time

import json5
import nbformat
import pytest
import requests

from tests.helpers import e2e
from tourapp.chapters.paths import ROOT
from tourapp.classroom import learner
from tourapp.classroom.exercises import CHECK_CELL, results_in

pytestmark = [pytest.mark.jupyterlab, pytest.mark.slow]

# Lab's own defaults, as make lab and make lab-teacher leave them (no news, every cell in the DOM).
SETTINGS = {
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
}
# For the teacher's edition: autosave every second instead of every two minutes, so that a save
# that would happen, were autosave on, happens while the test looks.
EAGER = {**SETTINGS, "@jupyterlab/docmanager-extension/plugin": {"autosaveInterval": 1}}
TEAPOT = '''def teapot_app():
    """Build an app that refuses to brew coffee: GET /coffee."""
    app = Flask(__name__)

    @app.route("/coffee")
    def coffee():
        return {answer}

    return app'''
WRONG, RIGHT = '"I\'m a teapot"', '"I\'m a teapot", 418'


def _status():
    return subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, check=True).stdout


@pytest.fixture
def browser():
    with e2e.chromium() as browser:
        context = browser.new_context(viewport={"width": 1200, "height": 900})
        context.set_default_timeout(60_000)
        yield context
        context.close()


def _saved(path, timeout=60, until=lambda results: results):
    """Wait until the notebook on disk holds check results that satisfy ``until``.

    :return: the (exercise, status) pairs found last.
    """
    deadline = time.monotonic() + timeout
    found = []
    while True:
        try:
            nb = nbformat.read(path, as_version=4)
        except nbformat.reader.NotJSONError:  # caught mid-save: Jupyter rewrites the file in place
            pass
        else:
            found = [  # the exercises' own check cells: not 01's demonstration of a wrong answer
                (r.exercise, r.status)
                for cell in nb.cells
                if CHECK_CELL.search(cell.source)
                for r in results_in(cell.get("outputs", []))
            ]
        if until(found) or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def _autosave(lab):
    """Say whether autosave is on in this JupyterLab (its default and the user's setting)."""
    plugin = requests.get(
        f"{lab.url}/lab/api/settings/@jupyterlab/docmanager-extension:plugin",
        headers={"Authorization": f"token {lab.token}"},
        timeout=30,
    ).json()
    user = json5.loads(plugin["raw"] or "{}")
    return user.get("autosave", plugin["schema"]["properties"]["autosave"]["default"])


def _lines(text):
    """Return the lines of code, without blank ones (the editor's DOM shows an empty line as two)."""
    return [line for line in text.splitlines() if line.strip()]


def _answer(lab, panel, source):
    """Type ``source`` into the teapot cell as a learner would, run it and its check; return what the check shows."""
    cell = panel.locator(".jp-CodeCell").filter(has=lab.page.locator(".cm-content", has_text="def teapot_app"))
    check = cell.locator("xpath=following-sibling::div[contains(@class, 'jp-CodeCell')][1]")
    prompt = check.locator(".jp-InputArea-prompt")
    before = prompt.inner_text().strip()
    editor = cell.locator(".cm-content")
    editor.click()
    lab.page.keyboard.press("Control+a")
    lab.page.keyboard.insert_text(source)  # as pasted: no auto-indent or closing brackets added
    assert _lines(editor.inner_text()) == _lines(source)
    lab.page.keyboard.press("Shift+Enter")  # run the cell; the check cell under it is selected
    lab.page.keyboard.press("Shift+Enter")  # run the check
    lab.page.wait_for_function(
        "([prompt, before]) => /^\\[\\d+\\]:$/.test(prompt.textContent.trim()) && prompt.textContent.trim() !== before",
        arg=[prompt.element_handle(), before],
    )
    shown = check.locator(".jp-OutputArea-output").first.inner_text()
    lab.menu("File", "docmanager:save")  # as a learner may (autosave would, within two minutes)
    return shown


def test_a_learner_answers_an_exercise_in_their_own_copy(browser, tmp_path):
    # test the learner's path: make lab's copy (the student edition, generated the way make lab
    # does) opens with Lab's root on it; Run All says "not done yet"; a wrong answer typed into
    # the cell gives ✗ and a right one ✓; saving writes the learner's copy, and nothing else
    before = _status()
    learner.write_missing(tmp_path)
    mine = tmp_path / "01-hello.ipynb"
    with e2e.JupyterLab(browser, root=tmp_path, settings=SETTINGS) as lab:
        panel = lab.open("01-hello.ipynb")
        try:
            lab.run_all(panel, timeout=300_000)  # generous: a loaded machine, not a slow notebook
        except Exception:
            e2e.screenshot(lab.page, "lab-learner-run-all-failed")  # what stood in the way: a dialog?
            prompts = panel.locator(".jp-CodeCell .jp-InputArea-prompt").all_inner_texts()
            raise AssertionError(
                f"Run All did not finish; prompts {prompts}; dialogs "
                f"{lab.page.locator('.jp-Dialog').all_inner_texts()}\n{lab.tail()}"
            ) from None
        not_done = [("01.1", "not done"), ("01.2", "not done"), ("01.3", "not done")]
        assert _autosave(lab) is True  # make lab leaves Lab's autosave on: the learner's work is kept
        lab.menu("File", "docmanager:save")
        assert _saved(mine, until=lambda found: found == not_done) == not_done

        shown = _answer(lab, panel, TEAPOT.format(answer=WRONG))
        assert "✗" in shown and "01.2" in shown and "418" in shown, shown
        assert ("01.2", "failed") in _saved(mine, until=lambda found: ("01.2", "failed") in found)

        shown = _answer(lab, panel, TEAPOT.format(answer=RIGHT))
        assert "✓" in shown and "01.2" in shown, shown
        # the check cell is locked, as in nbgrader's release: typing into it changes nothing
        check = panel.locator(".jp-CodeCell").filter(has=lab.page.locator(".cm-content", has_text='check("01.2")'))
        check.locator(".cm-content").click()
        lab.page.keyboard.type("x = 1")
        assert check.locator(".cm-content").inner_text() == 'check("01.2")'
        assert ("01.2", "passed") in _saved(mine, until=lambda found: ("01.2", "passed") in found)
        assert lab.writes and all(write.endswith("/01-hello.ipynb") for write in lab.writes)
        lab.close("01-hello.ipynb")
    assert _status() == before


@pytest.mark.slow  # CI only: the learner's path above is the one `make test` keeps locally
def test_the_teachers_edition_opens_and_runs_without_writing_a_tracked_file(browser):
    # test make lab-teacher's promise: Lab's root at the checkout, its settings from
    # tools/lab-teacher (autosave off), a tracked notebook opened and run: the notebook is dirty
    # in Lab (outputs, the kernel's language_info), yet nothing is saved and git status is unchanged
    before = _status()
    notebook = ROOT / "notebooks" / "01-hello.ipynb"
    saved = notebook.read_bytes()
    env = {"JUPYTER_CONFIG_PATH": str(ROOT / "tools" / "lab-teacher")}
    with e2e.JupyterLab(browser, root=ROOT, settings=EAGER, env=env) as lab:
        assert _autosave(lab) is False
        panel = lab.open("notebooks/01-hello.ipynb")
        lab.run_all(panel)
        lab.page.wait_for_timeout(3_000)  # three autosave intervals, were autosave on
        assert lab.writes == []
        tab = lab.page.locator('.lm-TabBar-tab[title*="Path: notebooks/01-hello.ipynb"]')
        assert "jp-mod-dirty" in tab.get_attribute("class")  # unsaved: there was something to write
        lab.close("notebooks/01-hello.ipynb")
    assert notebook.read_bytes() == saved
    assert _status() == before
