"""Serve apps inside the kernel where there are no sockets: JupyterLite's Pyodide kernel.

In a browser, Python has no sockets and no threads: :func:`tourapp.serve` cannot listen, and
``requests`` cannot reach a server in the same kernel. There ``tourapp.notebook`` calls
:func:`activate`, which makes ``serve()`` (and the checks) hand back a :class:`LiteServer`
instead: same ``url``, ``port``, ``stop()`` and ``with`` block as a
:class:`~tourapp.notebook.server.Server`, and every ``requests`` call to its URL is
answered by calling the app's WSGI callable in this process, as ``app.test_client()`` does. The
answer is written out the way Werkzeug's development server writes it (its ``Server`` and
``Date`` lines, ``Transfer-Encoding: chunked`` when there is no length, ``Connection: close``)
and read back by ``http.client``, as over a socket: ``show()`` prints the same text, cookies,
repeated headers and redirects behave as they do over a socket.

What differs: no browser tab can open the app (its URL names no real server), and a view that
never returns blocks the kernel (no thread can be abandoned, and no timeout applies).
"""

from __future__ import annotations

import email.utils
import http.client
import importlib.metadata
import io
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import urlsplit

import requests.adapters
from urllib3 import HTTPResponse
from urllib3._collections import HTTPHeaderDict
from werkzeug.exceptions import InternalServerError
from werkzeug.test import EnvironBuilder

from . import server as _server

__all__ = ["LiteServer", "activate", "active", "deactivate", "in_browser"]

_FIRST_PORT = 5000  # a made-up port: nothing listens there, the transport answers for it
_lock = threading.Lock()
_by_port: dict[int, LiteServer] = {}
_saved: dict[str, Any] = {}  # what activate() replaced, for deactivate()
_HOSTS = {"127.0.0.1", "localhost"}
_NO_TAB = "answered inside this notebook's Python: there is no page to open in a browser tab"


def in_browser():
    """Tell whether this Python runs in a browser (Pyodide, as in JupyterLite)."""
    return sys.platform == "emscripten"


class LiteServer(_server.Server):
    """An app answered in this process: ``.url`` works for ``requests``, as a served app's does."""

    def __init__(self, app, key, port=0):
        self.app = app
        self._key = key
        self._wsgi = _server._SortedAllow(_server.behind_proxy(app))  # what the real server serves
        self._display_id = None
        self._closing = False
        self.moved_from = None
        with _lock:
            if not port or port in _by_port:
                port = next(p for p in range(_FIRST_PORT, 65536) if p not in _by_port)
            self.port = port
            _by_port[port] = self
        self.url = f"http://127.0.0.1:{self.port}"

    @property
    def link(self):
        """Return the app's URL: only ``requests`` in this kernel reaches it, no browser tab does."""
        return f"{self.url}/"

    @property
    def running(self):
        """Tell whether ``requests`` calls to the URL are still answered."""
        return not self._closing

    def stop(self, timeout=None):
        """Stop answering requests to this URL; idempotent. ``timeout`` is accepted and unused."""
        with _server._lock:
            if _server._servers.get(self._key) is self:
                del _server._servers[self._key]
        with _lock:
            if self._closing:
                return
            self._closing = True
            if _by_port.get(self.port) is self:
                del _by_port[self.port]
        self._update_display()

    def _state(self):
        return f"{super()._state()}; {_NO_TAB}"

    def _repr_html_(self):
        from markupsafe import escape

        return f"<code>{escape(self.link)}</code> ({escape(self._state())})"

    def _ipython_display_(self):
        """Display the URL (not a link: no tab can open it) under an id that stop() updates."""
        from IPython.display import display

        if self._display_id is None:
            self._display_id = f"tourapp-server-{uuid.uuid4().hex}"
        display(self._bundle(), raw=True, display_id=self._display_id)

    def answer(self, request):
        """Answer a ``requests`` PreparedRequest with the bytes Werkzeug's server would send."""
        parts = urlsplit(request.url)
        body = request.body
        if isinstance(body, str):
            body = body.encode("utf-8")
        elif body is not None and not isinstance(body, bytes):  # a generator or file: stream it whole
            body = b"".join(chunk.encode() if isinstance(chunk, str) else chunk for chunk in body)
        headers = {"Host": f"127.0.0.1:{self.port}", **request.headers}
        builder = EnvironBuilder(
            path=parts.path or "/",
            query_string=parts.query,
            method=request.method,
            headers=headers,
            data=body or b"",
            base_url=f"http://127.0.0.1:{self.port}",
            environ_base={"REMOTE_ADDR": "127.0.0.1", "REMOTE_PORT": 0, "SERVER_SOFTWARE": _server_version()},
        )
        try:
            environ = builder.get_environ()
        finally:
            builder.close()
        return _run(self._wsgi, environ)


