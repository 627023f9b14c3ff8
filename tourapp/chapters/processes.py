"""Run a production WSGI server (waitress, gunicorn) in a subprocess on a free port of 127.0.0.1.

A notebook cell must not block on ``gunicorn``, and a server it started must not outlive it:
:func:`waitress` and :func:`gunicorn` start one in a process group of its own, wait until it
answers HTTP, and hand back a :class:`ServerProcess` whose ``stop()`` ends the whole group.
Starting a server under a name already running (a re-run cell) stops the old one first.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time

import requests

from . import lifecycle
from .paths import ROOT

__all__ = ["ServerProcess", "gunicorn", "start", "waitress"]

_running: dict[str, ServerProcess] = {}
_START_TIMEOUT = 30.0  # seconds a server may take to answer its first request


class ServerProcess:
    """A WSGI server in a subprocess: ``.url``, ``.pid``, ``.log()`` and ``.stop()``."""

    def __init__(self, name, argv, port, env, cwd=ROOT):
        self.name = name
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self._log = tempfile.TemporaryFile(mode="w+", encoding="utf-8")
        # Linux: the server gets SIGTERM when this process dies, so a killed kernel leaves none behind
        guard = shutil.which("setpriv")
        if guard:
            argv = [guard, "--pdeathsig=TERM", "--", *argv]
        # start_new_session: the server and all its workers form one process group, stopped together
        self._process = subprocess.Popen(
            argv,
            cwd=cwd,
            env={**os.environ, **(env or {})},
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.pid = self._process.pid

    def wait_until_ready(self, path, timeout=_START_TIMEOUT):
        """Wait until ``GET path`` answers (any status); raise RuntimeError, with the log, if the server never does."""
        deadline = time.monotonic() + timeout
        while True:
            if self._process.poll() is not None:
                # another process took the free port before the server bound it (gunicorn gives up after
                # 5 s of retries): waitress() and gunicorn() try another
                error = lifecycle.PortTaken if lifecycle.port_taken(self.log()) else RuntimeError
                raise error(f"{self.name} exited with status {self._process.returncode}:\n{self.log()}")
            try:
                requests.get(self.url + path, timeout=5)
                return self
            # gunicorn's master accepts connections before a worker is there to answer them
            except (requests.ConnectionError, requests.Timeout):
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"{self.name} did not answer within {timeout:.0f} s:\n{self.log()}") from None
                time.sleep(0.05)

    def log(self):
        """Return what the server has written to its stdout and stderr so far."""
        if self._log.closed:
            return self._final_log
        self._log.seek(0)
        return self._log.read()

    @property
    def running(self):
        """Tell whether the server process is still alive."""
        return self._process.poll() is None

    def stop(self, timeout=10.0):
        """Stop the server and every worker it started (SIGTERM, then SIGKILL); return its exit status."""
        # gunicorn's graceful stop on SIGTERM: workers finish their requests (Windows: waitress alone)
        lifecycle.stop_group(self._process, timeout)
        if _running.get(self.name) is self:
            del _running[self.name]
        if not self._log.closed:
            self._final_log = self.log()
            self._log.close()
        return self._process.returncode

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def __repr__(self):
        state = "running" if self.running else "stopped"
        return f"<{self.name} {state} on {self.url}>"


def start(name, argv, *, port, env=None, ready_path="/", cwd=ROOT):
    """Start ``argv`` (a server that listens on ``port``) under ``name`` and wait until it answers HTTP.

    :param env: variables to set on top of this process's environment (``DATABASE_URL`` …).
    :param ready_path: the path to request until the server answers.
    :param cwd: the folder it runs in; ``python -m`` imports the app from there (a project of one's own).
    """
    if name in _running:
        _running[name].stop()
    server = ServerProcess(name, argv, port, env, cwd)
    _running[name] = server
    return server.wait_until_ready(ready_path)


def waitress(factory, *, threads=8, env=None, ready_path="/", options=(), cwd=ROOT):
    """Serve ``factory`` (``"package.module:create_app"``) with waitress, which runs on every platform.

    :param options: more of ``waitress-serve``'s options, e.g. ``["--trusted-proxy=127.0.0.1"]``.
    """

    def on(port):
        argv = [sys.executable, "-m", "waitress", f"--listen=127.0.0.1:{port}", f"--threads={threads}", *options]
        return start("waitress", [*argv, "--call", factory], port=port, env=env, ready_path=ready_path, cwd=cwd)

    return lifecycle.on_free_port(on)


def gunicorn(factory, *, workers=2, env=None, ready_path="/", cwd=ROOT):
    """Serve ``factory`` (``"package.module:create_app"``) with gunicorn: ``workers`` processes (Linux, macOS)."""

    def on(port):
        # gunicorn calls the factory itself when the string ends in (): 'module:create_app()'
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--no-control-socket",
            f"{factory}()",
        ]  # no control socket: it would live in ~/.gunicorn
        return start("gunicorn", argv, port=port, env=env, ready_path=ready_path, cwd=cwd)

    return lifecycle.on_free_port(on)


@lifecycle.at_exit
def _stop_all():
    """Stop every server process this process started (at exit: tourapp.stop_all is for served apps)."""
    for server in list(_running.values()):
        server.stop()
