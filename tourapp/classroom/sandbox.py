"""Start a submission's kernel in a bubblewrap sandbox of its own, with limits on what it may use.

The sandbox sees the system (``/usr``, ``/etc``) and the Python it runs on read-only, the
workbook's package (with the chapters' templates, static files and data) read-only, and one empty folder
it may write to, which also holds the kernel's connection file and IPC sockets. Nothing else of
the machine is there: no home folders, no other submission, no network but its own loopback.
:class:`SandboxedKernelManager` is a jupyter_client kernel manager that wraps the kernel's
command in ``bwrap``; :func:`unavailable` tells why it cannot run on this machine, if it cannot.
"""

from __future__ import annotations

import functools
import os
import random
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager

from ..chapters.paths import ROOT

__all__ = ["Limits", "SandboxedKernelManager", "folder", "unavailable", "wrap"]

# The read-only parts of the workbook a notebook uses; the rest of the checkout stays hidden.
WORKBOOK = ("tourapp",)
SYSTEM = ("/usr", "/etc")
MERGED_USR = ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")  # links into /usr, or folders
# As root, each kernel runs as a user id of its own, unknown to the system, so that the process
# limit counts only that sandbox's processes (root's own limit is never enforced). The range is
# above the ones systemd and rootless containers hand out.
_UIDS = (0x7000_0000, 0x7FFE_0000)
MiB = 2**20


@dataclass(frozen=True)
class Limits:
    """What one sandboxed kernel may use; each is a resource limit (``man prlimit``)."""

    # Memory of each process: what it writes to (heap, stacks) and all it maps. A kernel serving
    # chapter 10's app peaks near 210 MB of data and 420 MB mapped.
    memory: int = 512 * MiB
    address_space: int = 1024 * MiB
    processes: int = 64  # processes and threads at once: a kernel has 11, a served app one per request
    cpu: int = 120  # seconds of CPU time of each process: the wall-clock limit usually comes first
    file_size: int = 64 * MiB  # the largest file it may write
    open_files: int = 256
    tmp: int = 16 * MiB  # the size of its private /tmp

    def prlimit(self) -> list[str]:
        """Return the ``prlimit`` command line that applies these limits, up to its ``--``."""
        return [
            "prlimit",
            f"--data={self.memory}",
            f"--as={self.address_space}",
            f"--nproc={self.processes}",
            f"--cpu={self.cpu}",
            f"--fsize={self.file_size}",
            f"--nofile={self.open_files}",
            "--core=0",
            "--",
        ]


