"""Let a served app learn its public prefix from jupyter-server-proxy, and nothing else.

On a JupyterHub a person opens ``/user/<name>/proxy/<port>/…``; jupyter-server-proxy strips that
prefix and announces it in ``X-Forwarded-Prefix``. Werkzeug's ProxyFix turns it into
``SCRIPT_NAME`` so ``url_for``, redirects and assets carry it. Any process on the host can send
these headers, so only a plain URL path and ``http``/``https`` are believed, and a redirect to the
request's own host becomes a relative reference, which every proxy passes on unchanged.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wsgi import get_host

if TYPE_CHECKING:
    from collections.abc import Iterable
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = ["behind_proxy"]

# One path segment of a URL: unreserved characters, percent-escapes and a few harmless
# delimiters (JupyterHub escapes user names this way). No comma (ProxyFix splits lists on it),
# no quotes, no angle brackets, no backslash, no whitespace or control characters.
_SEGMENT = re.compile(r"(?:[A-Za-z0-9._~@:!$&+=-]|%[0-9A-Fa-f]{2})+")
_SCHEMES = {"http", "https"}


def behind_proxy(app: WSGIApplication) -> ForwardedPrefix:
    """Wrap a WSGI app so that it honours a trustworthy X-Forwarded-Prefix and X-Forwarded-Proto."""
    return ForwardedPrefix(app)


class ForwardedPrefix:
    """WSGI middleware: ProxyFix for the prefix and scheme, after checking both headers."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app
        # Host, port and client address stay as the socket saw them: a forged X-Forwarded-Host
        # must never send a browser to another site.
        self._fixed = ProxyFix(app, x_for=0, x_proto=1, x_host=0, x_port=0, x_prefix=1)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        prefix = _plain_path(environ.pop("HTTP_X_FORWARDED_PREFIX", None))
        proto = (environ.pop("HTTP_X_FORWARDED_PROTO", None) or "").strip().lower()
        if proto in _SCHEMES:
            environ["HTTP_X_FORWARDED_PROTO"] = proto
        if not prefix:  # a request from the kernel, or a header not to be believed: as it came
            return self._fixed(environ, start_response)
        environ["HTTP_X_FORWARDED_PREFIX"] = prefix

        def start_relative(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            if status[:1] == "3":
                headers = [
                    (name, _relative_location(value, prefix, environ) if name.lower() == "location" else value)
                    for name, value in headers
                ]
            return start_response(status, headers, exc_info)

        return self._fixed(environ, start_relative)


def _plain_path(value: str | None) -> str | None:
    """Return a forwarded prefix if it is a plain absolute URL path (without trailing slash), else None."""
    if not value:
        return None
    path = value.strip().rstrip("/")
    if not path.startswith("/"):
        return None
    for segment in path[1:].split("/"):
        # An empty segment would make "//host" (another site); dot segments climb out of it.
        if not _SEGMENT.fullmatch(segment) or unquote(segment) in {".", ".."}:
            return None
    return path


def _relative_location(location: str, prefix: str, environ: WSGIEnvironment) -> str:
    """Turn a redirect to this app, under its prefix, into a reference relative to the request."""
    target = urlsplit(location)
    if target.scheme or target.netloc:
        if target.scheme not in _SCHEMES or target.netloc.lower() != get_host(environ).lower():
            return location  # another site, named by the app itself: its own business
    if not (target.path == prefix or target.path.startswith(prefix + "/")):
        if target.scheme:  # this host, outside the prefix: jupyter-server-proxy prefixes a path
            return urlunsplit(("", "", target.path or "/", target.query, target.fragment))
        return location
    here = _request_path(environ)
    path = _relative_path(here, target.path[len(prefix) :] or "/")
    return urlunsplit(("", "", path, target.query, target.fragment))


def _request_path(environ: WSGIEnvironment) -> str:
    """Return the path of the request as the client sent it, still percent-encoded."""
    raw = environ.get("REQUEST_URI") or quote(environ.get("PATH_INFO", ""))
    if not raw.startswith("/"):  # absolute form, "GET http://host/path HTTP/1.1"
        raw = urlsplit(raw).path
    return raw.partition("?")[0] or "/"  # not urlsplit: it would read "//greet//x" as a host


def _relative_path(base: str, target: str) -> str:
    """Return a relative reference that, resolved against path ``base``, gives path ``target``."""
    folder = base.split("/")[1:-1]  # the segments of the folder the request's path is in
    wanted = target.split("/")[1:]
    common = 0
    while common < min(len(folder), len(wanted) - 1) and folder[common] == wanted[common]:
        common += 1
    path = "../" * (len(folder) - common) + "/".join(wanted[common:])
    # "./" keeps an empty first segment from reading as "//host" and a colon from reading as a scheme.
    if not path or path.startswith("/") or ":" in path.split("/", 1)[0]:
        path = "./" + path
    return path
