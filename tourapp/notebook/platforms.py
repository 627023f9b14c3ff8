"""Tell where the notebooks run, and give a person the link to a served app there.

A served app listens on 127.0.0.1 inside the kernel's machine, which a person's browser reaches
in one of four ways: directly (a local Jupyter, or a notebook in VS Code on one's own machine),
through jupyter-server-proxy under the server's prefix (any JupyterHub, Binder included), through
a GitHub Codespace's forwarded address (VS Code forwards the ports a process in the codespace
opens), or through Colab's kernel-port proxy, whose URL only Colab's page can make. The kernel
itself always talks to the app on 127.0.0.1.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Container, Mapping

__all__ = ["detect", "link_for", "show_link"]

COLAB, BINDER, JUPYTERHUB, CODESPACES, VSCODE, LOCAL = "colab", "binder", "jupyterhub", "codespaces", "vscode", "local"
JUPYTERLITE = "jupyterlite"  # Python in the browser (Pyodide): no sockets, no subprocesses


def detect(environ: Mapping[str, str], modules: Container[str]) -> str:
    """Name the platform from an environment and a module table: colab, binder, jupyterhub, codespaces, vscode or local.

    Pure: pass ``os.environ`` and ``sys.modules`` for this kernel, or plain dicts in a test.
    Colab's kernel imports ``google.colab`` at start and its machines set ``COLAB_RELEASE_TAG``;
    BinderHub sets ``BINDER_*`` variables in the servers it launches (which run under a JupyterHub
    too); every JupyterHub sets ``JUPYTERHUB_SERVICE_PREFIX`` in its servers and their kernels.
    A GitHub Codespace sets ``CODESPACES=true`` in every process of the codespace, and VS Code
    passes ``VSCODE_PID`` (``VSCODE_CWD`` where it runs in a container or WSL) to the kernels it
    starts. A hub's page comes first: a JupyterHub's server started from a VS Code terminal is
    still reached through the hub. JupyterLite's kernel (Pyodide, which imports ``pyodide``) is
    ``jupyterlite``.
    """
    if "pyodide" in modules:
        return JUPYTERLITE
    if "google.colab" in modules or environ.get("COLAB_RELEASE_TAG"):
        return COLAB
    if environ.get("BINDER_REPO_URL") or environ.get("BINDER_LAUNCH_HOST"):
        return BINDER
    if environ.get("JUPYTERHUB_SERVICE_PREFIX"):
        return JUPYTERHUB
    if environ.get("CODESPACES") == "true" and _codespace_host(environ, 0):
        return CODESPACES
    if environ.get("VSCODE_PID") or environ.get("VSCODE_CWD"):
        return VSCODE
    return LOCAL


def _codespace_host(environ: Mapping[str, str], port: int) -> str | None:
    """Return the codespace's forwarded host name for ``port``, or None outside a codespace."""
    name = environ.get("CODESPACE_NAME")
    domain = environ.get("GITHUB_CODESPACES_PORT_FORWARDING_DOMAIN")
    return f"{name}-{port}.{domain}" if name and domain else None


def link_for(port: int, environ: Mapping[str, str] | None = None) -> str:
    """Return the URL a person opens for the app on ``port``: through the hub's proxy on a hub.

    Under a JupyterHub (Binder too) the link is ``{JUPYTERHUB_SERVICE_PREFIX}proxy/<port>/``,
    a path on the page's own origin that jupyter-server-proxy forwards to 127.0.0.1:<port>; in a
    GitHub Codespace it is the port's forwarded address,
    ``https://<codespace name>-<port>.<forwarding domain>/`` (private to the codespace's owner,
    who is signed in); elsewhere, VS Code on one's own machine included, it is
    ``http://127.0.0.1:<port>/``. On Colab that loopback URL is all the kernel can know: Colab's
    page makes the real link, which :func:`show_link` displays.

    :param environ: the environment to read, ``os.environ`` by default.
    """
    environ = os.environ if environ is None else environ
    prefix = environ.get("JUPYTERHUB_SERVICE_PREFIX")
    if prefix:
        return f"{prefix.rstrip('/')}/proxy/{port}/"
    if environ.get("CODESPACES") == "true" and (host := _codespace_host(environ, port)):
        return f"https://{host}/"
    return f"http://127.0.0.1:{port}/"


def show_link(port: int, *, text: str | None = None, path: str = "/", iframe: bool = False, height: int = 400) -> bool:
    """On Colab, display Colab's own link (or frame) to the app on ``port`` and return True.

    Elsewhere do nothing and return False, so a caller shows its ordinary link instead. Colab's
    kernel-port proxy (``google.colab.output.serve_kernel_port_as_window`` / ``…_as_iframe``)
    works only in the page of the person who runs the notebook, while it is open.

    :param text: the link's text (Colab's default is a misleading ``https://localhost:<port>/``).
    :param iframe: show the app in a frame of the output instead of a link to a new tab.
    """
    if detect(os.environ, sys.modules) != COLAB:
        return False
    from google.colab import output  # only on Colab

    if iframe:
        output.serve_kernel_port_as_iframe(port, path=path, height=str(height))
    else:
        output.serve_kernel_port_as_window(port, path=path, anchor_text=text or f"Open the app (port {port})")
    return True
