"""A real JupyterHub on 127.0.0.1 for the hub tests and the class benchmark; state in a temporary folder.

Here in tools/ so that tests/ and bench/ both use it without importing each other.

JupyterHub (PyPI) and configurable-http-proxy (the npm registry) are pinned in tools/hub and
installed by ``make hub-tools``. Students log in with DummyAuthenticator and get their own
single-user server from SimpleLocalProcessSpawner, serving this checkout. A service token drives
their servers over the REST API and kernel websockets, as a notebook's Run All would.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import nbformat
import requests

from tourapp.chapters import lifecycle
from tourapp.chapters.paths import ROOT

PROXY = ROOT / "tools" / "hub" / "node_modules" / ".bin" / "configurable-http-proxy"
BIN = Path(sys.executable).parent
CONFIG = """\
c = get_config()  # noqa: F821
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.ConfigurableHTTPProxy.command = [{proxy!r}]
c.ConfigurableHTTPProxy.pid_file = {state!r} + "/proxy.pid"
c.JupyterHub.db_url = "sqlite:///" + {state!r} + "/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = {state!r} + "/cookie_secret"
c.JupyterHub.pid_file = {state!r} + "/hub.pid"
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {state!r} + "/home/{{username}}"
c.Spawner.cmd = [{singleuser!r}]
c.Spawner.args = ["--allow-root", "--ServerApp.terminals_enabled=False"]
c.Spawner.notebook_dir = {root!r}
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 300
c.Spawner.http_timeout = 120
# Many students at once (the class benchmark) must not be turned away while others spawn.
c.JupyterHub.concurrent_spawn_limit = 0
c.JupyterHub.services = [{{"name": "tester", "api_token": {token!r}}}]
c.JupyterHub.load_roles = [{{
    "name": "tester",
    "scopes": ["admin:users", "admin:servers", "admin:server_state", "access:servers", "list:users", "read:users"],
    "services": ["tester"],
}}]
"""


def missing():
    """Say what the hub tests lack on this machine, or return None."""
    if not shutil.which("node"):
        return "Node.js is not installed: configurable-http-proxy needs it (apt-get install nodejs npm)"
    if not PROXY.exists():
        return "configurable-http-proxy is not installed (make hub-tools)"
    if not (BIN / "jupyterhub").exists():
        return "JupyterHub is not installed (make hub-tools)"
    return None


def descendants(pid):
    """List the ids of every process below ``pid`` (servers, kernels, the proxy), from /proc."""
    children = {}
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            parent = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(proc.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


class JupyterHub:
    """A JupyterHub with its proxy on free ports of 127.0.0.1: ``with JupyterHub() as hub: ...``."""

    def __init__(self):
        self.state = None
        self.token = secrets.token_hex(16)
        self.port = self.url = None  # a free port, taken in __enter__
        self._process = None
        self.started = []  # every process the hub started, for stop() to check by pid
        self.leftover = []  # those that outlived the hub's own shutdown

    def __enter__(self):
        # A short folder: kernels' sockets and the users' homes live below it.
        self.state = tempfile.mkdtemp(prefix="hub-")

        def start_on(port):  # called again with other ports when another process took one first
            self.port, self.url = port, f"http://127.0.0.1:{port}"
            return self.start()

        try:
            return lifecycle.on_free_port(start_on)
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc_info):
        self.stop()

    @property
    def log(self):
        return Path(self.state) / "hub.log"

    def tail(self, lines=40):
        """Return the end of the hub's log, for error messages."""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def start(self, timeout=60):
        """Start the hub and return once its API answers through the proxy."""
        config = Path(self.state) / "jupyterhub_config.py"
        config.write_text(
            CONFIG.format(
                port=self.port,
                hub_port=lifecycle.free_port(),
                api_port=lifecycle.free_port(),
                proxy=str(PROXY),
                state=self.state,
                singleuser=str(BIN / "jupyterhub-singleuser"),
                root=str(ROOT),
                token=self.token,
            )
        )
        env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
        env.pop("JUPYTERHUB_SERVICE_PREFIX", None)
        with open(self.log, "wb") as log:
            self._process = subprocess.Popen(
                [BIN / "jupyterhub", "-f", config], cwd=self.state, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                error = lifecycle.PortTaken if lifecycle.port_taken(self.tail()) else RuntimeError
                raise error(f"JupyterHub exited with {self._process.returncode}:\n{self.tail()}")
            try:
                if requests.get(f"{self.url}/hub/api/", timeout=2).ok:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise TimeoutError(f"JupyterHub did not answer within {timeout} s:\n{self.tail()}")

    def stop(self):
        """Stop the hub (which stops its proxy and the students' servers), then check each by pid."""
        if self._process is not None and self._process.poll() is None:
            self.started = descendants(self._process.pid)
            self._process.send_signal(signal.SIGTERM)  # the hub's own clean shutdown
            try:
                self._process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        # Whatever outlived the hub's shutdown is ended here, by the pid noted above.
        self.leftover = wait_gone(self.started)
        for pid in self.leftover:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        wait_gone(self.leftover)
        if self.state:
            shutil.rmtree(self.state, ignore_errors=True)

    def api(self, method, path, **kwargs):
        """Call the hub's REST API (/hub/api/…) or a user's server (/user/…/api/…) as the service."""
        headers = {"Authorization": f"token {self.token}"}
        response = requests.request(method, f"{self.url}{path}", headers=headers, timeout=60, **kwargs)
        response.raise_for_status()
        return response

    def wait_ready(self, user, timeout=120):
        """Wait until a user's default server is ready."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            server = self.api("GET", f"/hub/api/users/{user}").json()["servers"].get("")
            if server and server.get("ready"):
                return
            time.sleep(0.2)
        raise TimeoutError(f"the server of {user} did not start:\n{self.tail()}")

    def run_notebook(self, user, path, keep_serving=True, timeout=120):
        """Run a notebook's code cells in a new kernel of the user's server; return the kernel's id.

        With ``keep_serving`` the cells that stop the chapter's server are left out, so the app
        stays up for a browser to open through the link the workbook shows.
        """
        session = self.api(
            "POST",
            f"/user/{user}/api/sessions",
            json={
                "path": path,
                "type": "notebook",
                "name": Path(path).name,
                "kernel": {"name": "python3"},
            },
        ).json()
        kernel = Kernel(self, user, session["kernel"]["id"])
        try:
            for cell in nbformat.read(ROOT / path, as_version=4).cells:
                if cell.cell_type != "code" or (keep_serving and ".stop()" in cell.source):
                    continue
                kernel.execute(cell.source, timeout=timeout)
        finally:
            kernel.close()
        return session["id"]

    def evaluate(self, user, session_id, expression, timeout=30):
        """Return the text an expression prints in a running session's kernel."""
        session = self.api("GET", f"/user/{user}/api/sessions/{session_id}").json()
        kernel = Kernel(self, user, session["kernel"]["id"])
        try:
            return kernel.execute(f"print({expression})", timeout=timeout).strip()
        finally:
            kernel.close()


class Kernel:
    """A kernel of a user's server, reached over its websocket through the hub's proxy."""

    def __init__(self, hub, user, kernel_id):
        import websocket  # websocket-client, which jupyter_server itself needs

        self._session = uuid.uuid4().hex
        self._ws = websocket.create_connection(
            f"ws://127.0.0.1:{hub.port}/user/{user}/api/kernels/{kernel_id}/channels",
            header=[f"Authorization: token {hub.token}"],
            timeout=120,
        )

    def execute(self, code, timeout=120):
        """Run code, raise if it fails, and return what it printed."""
        msg_id = uuid.uuid4().hex
        self._ws.send(
            json.dumps(
                {
                    "header": {
                        "msg_id": msg_id,
                        "msg_type": "execute_request",
                        "username": "tester",
                        "session": self._session,
                        "version": "5.3",
                        "date": "",
                    },
                    "parent_header": {},
                    "metadata": {},
                    "channel": "shell",
                    "buffers": [],
                    "content": {
                        "code": code,
                        "silent": False,
                        "store_history": True,
                        "user_expressions": {},
                        "allow_stdin": False,
                        "stop_on_error": True,
                    },
                }
            )
        )
        printed, error, replied, idle = [], None, False, False
        deadline = time.monotonic() + timeout
        while not (replied and idle):
            self._ws.settimeout(max(0.1, deadline - time.monotonic()))
            message = json.loads(self._ws.recv())
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = message["msg_type"], message["content"]
            if kind == "stream" and content["name"] == "stdout":
                printed.append(content["text"])
            elif kind == "error":
                error = "\n".join(content["traceback"])
            elif kind == "execute_reply":
                replied = True
            elif kind == "status" and content["execution_state"] == "idle":
                idle = True
        if error:
            raise AssertionError(f"a cell failed:\n{code[:400]}\n{error}")
        return "".join(printed)

    def close(self):
        self._ws.close()


def wait_gone(pids, timeout=15):
    """Wait until the processes have exited; return those still running."""
    deadline = time.monotonic() + timeout
    while True:
        alive = [pid for pid in pids if _running(pid)]
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.1)


def _running(pid):
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has exited; only its parent has not collected it yet
