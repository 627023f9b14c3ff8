"""The notebooks in a real JupyterLab, driven through Chromium: Run All, no errors, pages inline.

JupyterLab runs on 127.0.0.1 with a random token, its settings, workspaces and checkpoints in a
temporary folder, autosave off. The saved notebooks already hold outputs, so each test clears
them first: otherwise a Run All that ran nothing would still pass.
"""

import html
import json
import re

import pytest

from tests.helpers import e2e
from tourapp.chapters.paths import ROOT

pytestmark = [pytest.mark.jupyterlab, pytest.mark.slow]

NOTEBOOKS = ROOT / "notebooks"
# What a request in the notebook must print in the body of a 200 answer once Run All is done
# (the answer from the live app, not the chapter's code listing, which holds the text too).
ANSWERS = {"01-hello": "Hello there!", "10-sqlite": '{"id":1,"name":"Bratislava","population":432000}'}
STDOUT = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stdout"]'
STDERR = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'  # errors too
# Run whatever their saved outputs hold: 01 and 10 by the issue, and the chapters that render
# pages inline, so that a notebook not written yet is reported (skipped, or failed in CI).
ALWAYS = ["01-hello", "07-templates", "08-static-files", "09-error-pages", "10-sqlite"]


def _saved_images(path):
    """Count the images a saved notebook displays: image outputs, and <img> in inline pages."""
    count = 0
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            page = html.unescape("".join(data.get("text/html", "")))  # a frame's srcdoc is escaped
            count += len(re.findall(r"<img\b", page, re.I))
            count += sum(mime.startswith("image/") for mime in data)
    return count


def _notebooks():
    """Choose the notebooks to run: the ALWAYS list, and every other one that displays images."""
    return sorted(set(ALWAYS) | {path.stem for path in NOTEBOOKS.glob("*.ipynb") if _saved_images(path)})


@pytest.fixture(scope="module")
def lab():
    """Start Chromium and a JupyterLab; afterwards shut both down and check no kernel is left."""
    with e2e.chromium() as browser:
        context = browser.new_context(viewport={"width": 1200, "height": 900})
        context.set_default_timeout(60_000)  # a loaded 2-core machine can be slow to boot JupyterLab
        with e2e.JupyterLab(context) as lab:
            yield lab
            kernels = e2e.kernel_processes(lab)
        context.close()
    assert lab.returncode == 0
    assert e2e.wait_gone(kernels or []) == [], "kernels outlived JupyterLab"


@pytest.mark.parametrize("name", _notebooks())
def test_notebook_runs_in_jupyterlab(lab, name):
    # test that Run All from cleared outputs finishes without an error output, prints the live
    # app's answer, and that every image in the notebook's own output (inline pages included) loads
    path = NOTEBOOKS / f"{name}.ipynb"
    if not path.exists():
        e2e.unavailable(f"notebooks/{path.name} does not exist yet")
    where = f"notebooks/{path.name}"
    panel = lab.open(where)
    try:
        # Markdown cells render as markdown: the title is a heading.
        assert panel.locator(".jp-MarkdownOutput h1").first.inner_text().startswith(name[:2])
        lab.run_all(panel)
        assert panel.locator(STDERR).all_inner_texts() == []
        if name in ANSWERS:
            printed = panel.locator(STDOUT).all_inner_texts()
            bodies = [text.partition("\n\n")[2] for text in printed if text.startswith("HTTP/1.1 200 OK\n")]
            assert any(ANSWERS[name] in body for body in bodies), bodies
        shown = e2e.output_images(panel)
        pictured = panel.locator(".jp-OutputArea-output:has(img, iframe)")
        if pictured.count():
            pictured.first.scroll_into_view_if_needed()
        e2e.screenshot(lab.page, f"lab-{name}")
        expected = _saved_images(path)
        assert [image for image in shown if not image["width"] > 0] == []
        assert len(shown) == expected, shown  # as many as the recorded notebook shows
        kernels = e2e.kernel_processes(lab)
        assert kernels != [], "no kernel process was found for the notebook"
    finally:
        lab.close(where)
    if kernels is not None:  # None: no /proc to look in
        assert e2e.wait_gone(kernels) == [], "the kernel outlived its session"


def test_nothing_was_written_into_the_repository(lab):
    # test that the notebooks run above were never saved (autosave is off; every contents-API
    # call the page made was a read) and that no checkpoint folder appeared in the checkout
    assert lab.reads > 0  # the audit saw the notebooks being opened
    assert lab.writes == []
    leftovers = [folder / name for folder in (ROOT, NOTEBOOKS) for name in (".ipynb_checkpoints", ".virtual_documents")]
    assert [path for path in leftovers if path.exists()] == []
