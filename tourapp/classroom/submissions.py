"""Run submitted notebooks in fresh kernels, side by side, and read back what their checks reported.

Each submission runs top to bottom in a kernel of its own, in an empty temporary folder, with a
time limit, and by default in a sandbox of its own (:mod:`tourapp.classroom.sandbox`). :class:`Graded`
keeps what it showed: every check's last result, and for an exercise without one, why (its
check cell is missing or raised, the notebook ran out of time before it, the file is not a
notebook).
"""

from __future__ import annotations

import asyncio
import atexit
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from ipykernel.kernelspec import RESOURCES, get_kernel_dict
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.v4 import new_output

from . import sandbox
from .bytecode import precompile
from .exercises import CHECK_CELL, MIMETYPE, Result, for_chapter, results_in
from .exercises.expect import describe

__all__ = ["Graded", "grade"]

OUTPUT_LIMIT = 2 * 2**20  # characters of output kept per notebook: the rest is not feedback

_KERNELS = set()  # the kernel managers of the notebooks running now


@dataclass
class Graded:
    """What one submission showed: its check results, and why it stopped early if it did."""

    student: str
    chapter: str | None = None
    results: dict[str, Result] = field(default_factory=dict)  # exercise id -> its last result
    # exercise id -> (index of its check cell, what it raised: "" if nothing, None if it never ran)
    check_cells: dict[str, tuple[int, str | None]] = field(default_factory=dict)
    first_error: tuple[int, str] | None = None  # the first cell that raised: (its index, a description)
    problem: str | None = None  # why the run stopped early, e.g. "cell 7 (…) ran past the 60 s limit"
    unreadable: bool = False  # not a notebook: nothing ran
    grader_error: bool = False  # the grader could not run it (no kernel): not the student's fault
    notebook: nbformat.NotebookNode | None = field(default=None, repr=False)  # as executed, for feedback

    def rows(self):
        """Return ``(exercise, passed, message)`` for every exercise of the chapter, in order."""
        if self.chapter is None:
            return [("*", False, self.problem or "could not tell which chapter this notebook is for")]
        exercises = for_chapter(self.chapter)
        if not exercises:
            return [("*", False, self.problem or f"chapter {self.chapter} has no exercises to grade")]
        return [self._row(ex.id) for ex in exercises]

    def _row(self, exercise):
        """Return the exercise's result, or the best reason why the notebook did not show one."""
        if exercise in self.results:
            result = self.results[exercise]
            return exercise, result.passed, result.message
        if self.unreadable or self.grader_error:
            return exercise, False, self.problem
        if exercise not in self.check_cells:
            return exercise, False, f'no result: the cell with check("{exercise}") is missing'
        index, error = self.check_cells[exercise]
        if error is None:
            return exercise, False, f"not reached: {self.problem or 'its check cell did not run'}"
        if not error:
            return exercise, False, "its check cell ran but reported nothing"
        message = f"its check cell raised {error}"
        if self.first_error and self.first_error[0] < index:  # the cause is often earlier
            message += f"; the first error was {self.first_error[1]}"
        return exercise, False, message


def grade(paths, *, timeout=60, jobs=None, chapter=None, executed=None, progress=None, sandboxed=True):
    """Grade notebooks side by side; return one :class:`Graded` per path, in the given order.

    :param timeout: seconds each notebook's cells may take in all.
    :param sandboxed: run each kernel in a sandbox (:mod:`tourapp.classroom.sandbox`); False runs the
        students' code with your rights.
    :raise RuntimeError: when ``sandboxed`` and sandboxes cannot run here.
    :param jobs: kernels at a time (default: two per CPU).
    :param chapter: the chapter every submission is for (default: each one's own metadata).
    :param executed: a folder to save each executed notebook to, as feedback for its student.
    :param progress: called with each :class:`Graded` as it finishes.
    """
    os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")  # jupyter_core warns without it
    if sandboxed and sandbox.unavailable():
        raise RuntimeError(f"cannot sandbox the kernels: {sandbox.unavailable()}")
    # A process may use CPU until a little after the notebook's own limit would have stopped it.
    limits = sandbox.Limits(cpu=int(timeout) + 30) if sandboxed else None
    jobs = jobs or 2 * (os.cpu_count() or 1)  # kernels often wait (start-up, requests): overlap them
    precompile()  # once, not in each kernel

    async def run_all():
        limit = asyncio.Semaphore(jobs)

        async def one(path, student):
            async with limit:
                try:
                    graded = await _grade_one(Path(path), student, timeout, executed, limits)
                except Exception as exc:  # a bug or a full disk here must not end the whole run
                    graded = Graded(student, problem=f"not graded: {_reason(exc)}", grader_error=True)
            if progress:
                progress(graded)
            return graded

        names = student_names(paths)
        return await asyncio.gather(*(one(path, name) for path, name in zip(paths, names, strict=True)))

    try:
        graded = asyncio.run(run_all())
    finally:
        _kill_kernels()  # after Ctrl-C: whatever is still running, process groups and all
    _settle_chapters(graded, chapter)
    return graded


