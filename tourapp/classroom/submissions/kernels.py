"""Start a kernel made for grading, sandboxed or not, and run one notebook in it with a time limit."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable
from typing import Any

import nbformat
from ipykernel.kernelspec import RESOURCES, get_kernel_dict
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.v4 import new_output

from .. import sandbox
from ..exercises import MIMETYPE
from ..recording import socket_files
from .model import name_cell, reason

__all__ = ["OUTPUT_LIMIT", "execute", "kill_kernels"]

OUTPUT_LIMIT = 2 * 2**20  # characters of output kept per notebook: the rest is not feedback

_KERNELS: set[AsyncKernelManager] = set()  # the kernel managers of the notebooks running now


async def execute(
    nb: nbformat.NotebookNode, timeout: float, limits: sandbox.Limits | None = None
) -> tuple[str | None, bool]:
    """Execute a notebook in place in a fresh kernel; return (why it stopped early, grader's fault).

    :param timeout: seconds the notebook's cells may take in all, counted from the first cell.
    :param limits: run the kernel in a sandbox with these :class:`~tourapp.classroom.sandbox.Limits`.
    """
    loop = asyncio.get_running_loop()
    state: dict[str, Any] = {"deadline": None, "cell": None}

    def on_cell_execute(cell: nbformat.NotebookNode, cell_index: int) -> None:
        state["cell"] = cell_index
        if state["deadline"] is None:  # the limit counts from the first cell, not kernel start-up
            state["deadline"] = loop.time() + timeout
            # nbclient's Ctrl-C handler shuts one kernel down and carries on; a teacher means "stop".
            loop.remove_signal_handler(signal.SIGINT)

    def remaining(cell: nbformat.NotebookNode) -> int:
        return max(1, round(state["deadline"] - loop.time()))

    folder = sandbox.folder() if limits else tempfile.mkdtemp(prefix="tourapp-grade-")
    try:
        km: AsyncKernelManager
        if limits:
            km = sandbox.SandboxedKernelManager(
                folder, limits, kernel_name="python3", kernel_spec_manager=_ThisPython()
            )
        else:
            # Socket files in the submission's folder, as in the sandbox: kernels run side by side.
            km = AsyncKernelManager(kernel_name="python3", kernel_spec_manager=_ThisPython(), **socket_files(folder))
        _KERNELS.add(km)
        client = _Client(
            nb,
            km=km,
            allow_errors=True,
            timeout_func=remaining,
            shutdown_kernel="immediate",
            on_cell_execute=on_cell_execute,
            resources={"metadata": {"path": folder}},
        )
        try:
            # A backstop over nbclient's per-cell limit, for a kernel that never starts or answers.
            async with asyncio.timeout(timeout + 90):
                await _run(client)
        except (CellTimeoutError, TimeoutError):
            return name_cell(nb, state["cell"], f"ran past the {timeout:g} s limit"), False
        except DeadKernelError:
            return name_cell(nb, state["cell"], "stopped the kernel (it died)"), False
        except Exception as exc:
            if state["cell"] is None:
                return f"not graded: the kernel did not start ({reason(exc)})", True
            return name_cell(nb, state["cell"], f"broke the run ({reason(exc)})"), False
        finally:
            if km.has_kernel:  # nbclient shuts its kernel down; make sure, process group and all
                await km.shutdown_kernel(now=True)
            _KERNELS.discard(km)
    finally:
        _remove(folder)
    return None, False


async def _run(client: NotebookClient) -> None:
    """Start the client's kernel, then run its notebook in it.

    Started first through nbclient's public methods, not by ``async_execute``: that one registers
    an exit hook before it starts a kernel and drops the hook only once the notebook ran (nbclient
    0.8 to 0.11), so a kernel that failed to start left a traceback about itself at exit.
    """
    # The kernel's own log (its start-up warnings) is not the student's output.
    await client.async_start_new_kernel(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    await client.async_start_new_kernel_client()
    await client.async_execute(cleanup_kc=True)


class _Client(NotebookClient):
    """A notebook client that keeps the first :data:`OUTPUT_LIMIT` characters of output."""

    output_used = 0  # characters of output seen so far, kept or not

    def reset_execution_trackers(self) -> None:
        """Start counting the output afresh with each run, as nbclient does its own trackers."""
        super().reset_execution_trackers()
        self.output_used = 0

    def output(
        self, outs: list[nbformat.NotebookNode], msg: dict[str, Any], display_id: Any, cell_index: int
    ) -> nbformat.NotebookNode | None:
        """Keep an output while the notebook's budget lasts; check results always."""
        # display_id is a str or None; nbclient before 0.10 annotates it str, so Any suits both.
        content = msg["content"]
        data = content.get("data") or {}
        # Counted without serialising: an output may be a hundred megabytes.
        size = (
            len(content.get("text", "")) + len(content.get("evalue", "")) + sum(map(len, content.get("traceback", [])))
        )
        size += sum(len(value) if isinstance(value, str) else len(json.dumps(value)) for value in data.values())
        if MIMETYPE in data and size < 10_000 or msg["msg_type"] == "error" and size < 100_000:
            return super().output(outs, msg, display_id, cell_index)
        used = self.output_used
        self.output_used = used + size
        if self.output_used <= OUTPUT_LIMIT:
            return super().output(outs, msg, display_id, cell_index)
        if used <= OUTPUT_LIMIT:  # say so once, where it happened
            note = (
                f"[the grader kept the first {OUTPUT_LIMIT // 2**20} MB of this notebook's output and dropped the "
                f"rest]\n"
            )
            outs.append(new_output("stream", name="stderr", text=note))
        return None


def _remove(folder: str) -> None:
    """Remove a kernel's folder, whatever modes its kernel left on the files in it."""

    def writable_again(function: Callable[[str], object], path: str, _: object) -> None:
        os.chmod(os.path.dirname(path), 0o700)
        if os.path.isdir(path) and not os.path.islink(path):
            os.chmod(path, 0o700)
        function(path)

    # Python 3.12 renamed the hook (and warns about the old name); it is called the same way.
    if sys.version_info >= (3, 12):
        shutil.rmtree(folder, onexc=writable_again)
    else:
        shutil.rmtree(folder, onerror=writable_again)


def kill_kernels() -> None:
    """Kill the process group of every kernel still running: the kernel and what it started."""
    for km in list(_KERNELS):
        pgid = getattr(km.provisioner, "pgid", None)  # jupyter_client's LocalProvisioner has one
        if pgid:
            try:
                os.killpg(pgid, signal.SIGKILL)
            except OSError:  # already gone
                pass
        _KERNELS.discard(km)


# The kernel as ipykernel_launcher starts it, less what only an interactive session uses: the
# debugger (importing debugpy is a third of the kernel's start-up) and the SQLite history of
# what was typed. Blocking debugpy's import is how ipykernel runs where debugpy is not installed.
_LAUNCHER = """
import sys
if sys.path[0] in ("", __import__("os").getcwd()):  # the kernel adds it back (ipykernel_launcher)
    del sys.path[0]
sys.modules["debugpy"] = None
from ipykernel import kernelapp
kernelapp.launch_new_instance()
"""


class _ThisPython(KernelSpecManager):
    """Offer one kernel, this interpreter's, made for grading, whatever kernels Jupyter has installed."""

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        """Return this interpreter's kernel, whatever the name asked for."""
        spec = get_kernel_dict()
        python, *_ = spec["argv"]
        spec["argv"] = [python, "-c", _LAUNCHER, "-f", "{connection_file}", "--HistoryManager.enabled=False"]
        spec["metadata"] = {**spec.get("metadata", {}), "debugger": False}
        return self.kernel_spec_class(resource_dir=RESOURCES, **spec)