def _server_version():
    """Return what Werkzeug's development server sends as its ``Server`` header."""
    return f"Werkzeug/{importlib.metadata.version('werkzeug')} {BaseHTTPRequestHandler.sys_version}"


def _run(app, environ):
    """Call a WSGI app and return the response's bytes as Werkzeug's server writes them (see its run_wsgi)."""
    started: list[Any] = []

    def start_response(status, headers, exc_info=None):
        if exc_info and started:
            raise exc_info[1].with_traceback(exc_info[2])
        started[:] = [(status, list(headers))]
        return chunks.append

    chunks = []
    try:
        result = app(environ, start_response)
        try:
            chunks.extend(result)
        finally:
            if hasattr(result, "close"):
                result.close()
    except Exception as exc:  # the development server answers 500 and logs the traceback
        from werkzeug.debug.tbtools import DebugTraceback

        print(f"Error on request:\n{DebugTraceback(exc).render_traceback_text()}", file=sys.stderr)
        chunks = []
        started.clear()
        result = InternalServerError()(environ, start_response)
        chunks.extend(result)
    status, headers = started[0]
    code = int(status.split(None, 1)[0])
    names = {name.lower() for name, _ in headers}
    bodiless = environ["REQUEST_METHOD"] == "HEAD" or 100 <= code < 200 or code in {204, 304}
    chunked = not ("content-length" in names or bodiless)
    date = email.utils.formatdate(time.time(), usegmt=True)
    lines = [f"HTTP/1.1 {status}", f"Server: {_server_version()}", f"Date: {date}"]
    lines += [f"{name}: {value}" for name, value in headers]
    if chunked:
        lines.append("Transfer-Encoding: chunked")
    lines.append("Connection: close")
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    body = b"".join(chunks)
    if chunked:
        body = b"".join(f"{len(c):x}\r\n".encode() + c + b"\r\n" for c in chunks if c) + b"0\r\n\r\n"
    return head + body


class _Wire:
    """What ``http.client`` reads a response from: the bytes a socket would have delivered."""

    def __init__(self, data):
        self._data = data

    def makefile(self, mode, *args, **kwargs):
        return io.BytesIO(self._data)

    def close(self):
        pass


def _send(adapter, request, **kwargs):
    """Answer requests to a LiteServer's URL in process; pass every other request on."""
    parts = urlsplit(request.url)
    server = _by_port.get(parts.port) if parts.scheme == "http" and parts.hostname in _HOSTS else None
    if server is None:
        return _saved["send"](adapter, request, **kwargs)
    wire: Any = _Wire(server.answer(request))  # HTTPResponse reads a socket's makefile(): _Wire has one
    raw = http.client.HTTPResponse(wire, method=request.method, url=request.url)
    raw.begin()
    headers = HTTPHeaderDict()
    for name, value in raw.msg.items():
        headers.add(name, value)
    response = HTTPResponse(
        body=raw,
        headers=headers,
        status=raw.status,
        version=raw.version,
        version_string="HTTP/1.1",
        reason=raw.reason,
        preload_content=False,
        decode_content=True,
        original_response=raw,
        request_method=request.method,
        request_url=request.url,
    )
    return adapter.build_response(request, response)


def activate():
    """Make ``serve()``, the checks and ``requests`` use in-process servers; idempotent."""
    if _saved:
        return
    _saved["send"] = requests.adapters.HTTPAdapter.send
    _saved["Server"] = _server.Server
    # setattr: these replace a method and a class on purpose (the type checker would refuse the assignments)
    setattr(requests.adapters.HTTPAdapter, "send", _send)  # noqa: B010
    setattr(_server, "Server", LiteServer)  # noqa: B010
    checking = sys.modules.get("tourapp.classroom.exercises.checking")
    if checking is not None:
        setattr(checking, "Server", LiteServer)  # noqa: B010


def active():
    """Tell whether :func:`activate` is in force."""
    return bool(_saved)


def deactivate():
    """Undo :func:`activate` (for tests in CPython): stop the in-process servers, restore sockets."""
    if not _saved:
        return
    for server in list(_by_port.values()):
        server.stop()
    setattr(requests.adapters.HTTPAdapter, "send", _saved.pop("send"))  # noqa: B010
    setattr(_server, "Server", _saved.pop("Server"))  # noqa: B010
    checking = sys.modules.get("tourapp.classroom.exercises.checking")
    if checking is not None:
        setattr(checking, "Server", _server.Server)  # noqa: B010