@functools.cache
def unavailable() -> str | None:
    """Return why sandboxes cannot run here (no bwrap, no namespaces), or None when they can."""
    if not sys.platform.startswith("linux"):
        return f"bubblewrap sandboxes need Linux, and this is {sys.platform}"
    if not shutil.which("bwrap"):
        return "bubblewrap (bwrap) is not installed: apt-get install bubblewrap (or your distribution's package)"
    if not shutil.which("prlimit"):
        return "prlimit (util-linux) is not installed"
    probe = subprocess.run(
        ["bwrap", "--ro-bind", "/", "/", "--unshare-pid", "--unshare-net", "true"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    if probe.returncode:
        return f"bwrap cannot create a sandbox here ({probe.stderr.strip() or f'exit status {probe.returncode}'})"
    return None


def folder() -> str:
    """Make an empty folder for one sandbox, with a short path: IPC socket paths must fit 107 bytes."""
    base = "/tmp" if os.access("/tmp", os.W_OK) else None
    return tempfile.mkdtemp(prefix="tg-", dir=base)


def wrap(
    argv: Iterable[str], work: str | os.PathLike[str], limits: Limits = Limits(), uid: int | None = None
) -> list[str]:
    """Return ``argv`` wrapped to run in a sandbox whose one writable folder is ``work``.

    :param uid: run as this user id inside (root only: see ``_UIDS``); None keeps the caller's.
    """
    work = str(work)
    args = ["bwrap"]
    for path in SYSTEM:
        args += ["--ro-bind", path, path]
    for path in MERGED_USR:
        if os.path.islink(path):
            args += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            args += ["--ro-bind", path, path]
    args += ["--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--size", str(limits.tmp), "--tmpfs", "/tmp"]
    # Python and its packages may live anywhere (a pyenv in a home folder, a venv in the checkout),
    # each bound after the tmpfs above so that none of them is hidden by it.
    binds = _python_folders() + [str(ROOT / name) for name in WORKBOOK if (ROOT / name).is_dir()]
    binds = [path for path in binds if not _in_system(path)]  # those are there already
    # Flask keeps an app's instance files (chapter 10's database) in the checkout's instance/:
    # in the sandbox that is a folder inside its own.
    instance = [] if _in_system(str(ROOT)) else [(os.path.join(work, "instance"), str(ROOT / "instance"))]
    # bwrap would make the folders leading to them as private as the originals (/root is 0700).
    leading = {str(p) for path in [*binds, work, *(dest for _, dest in instance)] for p in Path(path).parents}
    for parent in sorted(leading, key=len):
        if parent not in ("/", "/tmp") and not _in_system(parent):
            args += ["--perms", "0755", "--dir", parent]
    for path in binds:
        args += ["--ro-bind", path, path]
    args += ["--bind", work, work, "--chdir", work]
    for source, dest in instance:
        args += ["--bind", source, dest]
    args += ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
    args += ["--hostname", "sandbox", "--die-with-parent", "--new-session"]
    args += ["--clearenv"]
    for name, value in _environment(work).items():
        args += ["--setenv", name, value]
    args += ["--", *limits.prlimit()]
    if uid is not None:
        args += [
            "setpriv",
            f"--reuid={uid}",
            f"--regid={uid}",
            "--clear-groups",
            "--inh-caps=-all",
            "--bounding-set=-all",
            "--no-new-privs",
            "--",
        ]
    return args + list(argv)


def _in_system(path: str) -> bool:
    """Tell whether a path is inside the system folders the sandbox sees anyway."""
    real = os.path.realpath(path)
    return any(p == top or p.startswith(top + "/") for p in (path, real) for top in SYSTEM)


def _python_folders() -> list[str]:
    """Return the folders this Python needs: its installation and its venv."""
    folders = []
    for path in {sys.base_prefix, sys.prefix, str(Path(sys.executable).resolve().parent.parent)}:
        folders.append(os.path.realpath(path))
    # The outer folder first: binding a venv inside a pyenv must come after the pyenv itself.
    return sorted(set(folders), key=len)


def _environment(work: str) -> dict[str, str]:
    """Return the kernel's whole environment: nothing of the grader's (tokens, hub variables)."""
    path = os.pathsep.join([str(Path(sys.executable).parent), "/usr/local/bin", "/usr/bin", "/bin"])
    return {
        "PATH": path,
        "HOME": work,
        "TMPDIR": work,
        "USER": "student",
        "LANG": "C.UTF-8",
        "JUPYTER_PLATFORM_DIRS": "1",
        "PYTHONNOUSERSITE": "1",
        # Fewer malloc arenas: less address space per thread, so the memory limit measures use.
        "MALLOC_ARENA_MAX": "2",
    }


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernel runs sandboxed and talks over IPC sockets in its folder."""

    def __init__(self, work: str | os.PathLike[str], limits: Limits = Limits(), **kwargs: Any) -> None:
        kwargs.setdefault("transport", "ipc")
        kwargs.setdefault("ip", os.path.join(work, "k"))  # the sockets: <work>/k-1, k-2, …
        kwargs.setdefault("connection_file", os.path.join(work, "kernel.json"))
        super().__init__(**kwargs)
        self.work, self.limits = str(work), limits
        self.uid = random.randrange(*_UIDS) if hasattr(os, "geteuid") and os.geteuid() == 0 else None

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        """Return the kernel's command, wrapped in its sandbox."""
        instance = os.path.join(self.work, "instance")
        os.makedirs(instance, exist_ok=True)
        if self.uid is not None:
            # jupyter_client has just written the connection file, readable by us alone: hand the
            # folders and the file to the kernel's own user id.
            for path in (self.work, instance, self.connection_file):
                os.chown(path, self.uid, self.uid)
        return wrap(super().format_kernel_cmd(extra_arguments), self.work, self.limits, self.uid)
