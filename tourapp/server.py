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

from werkzeug.serving import WSGIRequestHandler, make_server

__all__ = ["Server", "serve", "stop_all"]

_lock = threading.Lock()
_servers: dict[str, Server] = {}


class _QuietHandler(WSGIRequestHandler):
    """Handle one connection without writing an access-log line per request."""

    def log_request(self, code="-", size="-"):
        """Skip the access log: a thread's stderr would land in whichever cell runs next."""

    def setup(self):
        """Register the connection so stop() can end it even while it idles in keep-alive."""
        super().setup()
        self.server._tour_track(self.connection)

    def finish(self):
        """Unregister the connection once the handler is done with it."""
        try:
            super().finish()
        finally:
            self.server._tour_untrack(self.connection)


class Server:
    """A running WSGI server: ``.url`` for requests from this kernel, ``.link`` for a person."""

    def __init__(self, app, key):
        self.app = app
        self._key = key
        try:
            self._httpd = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
        except SystemExit as exc:  # Werkzeug exits on bind errors; a cell should get an exception
            raise OSError("could not bind a free port on 127.0.0.1") from exc
        self.port = self._httpd.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self._connections = set()
        self._conn_lock = threading.Lock()
        self._closing = False
        self._httpd._tour_track = self._track
        self._httpd._tour_untrack = self._untrack
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

    def _track(self, conn):
        """Remember an open connection, or end it at once when the server is stopping."""
        with self._conn_lock:
            if self._closing:
                _shutdown_read(conn)
            self._connections.add(conn)

    def _untrack(self, conn):
        """Forget a connection its handler has finished with."""
        with self._conn_lock:
            self._connections.discard(conn)

    def stop(self):
        """Stop accepting, end open connections, and wait for every handler thread; idempotent."""
        with _lock:
            if _servers.get(self._key) is self:
                del _servers[self._key]
        if self._closing:
            return
        with self._conn_lock:
            self._closing = True
            conns = list(self._connections)
        self._wake_w.send(b"x")
        self._thread.join()
        # Ending the read side wakes handlers idling in keep-alive; a response being
        # written still goes out whole.
        for conn in conns:
            _shutdown_read(conn)
        self._httpd.server_close()  # closes the port and joins the handler threads
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
    """End the read side of a connection, ignoring one the client already closed."""
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
