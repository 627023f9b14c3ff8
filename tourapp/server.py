"""Run a WSGI app in a background thread of this process, on a free port of 127.0.0.1.

A notebook cell cannot block on ``app.run()``, so :func:`serve` starts Werkzeug's own
server (``make_server``) in a thread and hands back a :class:`Server` with its URL. Each app
has at most one server: serving it again (a re-run cell) stops the old one first.
"""

from __future__ import annotations

import atexit
import os
import selectors
import socket
import threading
import time

from werkzeug.serving import WSGIRequestHandler, make_server

from tourapp.proxy import behind_proxy

__all__ = ["Server", "serve", "stop_all"]

_lock = threading.Lock()
_servers: dict[str, Server] = {}
_STOP_TIMEOUT = 5.0  # seconds stop() waits for requests still being handled


class _QuietHandler(WSGIRequestHandler):
    """Handle one connection without writing an access-log line per request."""

    def log_request(self, code="-", size="-"):
        """Skip the access log: a thread's stderr would land in whichever cell runs next."""

    def log_error(self, format, *args):
        """Skip protocol-error lines (a 414 for an over-long URL); the client gets the status."""


class Server:
    """A running WSGI server: ``.url`` for requests from this kernel, ``.link`` for a person."""

    def __init__(self, app, key):
        self.app = app
        self._key = key
        try:
            self._httpd = make_server("127.0.0.1", 0, behind_proxy(app), threaded=True, request_handler=_QuietHandler)
        except SystemExit as exc:  # Werkzeug exits on bind errors; a cell should get an exception
            raise OSError("could not bind a free port on 127.0.0.1") from exc
        self.port = self._httpd.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self._closing = False
        self._stop_lock = threading.Lock()
        # Handler threads are daemons, which socketserver neither tracks nor joins; keep them
        # here so stop() can end their connections and wait for them.
        self._handlers = {}
        self._httpd.process_request = self._process_request
        # Serving waits in select() on the listening socket and this pipe, with no timeout:
        # an idle server costs no CPU, and stop() wakes it at once by writing to the pipe.
        self._wake_r, self._wake_w = socket.socketpair()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, name=f"tourapp-serve-{self.port}", daemon=True)
        self._thread.start()
        self._ready.wait()

    @property
    def link(self):
        """Return the URL a person opens: through jupyter-server-proxy on a JupyterHub."""
        prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX")
        if prefix:
            return f"{prefix.rstrip('/')}/proxy/{self.port}/"
        return f"{self.url}/"

    @property
    def running(self):
        """Tell whether the server still accepts connections."""
        return self._thread.is_alive()

    def _serve(self):
        """Accept connections until stop() writes to the wake-up pipe."""
        httpd = self._httpd
        httpd.timeout = 0  # handle_request() must not wait: select() below already did
        with selectors.DefaultSelector() as selector:
            selector.register(httpd, selectors.EVENT_READ)
            selector.register(self._wake_r, selectors.EVENT_READ)
            self._ready.set()
            while True:
                for key, _ in selector.select():
                    if key.fileobj is self._wake_r:
                        return
                    httpd.handle_request()

    def _process_request(self, request, client_address):
        """Handle a new connection in a daemon thread that stop() can find and join."""
        for thread in [t for t in self._handlers if not t.is_alive()]:
            del self._handlers[thread]
        thread = threading.Thread(
            target=self._httpd.process_request_thread, args=(request, client_address), daemon=True
        )
        self._handlers[thread] = request
        thread.start()

    def stop(self):
        """Stop accepting, end open connections, and wait for every handler thread; idempotent."""
        with _lock:
            if _servers.get(self._key) is self:
                del _servers[self._key]
        with self._stop_lock:  # a second caller waits until the first has stopped it all
            if self._closing:
                return
            self._closing = True
            self._wake_w.send(b"x")
            self._thread.join()  # no connection is accepted after this
            self._httpd.server_close()
            # Ending the read side wakes handlers idling in keep-alive; a response being written
            # still goes out whole. A view that never returns is given up on after a while.
            for request in self._handlers.values():
                _shutdown_read(request)
            deadline = time.monotonic() + _STOP_TIMEOUT
            for thread in self._handlers:
                thread.join(max(0.0, deadline - time.monotonic()))
            self._handlers.clear()
            self._wake_r.close()
            self._wake_w.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def __repr__(self):
        state = "running" if self.running else "stopped"
        return f"<Server {self.link} ({state})>"

    def _repr_html_(self):
        from markupsafe import escape

        state = "running" if self.running else "stopped"
        name = escape(getattr(self.app, "name", type(self.app).__name__))
        return f'<a href="{escape(self.link)}" target="_blank">{escape(self.link)}</a> ({name}, {state})'


def _shutdown_read(conn):
    """End the read side of a connection, ignoring one already closed."""
    try:
        conn.shutdown(socket.SHUT_RD)
    except OSError:
        pass


def _key(app):
    """Name an app so that the same app, re-created by a re-run cell, maps to one server."""
    name = getattr(app, "import_name", None)
    if name is None:
        name = f"{getattr(app, '__module__', '?')}.{getattr(app, '__qualname__', id(app))}"
    return name


def serve(app):
    """Serve a WSGI app from a background thread and return its :class:`Server`.

    The server listens on 127.0.0.1 on a port the OS picks (never a fixed one: many kernels
    share a JupyterHub host) and answers before this returns. Serving an app of the same
    name again stops the earlier server first, so a re-run cell never finds its port taken.
    There is no reloader and no debugger: a Flask app's debug mode is switched off.

    :param app: a Flask app or any WSGI callable.
    """
    if getattr(app, "debug", False):
        app.debug = False  # the debugger is unsafe to expose, and the reloader needs the main thread
    key = _key(app)
    with _lock:
        old = _servers.pop(key, None)
    if old is not None:
        old.stop()
    server = Server(app, key)
    with _lock:
        racing = _servers.get(key)
        _servers[key] = server
    if racing is not None:  # another thread served the same app meanwhile: one server per app
        racing.stop()
    return server


def stop_all():
    """Stop every server started by :func:`serve`."""
    with _lock:
        servers = list(_servers.values())
    for server in servers:
        server.stop()


atexit.register(stop_all)