_NBGRADER_FOLDERS = {"submitted", "autograded"}  # <folder>/<student>/<assignment>/<notebook>


def student_names(paths):
    """Name each submission's student: its file's name, or where those repeat, its own folder.

    nbgrader collects ``submitted/<student>/<assignment>/01-hello.ipynb``: every file has the
    same name there, and the student is the first folder in which the paths differ.
    """
    paths = [Path(path).absolute() for path in paths]
    if all(len(path.parts) > 4 and path.parts[-4] in _NBGRADER_FOLDERS for path in paths):
        return [path.parts[-3] for path in paths]
    stems = [path.stem for path in paths]
    if len(set(stems)) == len(stems):
        return stems
    common = Path(os.path.commonpath([path.parent for path in paths]))
    names = [path.relative_to(common).parts[0] if path.parent != common else path.stem for path in paths]
    if len(set(names)) == len(names):
        return names
    return ["-".join(path.relative_to(common).with_suffix("").parts) for path in paths]


async def _grade_one(path, student, timeout, executed, limits):
    """Run one submission in a fresh kernel and collect what its checks reported."""
    graded = Graded(student)
    try:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
    except Exception as exc:  # any file at all may be handed in
        graded.unreadable = True
        graded.problem = f"not a notebook: {_reason(exc)}"
        return graded
    graded.chapter = _chapter_of(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    graded.problem, graded.grader_error = await _execute(nb, timeout, limits)
    _collect(nb, graded)
    graded.notebook = nb
    if executed:
        Path(executed).mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, Path(executed) / f"{graded.student}.ipynb")
    return graded


