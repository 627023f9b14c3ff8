"""Run the ``flask`` command as a learner would in a terminal, and keep what it prints."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading

from ..chapters import lifecycle
from ..chapters.paths import ROOT

__all__ = ["flask_run_banner"]

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def flask_run_banner(app_module: str, timeout: float = 30) -> str:
    """Start ``flask --app app_module run`` on a free port, return what it prints as it starts, and stop it.

    ``flask run`` never returns by itself (it serves until Ctrl-C), so a cell cannot simply run
    it; this starts it in a subprocess, reads its banner up to "Press CTRL+C to quit", and stops
    it the way Ctrl-C would.
    """
    # a free port, so that many learners on one machine never clash
    return lifecycle.on_free_port(lambda port: _banner(app_module, port, timeout))


def _banner(app_module: str, port: int, timeout: float) -> str:
    """Start ``flask run`` on ``port`` and return its banner; raise PortTaken if another process has the port."""
    command = [sys.executable, "-m", "flask", "--app", app_module, "run", "--port", str(port)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "FLASK_DEBUG": "0"}
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    watchdog = threading.Timer(timeout, process.kill)  # a server that never prints its banner
    watchdog.start()
    lines: list[str] = []
    assert process.stdout is not None  # stdout=PIPE
    try:
        for line in process.stdout:
            lines.append(_ANSI.sub("", line))
            if "CTRL+C" in line:
                break
    finally:
        watchdog.cancel()
        process.terminate()  # what Ctrl-C does, near enough: the server stops at once
        process.wait()
        process.stdout.close()
    banner = "".join(lines)
    if "CTRL+C" not in banner and lifecycle.port_taken(banner):
        raise lifecycle.PortTaken(banner)
    return banner
