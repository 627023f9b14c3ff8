"""Tell where the notebooks run, and give a person the link to a served app there.

A served app listens on 127.0.0.1 inside the kernel's machine, which a person's browser reaches
in one of three ways: directly (a local Jupyter), through jupyter-server-proxy under the server's
prefix (any JupyterHub, Binder included), or through Colab's kernel-port proxy, whose URL only
Colab's page can make. The kernel itself always talks to the app on 127.0.0.1.
"""

from __future__ import annotations

import os
import sys

__all__ = ["detect", "link_for", "show_link"]

COLAB, BINDER, JUPYTERHUB, LOCAL = "colab", "binder", "jupyterhub", "local"


def detect(environ, modules):
    """Name the platform from an environment and a module table: colab, binder, jupyterhub or local.

    Pure: pass ``os.environ`` and ``sys.modules`` for this kernel, or plain dicts in a test.
    Colab's kernel imports ``google.colab`` at start and its machines set ``COLAB_RELEASE_TAG``;
    BinderHub sets ``BINDER_*`` variables in the servers it launches (which run under a JupyterHub
    too); every JupyterHub sets ``JUPYTERHUB_SERVICE_PREFIX`` in its servers and their kernels.
    """
    if "google.colab" in modules or environ.get("COLAB_RELEASE_TAG"):
        return COLAB
    if environ.get("BINDER_REPO_URL") or environ.get("BINDER_LAUNCH_HOST"):
        return BINDER
    if environ.get("JUPYTERHUB_SERVICE_PREFIX"):
        return JUPYTERHUB
    return LOCAL


def link_for(port, environ=None):
    """Return the URL a person opens for the app on ``port``: through the hub's proxy on a hub.

    Under a JupyterHub (Binder too) the link is ``{JUPYTERHUB_SERVICE_PREFIX}proxy/<port>/``,
    a path on the page's own origin that jupyter-server-proxy forwards to 127.0.0.1:<port>;
    elsewhere it is ``http://127.0.0.1:<port>/``. On Colab that loopback URL is all the kernel
    can know: Colab's page makes the real link, which :func:`show_link` displays.

    :param environ: the environment to read, ``os.environ`` by default.
    """
    environ = os.environ if environ is None else environ
    prefix = environ.get("JUPYTERHUB_SERVICE_PREFIX")
    if prefix:
        return f"{prefix.rstrip('/')}/proxy/{port}/"
    return f"http://127.0.0.1:{port}/"


def show_link(port, *, text=None, path="/", iframe=False, height=400):
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
