"""The zero-install edition: chapters 01-07 run in JupyterLite's Pyodide kernel in Chromium, every check ✓."""

import functools
import http.server
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.helpers.e2e import chromium, screenshot, unavailable
from tourapp.chapters import CHAPTERS
from tourapp.classroom.exercises import for_chapter

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.lite]
ROOT = Path(__file__).resolve().parents[2]
JUPYTER_LITE = ROOT / ".tools" / "lite" / "bin" / "jupyter-lite"
CHECKED = [c for c in CHAPTERS if "01" <= c.number <= "07"]
_PROMPTS = "() => [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')].map(p => p.textContent.trim())"
_STDERR = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
_FAILED = f'{_STDERR}, .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]'


class _Quiet(http.server.SimpleHTTPRequestHandler):
    """Serve the site's files, Pyodide's .wasm and .mjs with the types browsers insist on."""

    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".mjs": "text/javascript",
        ".js": "text/javascript",
    }

    def log_message(self, format, *args):
        """Keep the test's output to what it checks."""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Build the site with the teacher's edition (the solutions in place) and serve it on 127.0.0.1."""
    if not JUPYTER_LITE.exists():
        unavailable("JupyterLite is not installed: `make lite` installs it into .tools/lite")
    out = tmp_path_factory.mktemp("lite") / "site"
    built = subprocess.run(
        [sys.executable, ROOT / "tools" / "lite.py", "--edition", "teacher", "--out", out],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=out))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


@pytest.mark.parametrize("chapter", CHECKED, ids=lambda c: c.number)
def test_every_check_passes_in_the_browser_kernel(site, browser, chapter):
    name = chapter.notebook.split("/")[-1]
    outside = []
    context = browser.new_context()  # a fresh browser storage: JupyterLite keeps files and state there
    try:
        context.on(
            "request", lambda r: outside.append(r.url) if not r.url.startswith((site, "data:", "blob:")) else None
        )
        page = context.new_page()
        page.goto(f"{site}/lab/index.html?path={name}")
        indicator = page.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]')
        indicator.first.wait_for(timeout=180_000)
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator('[data-command="runmenu:run-all"]').click()
        page.wait_for_function(
            f"""() => {{
                const prompts = ({_PROMPTS})();
                if (prompts.some(p => p.includes('*'))) return false;
                if (document.querySelector('{_FAILED}')) return true;
                return prompts.length > 0 && prompts.every(p => /^\\[\\d+\\]:$/.test(p));
            }}""",
            timeout=600_000,
        )
        text = page.inner_text(".jp-Notebook")
        screenshot(page, f"lite-{chapter.number}")
        errors = page.locator(
            '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
        ).all_inner_texts()
        assert not errors, errors
        assert all(p != "[ ]:" for p in page.evaluate(_PROMPTS)), text[-3000:]
        outputs = page.locator(".jp-OutputArea-output").all_inner_texts()
        for exercise in for_chapter(chapter.number):  # the teacher's solution is in place: each check ✓
            assert any(o.startswith(f"✓ passed {exercise.id} ") for o in outputs), (exercise.id, text[-3000:])
        assert "Skipped in JupyterLite" in text or chapter.number == "07"
        assert not outside, outside  # nothing but the site: no CDN, no PyPI
    finally:
        context.close()
