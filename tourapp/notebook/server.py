"""Run a WSGI app in a background thread of this process, on a free port of 127.0.0.1.

A notebook cell cannot block on ``app.run()``, so :func:`serve` starts Werkzeug's own
server (``make_server``) in a thread and hands back a :class:`Server` with its URL. Each app
has at most one server: serving it again (a re-run cell) stops the old one first and takes
its port back, so a browser tab open on the app keeps working.
"""

from __future__ import annotations

import ctypes
import selectors
import socket
import threading
import time
import uuid

from werkzeug.serving import WSGIRequestHandler, make_server

from ..chapters import lifecycle
from . import platforms
from .proxy import behind_proxy

__all__ = ["Server", "serve", "stop_all"]

_lock = threading.Lock()
_servers: dict[str, Server] = {}
_ports: dict[str, int] = {}  # app name -> the port its last server had, for the next one
_STOP_TIMEOUT = 5.0  # seconds stop() waits for requests still being handled


class _QuietHandler(WSGIRequestHandler):
    """Handle one connection without writing an access-log line per request."""

    def log_request(self, code="-", size="-"):
        """Skip the access log: a thread's stderr would land in whichever cell runs next."""

    def log_error(self, format, *args):
        """Skip protocol-error lines (a 414 for an over-long URL); the client gets the status."""


class Server:
    """A running WSGI server: ``.url`` for requests from this kernel, ``.link`` for a person."""

    def __init__(self, app, key, port=0):
        self.app = app
        self._key = key
        # Bound here rather than by Werkzeug, which prints to stderr and exits when a port is taken.
        listener = lifecycle.listen(port)
        try:
            self._httpd = make_server(
                "127.0.0.1",
                0,
                _sorted_allow(behind_proxy(app)),
                threaded=True,
                request_handler=_QuietHandler,
                fd=listener.fileno(),
            )
        finally:
            listener.close()  # Werkzeug serves a duplicate of it
        self.port = self._httpd.port
        self.url = f"http://127.0.0.1:{self.port}"
        # The port asked for, when it was taken and this server had to move to another.
        self.moved_from = port if port and port != self.port else None
        self._display_id = None  # set once shown in a notebook, so stop() can update what it says
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
        """Return the URL a person opens: through jupyter-server-proxy on a JupyterHub or Binder."""
        return platforms.link_for(self.port)

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
        thread = threading.Thread(target=self._handle, args=(request, client_address), daemon=True)
        self._handlers[thread] = request
        thread.start()

    def _handle(self, request, client_address):
        """Handle one connection in this thread; a view abandoned by stop() ends it quietly."""
        try:
            self._httpd.process_request_thread(request, client_address)
        except ViewAbandoned:
            pass

    def stop(self, timeout=_STOP_TIMEOUT):
        """Stop accepting, end open connections, and wait for every handler thread; idempotent.

        :param timeout: seconds to wait for views still running; one still running then is
            interrupted (see :func:`_abandon`).
        """
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
            deadline = time.monotonic() + timeout
            for thread in self._handlers:
                thread.join(max(0.0, deadline - time.monotonic()))
            for thread in self._handlers:
                if thread.is_alive():  # a view that never returns: end its loop rather than let it spin
                    _abandon(thread)
            self._handlers.clear()
            self._wake_r.close()
            self._wake_w.close()
        self._update_display()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def __repr__(self):
        return f"<Server {self.link} ({self._state()})>"

    def _state(self):
        """Say what the server is doing: ``running``, ``stopped``, or where it moved to."""
        name = getattr(self.app, "name", type(self.app).__name__)
        if not self.running:
            return f"{name}, stopped"
        if self.moved_from:
            return f"{name}, running; port {self.moved_from} was taken by another program, so the port changed"
        return f"{name}, running"

    def _repr_html_(self):
        from markupsafe import escape

        if not self.running:  # a dead link would only lead to "connection refused"
            return f"<code>{escape(self.link)}</code> ({escape(self._state())})"
        # The class lets `make record` find this link (tourapp/classroom/nbval_sanitize.cfg, served-link).
        link = escape(self.link)
        return f'<a class="tourapp-server" href="{link}" target="_blank">{link}</a> ({escape(self._state())})'

    def _bundle(self):
        return {"text/plain": f"{self.link} ({self._state()})", "text/html": self._repr_html_()}

    def _ipython_display_(self):
        """Display the link under an id, so that stop() can turn it into "stopped" where it stands."""
        from IPython.display import display

        if platforms.show_link(self.port, text=f"{self.link} ({self._state()})"):
            return  # Colab: its own proxy shows the link; there is nothing of ours to update
        if self._display_id is None:
            self._display_id = f"tourapp-server-{uuid.uuid4().hex}"
        display(self._bundle(), raw=True, display_id=self._display_id)

    def _update_display(self):
        """Update every place this server was displayed, now that it has stopped."""
        if self._display_id is None:
            return
        try:
            from IPython.display import update_display

            update_display(self._bundle(), raw=True, display_id=self._display_id)
        except Exception:  # the kernel may be shutting down (stop_all at exit): nothing to update
            pass


class ViewAbandoned(BaseException):
    """Raised inside a view that was still running when its server stopped."""


def _abandon(thread):
    """Raise :class:`ViewAbandoned` in a handler thread, so a view stuck in a loop stops using the CPU.

    Python cannot kill a thread; it can make the thread raise at its next bytecode. A loop
    written in Python ends there; a view blocked inside a C call (a long sleep, a socket read)
    raises when that call returns, and meanwhile uses no CPU. The thread is a daemon either way.
    """
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread.ident), ctypes.py_object(ViewAbandoned))


def _sorted_allow(app):
    """Wrap a WSGI app so that the methods of an ``Allow`` header come in alphabetical order.

    Werkzeug lists them from a set, whose order changes with each Python process (hash
    randomisation): the same 405 would read differently in every kernel.
    """

    def sorted_app(environ, start_response):
        def start(status, headers, exc_info=None):
            headers = [
                (name, ", ".join(sorted(value.split(", "))) if name.lower() == "allow" else value)
                for name, value in headers
            ]
            return start_response(status, headers, exc_info)

        return app(environ, start)

    sorted_app.wrapped = app
    return sorted_app


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
    name again stops the earlier server first and reuses its port, so a re-run cell never
    finds its port taken and an open browser tab keeps working; only when another program
    has taken that port meanwhile does the app move to a new one (``server.moved_from``).
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
    server = Server(app, key, _ports.get(key, 0))
    with _lock:
        racing = _servers.get(key)
        _servers[key] = server
        _ports[key] = server.port
    if racing is not None:  # another thread served the same app meanwhile: one server per app
        racing.stop()
    return server


def stop_all():
    """Stop every server started by :func:`serve`."""
    with _lock:
        servers = list(_servers.values())
    for server in servers:
        server.stop()


lifecycle.at_exit(stop_all)
