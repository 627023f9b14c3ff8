"""Record notebooks as nbval will check them: run in a fresh kernel, outputs masked where they must vary.

``make record`` (tools/record.py) and the tests share this module: the masks nbval applies
(tourapp/classroom/nbval_sanitize.cfg), the kernel's environment, and how a recorded notebook is normalized,
so that recording unchanged code gives no diff.
"""

from __future__ import annotations

import atexit
import configparser
import os
import re
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any

import nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

__all__ = [
    "SANITIZE_FILE",
    "AsRun",
    "SocketFileKernelManager",
    "kernel_environment",
    "normalize",
    "sanitize",
    "sanitizers",
    "socket_files",
]

SANITIZE_FILE = Path(__file__).with_name("nbval_sanitize.cfg")  # pyproject's --nbval-sanitize-with reads it too
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
_PLACEHOLDER = re.compile(r"<(date|etag|version|port|signed)>")
_SRCDOC = re.compile(r'srcdoc="[^"]*"')


def kernel_environment(environ=os.environ):
    """Set what every recording or testing kernel inherits: a fixed hash seed, no hub prefix."""
    # A fixed hash seed keeps anything a set orders the same in every run.
    environ["PYTHONHASHSEED"] = "0"
    # Jupyter warns (and warnings are errors in the tests) unless told to use the platform's dirs.
    environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")
    # Recorded outputs show 127.0.0.1 links; a JupyterHub's proxy links must not leak into them.
    environ.pop("JUPYTERHUB_SERVICE_PREFIX", None)
    # A learner's kernel is no CI machine: under CI=true pytest (run from chapter 13) explains a
    # failed assert differently, so the kernels get the environment a learner has.
    for name in ("CI", "BUILD_NUMBER"):
        environ.pop(name, None)


_SOCKETS: list[str] = []  # this process's folder for its kernels' socket files, made on first use


def socket_files(folder: str | None = None) -> dict[str, str]:
    """Return a kernel manager's settings that make it reach its kernel through socket files, where there are any.

    Over TCP, jupyter_client picks five free ports and the kernel binds them a moment later: a kernel
    or server of another process may take one in between, and the kernel dies with "Address already
    in use" before it answers (seen under ``pytest -n 4``). Files in a folder of this process's own
    cannot be taken: ``folder``, a kernel's own, or else one this process makes. Windows has no such
    sockets for ZeroMQ: there the settings stay TCP's.
    """
    if os.name != "posix":
        return {}
    if folder is not None:
        return {"transport": "ipc", "ip": os.path.join(folder, "k")}
    if not _SOCKETS:
        # Short, so that <folder>/k-<8 hex>-<port> fits a socket path's 107 bytes.
        _SOCKETS.append(tempfile.mkdtemp(prefix="tourapp-kernels-"))
        atexit.register(shutil.rmtree, _SOCKETS[0], ignore_errors=True)
    return {"transport": "ipc", "ip": os.path.join(_SOCKETS[0], f"k-{uuid.uuid4().hex[:8]}")}


class SocketFileKernelManager(KernelManager):
    """A kernel manager that reaches its kernel through socket files (:func:`socket_files`)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**{**socket_files(), **kwargs})


def sanitizers():
    """Read the (regex, replacement) pairs of tourapp/classroom/nbval_sanitize.cfg, in the order nbval applies them."""
    config = configparser.ConfigParser()
    config.read(SANITIZE_FILE)
    return [(re.compile(config[s]["regex"]), config[s]["replace"]) for s in config.sections()]


def sanitize(text, rules=None):
    """Mask what the sanitize file masks (dates, versions, ports)."""
    for regex, replacement in rules or sanitizers():
        text = regex.sub(replacement, text)
    return text


class AsRun(NotebookClient):
    """Record each cell's outputs as its run left them, as nbval sees them.

    A later cell may update an earlier display (the clean-up cell turns the served link into
    "stopped"); nbval compares every cell right after it runs, so the record must not apply that.
    """

    def _update_display_id(self, display_id, msg):
        pass


def normalize(nb):
    """Drop timestamps and version details, and mask dates and ports, so unchanged code records unchanged.

    The masks are those of tourapp/classroom/nbval_sanitize.cfg, which nbval applies to both sides anyway.
    """
    rules = sanitizers()
    nb.metadata = nbformat.from_dict({"kernelspec": KERNELSPEC, "language_info": {"name": "python"}})
    for index, cell in enumerate(nb.cells):
        cell.metadata.pop("execution", None)
        cell.setdefault("id", f"cell-{index}")
        if "outputs" in cell:
            cell.outputs = _joined_streams(cell.outputs)
        for output in cell.get("outputs", []):
            if "text" in output:
                output.text = sanitize(output.text, rules)
            for mime, value in output.get("data", {}).items():
                if isinstance(value, str) and not mime.startswith("image/"):
                    output.data[mime] = sanitize(value, rules)
                    if mime == "text/html":  # "<port>" would be read as a tag there
                        output.data[mime] = _escape_placeholders(output.data[mime])
    return nb


def _joined_streams(outputs):
    """Join consecutive pieces of one stream, as nbval does before comparing.

    A process's output reaches the kernel in pieces that fall differently on every run; joined,
    the same output records the same.
    """
    joined: list[nbformat.NotebookNode] = []
    for output in outputs:
        if (
            output.output_type == "stream"
            and joined
            and joined[-1].output_type == "stream"
            and joined[-1].name == output.name
        ):
            joined[-1].text += output.text
        else:
            joined.append(output)
    return joined


def _escape_placeholders(html):
    """Write the placeholders of an HTML output as text: twice escaped inside a frame's srcdoc."""
    html = _SRCDOC.sub(lambda m: _PLACEHOLDER.sub(r"&amp;lt;\1&amp;gt;", m.group(0)), html)
    return _PLACEHOLDER.sub(r"&lt;\1&gt;", html)
