"""Grade many submissions side by side, each in a kernel of its own, so many at a time."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import nbformat

from .. import sandbox
from ..bytecode import precompile
from .kernels import execute, kill_kernels
from .model import Graded, chapter_of, collect, reason

__all__ = ["grade", "student_names"]

_NBGRADER_FOLDERS = {"submitted", "autograded"}  # <folder>/<student>/<assignment>/<notebook>


def grade(
    paths: Sequence[str | os.PathLike[str]],
    *,
    timeout: float = 60,
    jobs: int | None = None,
    chapter: str | None = None,
    executed: str | os.PathLike[str] | None = None,
    progress: Callable[[Graded], object] | None = None,
    sandboxed: bool = True,
) -> list[Graded]:
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

    async def run_all() -> list[Graded]:
        limit = asyncio.Semaphore(jobs)

        async def one(path: str | os.PathLike[str], student: str) -> Graded:
            async with limit:
                try:
                    graded = await _grade_one(Path(path), student, timeout, executed, limits)
                except Exception as exc:  # a bug or a full disk here must not end the whole run
                    graded = Graded(student, problem=f"not graded: {reason(exc)}", grader_error=True)
            if progress:
                progress(graded)
            return graded

        names = student_names(paths)
        return await asyncio.gather(*(one(path, name) for path, name in zip(paths, names, strict=True)))

    try:
        graded = asyncio.run(run_all())
    finally:
        kill_kernels()  # after Ctrl-C: whatever is still running, process groups and all
    _settle_chapters(graded, chapter)
    return graded


def student_names(paths: Iterable[str | os.PathLike[str]]) -> list[str]:
    """Name each submission's student: its file's name, or where those repeat, its own folder.

    nbgrader collects ``submitted/<student>/<assignment>/01-hello.ipynb``: every file has the
    same name there, and the student is the first folder in which the paths differ.
    """
    absolute = [Path(path).absolute() for path in paths]
    if all(len(path.parts) > 4 and path.parts[-4] in _NBGRADER_FOLDERS for path in absolute):
        return [path.parts[-3] for path in absolute]
    stems = [path.stem for path in absolute]
    if len(set(stems)) == len(stems):
        return stems
    common = Path(os.path.commonpath([path.parent for path in absolute]))
    names = [path.relative_to(common).parts[0] if path.parent != common else path.stem for path in absolute]
    if len(set(names)) == len(names):
        return names
    return ["-".join(path.relative_to(common).with_suffix("").parts) for path in absolute]


async def _grade_one(
    path: Path, student: str, timeout: float, executed: str | os.PathLike[str] | None, limits: sandbox.Limits | None
) -> Graded:
    """Run one submission in a fresh kernel and collect what its checks reported."""
    graded = Graded(student)
    try:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
    except Exception as exc:  # any file at all may be handed in
        graded.unreadable = True
        graded.problem = f"not a notebook: {reason(exc)}"
        return graded
    graded.chapter = chapter_of(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    graded.problem, graded.grader_error = await execute(nb, timeout, limits)
    collect(nb, graded)
    graded.notebook = nb
    if executed:
        Path(executed).mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, Path(executed) / f"{graded.student}.ipynb")
    return graded


def _settle_chapters(graded: list[Graded], chapter: str | None) -> None:
    """Apply ``--chapter``, or give unknown ones the chapter that all the others agree on."""
    known = {g.chapter for g in graded if g.chapter}
    for g in graded:
        if chapter:
            g.chapter = f"{int(chapter):02d}"
        elif g.chapter is None and len(known) == 1:
            g.chapter = next(iter(known))
