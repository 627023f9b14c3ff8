"""Real clients for the end-to-end tests: Debian's Chromium driven by Playwright, and JupyterLab.

Neither may leave a trace in the repository. JupyterLab keeps its settings, workspaces and
checkpoints in a temporary folder and never autosaves, so running a notebook does not rewrite it.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from tools.hub_launcher import wait_gone  # noqa: F401  (the tests' name for it: e2e.wait_gone)
from tourapp.chapters import lifecycle
from tourapp.chapters.paths import ROOT

# .ci/run sets this: there a missing Chromium means a broken CI image, not a learner without root.
REQUIRED = os.environ.get("FLASK_TOUR_E2E") == "required"
SCREENSHOTS = ROOT / "build" / "screenshots"
# The machine may have no internet: nothing should phone home or wait for an update check.
CHROMIUM_ARGS = [
    "--no-sandbox",  # root in a container has no user namespaces for Chromium's sandbox
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# JupyterLab user settings: nothing may write the notebook back or pop up a toast over it.
LAB_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
    # Keep every cell in the DOM, so the checks below see the whole notebook.
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
}
# Each code cell's prompt: "[ ]:" before running, "[*]:" while queued or running, "[3]:" after.
_RUN_STATE = """panel => {
    const prompts = [...panel.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')].map(p => p.textContent.trim());
    const idle = panel.querySelector('.jp-Notebook-ExecutionIndicator[data-status="idle"]') !== null;
    const stderr = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]';
    const failed = panel.querySelector(stderr) !== null;
    const busy = prompts.some(p => p.includes('*'));
    const done = prompts.length > 0 && prompts.every(p => /^\\[\\d+\\]:$/.test(p));
    return idle && !busy && (done || failed);
}"""
_IMAGES = (
    """() => [...document.images].map(img => ({src: img.getAttribute('src').slice(0, 40), width: img.naturalWidth}))"""
)


def unavailable(reason):
    """Skip for a learner without Chromium; fail where .ci/run requires the real clients."""
    if REQUIRED:
        pytest.fail(f"{reason} (FLASK_TOUR_E2E=required: these tests must run here)", pytrace=False)
    pytest.skip(reason)


def need_module(name):
    """Import a chapter module, or skip (fail under FLASK_TOUR_E2E) while it does not exist yet."""
    try:
        return __import__(f"tourapp.chapters.{name}", fromlist=["app"])
    except ModuleNotFoundError as exc:
        if exc.name != f"tourapp.chapters.{name}":
            raise
        unavailable(f"chapter module tourapp.chapters.{name} does not exist yet")


def wait_for_lab(process, url, auth, log, timeout=120):
    """Wait until the Jupyter server that ``process`` starts answers ``url``/api/status.

    Fail with the server's ``log`` (a file) if the process ends first or ``timeout`` seconds pass.
    """
    deadline = time.monotonic() + timeout
    while True:
        assert process.poll() is None, log.read_text(errors="replace")
        assert time.monotonic() < deadline, log.read_text(errors="replace")
        try:
            if requests.get(f"{url}/api/status", headers=auth, timeout=2).ok:
                return
        except requests.RequestException:  # not listening yet
            time.sleep(0.05)


def chromium_path():
    """Return where Chromium is installed, or None."""
    return shutil.which("chromium")


def report_header():
    """Name the browser these tests drive, or say why they will skip: a line for pytest's header."""
    path = chromium_path()
    if path is None:
        outcome = "fail (FLASK_TOUR_E2E=required)" if REQUIRED else "skip"
        return f"chromium: not installed; the browser and jupyterlab tests will {outcome}"
    version = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=60).stdout.strip()
    return f"chromium: {version} ({path})"