async def _execute(nb, timeout, limits=None):
    """Execute a notebook in place in a fresh kernel; return (why it stopped early, grader's fault).

    :param limits: run the kernel in a sandbox with these :class:`~tourapp.classroom.sandbox.Limits`.
    """
    loop = asyncio.get_running_loop()
    state = {"deadline": None, "cell": None}

    def on_cell_execute(cell, cell_index):
        state["cell"] = cell_index
        if state["deadline"] is None:  # the limit counts from the first cell, not kernel start-up
            state["deadline"] = loop.time() + timeout
            # nbclient's Ctrl-C handler shuts one kernel down and carries on; a teacher means "stop".
            loop.remove_signal_handler(signal.SIGINT)

    def remaining(cell):
        return max(1, round(state["deadline"] - loop.time()))

    folder = sandbox.folder() if limits else tempfile.mkdtemp(prefix="tourapp-grade-")
    try:
        if limits:
            km = sandbox.SandboxedKernelManager(
                folder, limits, kernel_name="python3", kernel_spec_manager=_ThisPython()
            )
        else:
            km = AsyncKernelManager(kernel_name="python3", kernel_spec_manager=_ThisPython())
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
            # The kernel's own log (its start-up warnings) is not the student's output.
            async with asyncio.timeout(timeout + 90):
                await client.async_execute(cleanup_kc=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except (CellTimeoutError, TimeoutError):
            return _cell(nb, state["cell"], f"ran past the {timeout:g} s limit"), False
        except DeadKernelError:
            return _cell(nb, state["cell"], "stopped the kernel (it died)"), False
        except Exception as exc:
            if state["cell"] is None:
                return f"not graded: the kernel did not start ({_reason(exc)})", True
            return _cell(nb, state["cell"], f"broke the run ({_reason(exc)})"), False
        finally:
            if km.has_kernel:  # nbclient shuts its kernel down; make sure, process group and all
                await km.shutdown_kernel(now=True)
            _KERNELS.discard(km)
            # nbclient leaves its exit hook behind when the kernel died before answering; at exit
            # it would print a traceback about a kernel that is long gone.
            atexit.unregister(client._cleanup_kernel)
    finally:
        _remove(folder)
    return None, False


class _Client(NotebookClient):
    """A notebook client that keeps the first :data:`OUTPUT_LIMIT` characters of output."""

    def output(self, outs, msg, display_id, cell_index):
        """Keep an output while the notebook's budget lasts; check results always."""
        content = msg["content"]
        data = content.get("data") or {}
        # Counted without serialising: an output may be a hundred megabytes.
        size = (
            len(content.get("text", "")) + len(content.get("evalue", "")) + sum(map(len, content.get("traceback", [])))
        )
        size += sum(len(value) if isinstance(value, str) else len(json.dumps(value)) for value in data.values())
        if MIMETYPE in data and size < 10_000 or msg["msg_type"] == "error" and size < 100_000:
            return super().output(outs, msg, display_id, cell_index)
        used = getattr(self, "_output_used", 0)
        self._output_used = used + size
        if self._output_used <= OUTPUT_LIMIT:
            return super().output(outs, msg, display_id, cell_index)
        if used <= OUTPUT_LIMIT:  # say so once, where it happened
            note = (
                f"[the grader kept the first {OUTPUT_LIMIT // 2**20} MB of this notebook's output and dropped the "
                f"rest]\n"
            )
            outs.append(new_output("stream", name="stderr", text=note))
        return None


def _remove(folder):
    """Remove a kernel's folder, whatever modes its kernel left on the files in it."""

    def writable_again(function, path, _):
        os.chmod(os.path.dirname(path), 0o700)
        if os.path.isdir(path) and not os.path.islink(path):
            os.chmod(path, 0o700)
        function(path)

    # Python 3.12 renamed the hook (and warns about the old name); it is called the same way.
    shutil.rmtree(folder, **{"onexc" if sys.version_info >= (3, 12) else "onerror": writable_again})


def _kill_kernels():
    """Kill the process group of every kernel still running: the kernel and what it started."""
    for km in list(_KERNELS):
        pgid = getattr(km.provisioner, "pgid", None)
        if pgid:
            try:
                os.killpg(pgid, signal.SIGKILL)
            except OSError:  # already gone
                pass
        _KERNELS.discard(km)


def _collect(nb, graded):
    """Read the check results, and what each check cell did, from an executed notebook."""
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        error = next((out for out in cell.outputs if out.output_type == "error"), None)
        raised = f"{error.ename}: {error.evalue}" if error is not None else ""
        if error is not None and graded.first_error is None:
            graded.first_error = (index, _cell(nb, index, f"raising {raised}"))
        ran = cell.execution_count is not None or cell.outputs
        checks = CHECK_CELL.findall(cell.source)
        for exercise_id in checks:
            graded.check_cells[exercise_id] = (index, raised if ran else None)
        for result in results_in(cell.outputs) if checks else ():
            graded.results[result.exercise] = result


def _chapter_of(nb):
    """Tell which chapter a notebook is for: from the student edition's metadata, or its checks."""
    chapter = nb.metadata.get("flask_tour", {}).get("chapter")
    if chapter:
        return str(chapter)
    found = Counter(m[:2] for cell in nb.cells if cell.cell_type == "code" for m in CHECK_CELL.findall(cell.source))
    return found.most_common(1)[0][0] if found else None


def _settle_chapters(graded, chapter):
    """Apply ``--chapter``, or give unknown ones the chapter that all the others agree on."""
    known = {g.chapter for g in graded if g.chapter}
    for g in graded:
        if chapter:
            g.chapter = f"{int(chapter):02d}"
        elif g.chapter is None and len(known) == 1:
            g.chapter = next(iter(known))


def _cell(nb, index, what):
    """Name a cell for a message: its number (from 1) and its first line."""
    if index is None:
        return f"the notebook {what}"
    first = nb.cells[index].source.strip().splitlines()[0] if nb.cells[index].source.strip() else ""
    first = first if len(first) <= 40 else first[:39] + "…"
    return f"cell {index + 1} ({first}) {what}"


def _reason(exc):
    return describe(exc) if str(exc).strip() else type(exc).__name__


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

    def get_kernel_spec(self, kernel_name):
        spec = get_kernel_dict()
        python, *_ = spec["argv"]
        spec["argv"] = [python, "-c", _LAUNCHER, "-f", "{connection_file}", "--HistoryManager.enabled=False"]
        spec["metadata"] = {**spec.get("metadata", {}), "debugger": False}
        return self.kernel_spec_class(resource_dir=RESOURCES, **spec)
