"""Start and stop what this process starts: one exit registry, ports that cannot be raced, process groups.

Servers started from a kernel (threads, subprocesses, database clusters) must not outlive it:
each kind registers its clean-up with :func:`at_exit`, and all of them run once at exit, newest
first. A port is either handed over already bound (:func:`listen`), or, for a program that binds
it itself, tried again on another port when the program finds it taken (:func:`on_free_port`):
a port that was free when we looked may be taken by another process before the program binds it.
"""

from __future__ import annotations

import atexit
import errno
import os
import re
import signal
import socket
import subprocess
import traceback

__all__ = ["PortTaken", "at_exit", "free_port", "listen", "on_free_port", "port_taken", "stop_group"]

_hooks = []
# How programs say their port is taken: errno's text (Linux, macOS; PostgreSQL, Werkzeug, waitress),
# gunicorn's "Connection in use", Jupyter's "is already in use", and Windows' WSAEADDRINUSE.
_IN_USE = re.compile(r"address already in use|connection in use|is already in use|only one usage of each socket")


def at_exit(func):
    """Run ``func`` at interpreter exit, before the clean-ups registered earlier; return it (a decorator)."""
    _hooks.append(func)
    return func


def _run_hooks():
    """Run every registered clean-up, newest first: one that fails does not keep the others from running."""
    while _hooks:
        func = _hooks.pop()
        try:
            func()
        except Exception:
            traceback.print_exc()


atexit.register(_run_hooks)


class PortTaken(OSError):
    """A program could not bind its port: another process took it first."""

    def __init__(self, message):
        super().__init__(errno.EADDRINUSE, message)


def listen(port=0, host="127.0.0.1", backlog=128):
    """Return a socket listening on ``host`` at ``port`` if it is free, else at a port the OS picks.

    The socket is bound and listening when this returns, so no other process can take its port
    before the server that is handed the socket starts accepting. ``port=0`` lets the OS pick.
    """
    for candidate in [port, 0] if port else [0]:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        # A server that has just closed this port (a re-run cell's) may have left it in TIME_WAIT.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, candidate))
        except OSError as exc:
            sock.close()
            if exc.errno == errno.EADDRINUSE and candidate:
                continue
            raise
        sock.listen(backlog)
        return sock
    raise AssertionError("unreachable")


def free_port(host="127.0.0.1"):
    """Return a port of ``host`` that nothing listens on right now; start programs on it with :func:`on_free_port`."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def on_free_port(start, attempts=5, host="127.0.0.1"):
    """Call ``start(port)`` with a free port, and again with another each time it raises :class:`PortTaken`.

    For programs that bind their port themselves (a subprocess cannot be handed our socket):
    ``start`` raises :class:`PortTaken` when the program says so (:func:`port_taken`). Returns
    what ``start`` returns; the last :class:`PortTaken` propagates after ``attempts`` tries.
    """
    for attempt in range(attempts):
        try:
            return start(free_port(host))
        except PortTaken:
            if attempt == attempts - 1:
                raise
    raise ValueError("attempts must be at least 1")


def port_taken(text):
    """Tell whether a program's output says it could not bind its port because it was taken."""
    return bool(_IN_USE.search(text.lower()))


def stop_group(process, timeout=10.0):
    """Stop a process started with ``start_new_session=True`` and every process of its group; return its status.

    The group (its id is the process's pid) gets SIGTERM, so servers stop gracefully, then
    SIGKILL after ``timeout`` seconds, and SIGKILL once more for members that outlived the
    leader. Where there are no process groups (Windows), the process alone is terminated.

    :param process: a :class:`subprocess.Popen`.
    """
    if not hasattr(os, "killpg"):
        if process.poll() is None:
            process.terminate()
        return process.wait()
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process.pid)
            process.wait()
        except ProcessLookupError:
            process.wait()
    _kill_group(process.pid)  # members that outlived the leader (none should)
    return process.returncode


def _kill_group(pgid):
    """Send SIGKILL to a process group, ignoring one that is already gone."""
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