@contextlib.contextmanager
def chromium():
    """Launch headless Chromium and yield the Playwright browser; skip if either is missing."""
    path = chromium_path()
    if path is None:
        unavailable("Chromium is not installed (as root on Debian: apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright is not installed (pip install -e '.[test]')")
    # Playwright never downloads a browser here: it drives the system's Chromium.
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def screenshot(page, name):
    """Save a full-page screenshot to build/screenshots/<name>.png and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    # A full-page shot of a bare SVG document (no <body>) hangs in Chromium 156: shoot the viewport.
    page.screenshot(path=path, full_page=page.evaluate("document.body !== null"))
    return path


def images(frame):
    """List the images of a page or frame, once all have loaded or failed: src (shortened), natural width."""
    frame.wait_for_function("() => [...document.images].every(img => img.complete)")
    return frame.evaluate(_IMAGES)


def output_images(panel):
    """List every image in a notebook's outputs, including those inside inline pages' frames."""
    panel.page.wait_for_function(
        "panel => [...panel.querySelectorAll('.jp-OutputArea-output img')].every(img => img.complete)",
        arg=panel.element_handle(),
    )
    shown = panel.locator(".jp-OutputArea-output img").evaluate_all(
        "imgs => imgs.map(img => ({src: img.getAttribute('src').slice(0, 40), width: img.naturalWidth}))"
    )
    for element in panel.locator(".jp-OutputArea-output iframe").element_handles():
        frame = element.content_frame()
        frame.wait_for_load_state("load")
        shown += [{**image, "frame": True} for image in images(frame)]
    return shown


def kernel_processes(lab):
    """List the ids of the kernel processes a JupyterLab started, or None where there is no /proc.

    A kernel's command line names its connection file, which lies in the server's own folder.
    """
    if not Path("/proc/self").exists():
        return None
    pids = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            cmdline = (proc / "cmdline").read_bytes().decode(errors="replace")
        except OSError:  # gone meanwhile, or not ours to read
            continue
        if "ipykernel" in cmdline and str(lab.home) in cmdline:
            pids.append(int(proc.name))
    return pids


class JupyterLab:
    """A JupyterLab server on 127.0.0.1 serving the repository, driven in a browser context.

    Its settings, workspaces, checkpoints and runtime files live in a temporary folder, removed
    on exit: ``with JupyterLab(context) as lab: panel = lab.open("notebooks/01-hello.ipynb")``.
    """

    def __init__(self, context, root=ROOT, settings=LAB_SETTINGS, env=None):
        """:param settings: the user settings to write; :param env: variables added to the server's environment."""
        self.context = context
        self.page = None
        self.root = root
        self.settings = settings
        self.extra_env = env or {}
        self.token = secrets.token_hex(16)
        self.port = self.url = None  # a free port, taken in __enter__
        self.home = None
        self._process = None
        # Every call the page made to the contents API that could change a file: none may happen.
        self.writes = []
        self.reads = 0
        context.on("request", self._audit)

    def _audit(self, request):
        """Note each contents-API request: reads are fine, anything else would write a file."""
        path = urlsplit(request.url).path
        if not path.startswith("/api/contents"):
            return
        if request.method == "GET":
            self.reads += 1
        # A checkpoint goes to the temporary checkpoint folder, never into the repository.
        elif not (request.method == "POST" and path.endswith("/checkpoints")):
            self.writes.append(f"{request.method} {path}")

    def __enter__(self):
        # A short folder: a kernel's socket path (…/runtime/kernel-<uuid>-ipc-1) must fit in 107 bytes.
        self.home = Path(tempfile.mkdtemp(prefix="lab-"))
        try:

            def start_on(port):  # called again with another port when another process took this one first
                self.port, self.url = port, f"http://127.0.0.1:{port}"
                return self.start()

            return lifecycle.on_free_port(start_on)
        except BaseException:
            shutil.rmtree(self.home, ignore_errors=True)
            raise

    def __exit__(self, *exc_info):
        try:
            if self.page is not None:
                self.page.close()  # closing, not navigating away: a dirty notebook would ask to stay
            self.stop()
        finally:
            shutil.rmtree(self.home, ignore_errors=True)

    @property
    def log(self):
        return self.home / "lab.log"

    def start(self, timeout=90):
        """Start the server and return once its API answers."""
        settings = self.home / "settings"
        for plugin, values in self.settings.items():
            path = settings / f"{plugin}.jupyterlab-settings"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        env = dict(os.environ)
        for name, folder in [
            ("JUPYTER_CONFIG_DIR", "config"),
            ("JUPYTER_DATA_DIR", "data"),
            ("JUPYTER_RUNTIME_DIR", "runtime"),
            ("IPYTHONDIR", "ipython"),
        ]:
            env[name] = str(self.home / folder)
        env.update(self.extra_env)
        command = [
            sys.executable,
            str(ROOT / "tools" / "lab.py"),  # Lab as `make lab` starts it
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root}",
            f"--LabApp.workspaces_dir={self.home / 'workspaces'}",
            f"--LabApp.user_settings_dir={settings}",
            # Checkpoints would otherwise land in notebooks/.ipynb_checkpoints.
            f"--FileCheckpoints.checkpoint_dir={self.home / 'checkpoints'}",
            "--ServerApp.terminals_enabled=False",
        ]
        if os.name == "posix" and len(str(self.home)) < 40:
            # Kernel sockets as files in the runtime folder: no TCP ports to race other kernels for.
            command.append("--KernelManager.transport=ipc")
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")
        with open(self.log, "wb") as log:
            self._process = subprocess.Popen(command, env=env, cwd=self.home, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                error = lifecycle.PortTaken if lifecycle.port_taken(self.tail()) else RuntimeError
                raise error(f"JupyterLab exited with {self._process.returncode}:\n{self.tail()}")
            try:
                if requests.get(f"{self.url}/api/status", params={"token": self.token}, timeout=2).ok:
                    return self
            except requests.RequestException:  # not listening yet (or the port is someone else's)
                pass
            time.sleep(0.2)
        self.stop()
        raise TimeoutError(f"JupyterLab did not answer within {timeout} s:\n{self.tail()}")

    def stop(self):
        """Shut the server down through its API, which also shuts down its kernels."""
        if self._process is None or self._process.poll() is not None:
            return
        try:
            requests.post(f"{self.url}/api/shutdown", headers={"Authorization": f"token {self.token}"}, timeout=10)
            self._process.wait(timeout=30)
        except (requests.RequestException, subprocess.TimeoutExpired):
            self._process.kill()
            self._process.wait()

    @property
    def returncode(self):
        """The server's exit status, or None while it runs."""
        return self._process.poll()

    def api(self, method, path):
        """Call the server's REST API and return the response."""
        headers = {"Authorization": f"token {self.token}"}
        response = requests.request(method, f"{self.url}/api/{path}", headers=headers, timeout=30)
        response.raise_for_status()
        return response

    def tail(self, lines=40):
        """Return the end of the server's log, for error messages."""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def open(self, path, timeout=90_000):
        """Open a notebook, wait until its kernel is idle, and return its panel.

        The first notebook loads JupyterLab in a fresh workspace (the default one would reopen
        the tabs of earlier runs); later ones open as tabs beside it (File → Open from Path…),
        which spares booting JupyterLab again for each.
        """
        if self.page is None:
            self.page = self.context.new_page()
            self.page.goto(f"{self.url}/lab/workspaces/t{secrets.token_hex(4)}/tree/{path}?token={self.token}")
        else:
            self.menu("File", "filebrowser:open-path")
            self.page.locator(".jp-Dialog input").fill(path)
            self.page.locator(".jp-Dialog .jp-Dialog-button.jp-mod-accept").click()
        tab = self._tab(path)
        tab.wait_for(timeout=timeout)
        panel = self.page.locator(f"#{tab.get_attribute('data-id')}")
        idle = panel.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]')
        accept = self.page.locator(".jp-Dialog .jp-Dialog-button.jp-mod-accept")  # "Select Kernel"
        deadline = time.monotonic() + timeout / 1000
        while not idle.count():
            if accept.count():
                accept.click()
            if time.monotonic() > deadline:
                raise TimeoutError(f"the kernel of {path} did not become idle:\n{self.tail()}")
            self.page.wait_for_timeout(100)
        return panel

    def run_all(self, panel, timeout=300_000):  # generous: in CI the slow tests share two cores
        """Clear every output (the saved notebook holds them), then Run All and wait until done."""
        self.menu("Edit", "editmenu:clear-all")
        panel.locator(".jp-OutputArea-output").first.wait_for(state="detached", timeout=10_000)
        self.menu("Run", "runmenu:run-all")
        self.page.wait_for_function(_RUN_STATE, arg=panel.element_handle(), timeout=timeout, polling=100)

    def close(self, path):
        """Close a notebook's tab, discarding its outputs, and shut its kernel down.

        If the tab does not close (a dialog of a failed step in the way), drop the whole page:
        the next notebook then starts from a fresh JupyterLab page instead of inheriting the mess.
        """
        tab = self._tab(path)
        discard = self.page.locator(".jp-Dialog .jp-Dialog-button", has_text="Discard")
        try:
            tab.locator(".lm-TabBar-tabCloseIcon").click(timeout=5_000)
            # A notebook with outputs of this session is dirty: JupyterLab asks whether to save.
            deadline = time.monotonic() + 10
            while tab.count():
                if time.monotonic() > deadline:
                    raise TimeoutError(f"the tab of {path} did not close")
                if discard.count():
                    discard.click(timeout=5_000)
                self.page.wait_for_timeout(50)
        except Exception:
            self.page.close()  # skips beforeunload: no "leave this page?" question
            self.page = None
        for session in self.api("GET", "sessions").json():
            if session["path"] == path:
                self.api("DELETE", f"sessions/{session['id']}")

    def menu(self, menu, command):
        """Click a command in one of JupyterLab's main menus."""
        self.page.locator(".lm-MenuBar-itemLabel", has_text=menu).first.click()
        self.page.locator(f'.lm-Menu-item[data-command="{command}"]').click()

    def _tab(self, path):
        """Find the tab of an open document by its path."""
        return self.page.locator(f'.lm-TabBar-tab[title*="Path: {path}"]')
