"""Keep the learner's own copy of the workbook: the student edition, in my-notebooks/, never overwritten.

Usage: python -m tourapp.classroom.learner [--into DIR]            (make lab: write the chapters not there yet)
       python -m tourapp.classroom.learner [--into DIR] --refresh NN (make refresh NB=NN: a fresh copy of one)

``make lab`` (``python -m tourapp lab``) opens JupyterLab on this folder. A copy, once written, is the learner's: only a
refresh replaces it, and the old one moves to ``old/`` with the time in its name, so work is
never lost. The folder is git-ignored, so nothing a learner does touches a tracked file.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from ..chapters.paths import ROOT

__all__ = ["FOLDER", "SOURCES", "refresh", "write_missing"]

FOLDER = ROOT / "my-notebooks"
SOURCES = ROOT / "notebooks"
NOTE = """\
**Your copy** of `{source}`, made for you by `make lab` (or `python -m tourapp lab`). It is yours:
edit it, run it, break it; nothing overwrites it. Write your code where a cell says `# YOUR CODE HERE`, in place of
`raise NotImplementedError()`, run that cell, then run the check below it. To start this chapter
afresh, run `make refresh NB={chapter}` in a terminal (without make: `python -m tourapp refresh {chapter}`):
this copy moves to `my-notebooks/old/` and a new one takes its place."""


def write_missing(into: str | os.PathLike[str] = FOLDER, sources: str | os.PathLike[str] = SOURCES) -> list[Path]:
    """Write the learner's copy of each notebook that has none yet; return the paths written."""
    missing = [path for path in sorted(Path(sources).glob("*.ipynb")) if not (Path(into) / path.name).exists()]
    return [_write(path, into) for path in missing]  # nothing to write: nbformat is never imported


def refresh(
    chapter: str | int | os.PathLike[str],
    into: str | os.PathLike[str] = FOLDER,
    sources: str | os.PathLike[str] = SOURCES,
) -> tuple[Path | None, Path]:
    """Replace the learner's copy of one chapter by a fresh one; return (where the old one went or None, new).

    :param chapter: ``"01"``, ``"1"``, ``"01-hello"`` or a notebook's path.
    :raise ValueError: no notebook in ``sources`` is that chapter.
    """
    number = Path(str(chapter)).name[:2].rstrip("-")
    if not number.isdigit():
        raise ValueError(f"{chapter!r} names no chapter: give its number, e.g. NB=01")
    found = sorted(Path(sources).glob(f"{int(number):02d}-*.ipynb"))
    if not found:
        raise ValueError(f"there is no chapter {int(number):02d} in {Path(sources).name}/")
    source = found[0]
    current = Path(into) / source.name
    kept = None
    if current.exists():
        kept = Path(into) / "old" / f"{source.stem}.{time.strftime('%Y-%m-%d-%H%M%S')}.ipynb"
        kept.parent.mkdir(parents=True, exist_ok=True)
        while kept.exists():  # two refreshes within one second
            kept = kept.with_name(f"{kept.stem}-1.ipynb")
        current.rename(kept)
    return kept, _write(source, into)


def _write(source: Path, into: str | os.PathLike[str]) -> Path:
    from .editions import write_edition  # nbformat takes seconds to import: only when there is work

    return write_edition(source, into, NOTE.replace("{chapter}", source.name[:2]))


def _shown(path: str | os.PathLike[str]) -> str:
    resolved = Path(path).resolve()
    return resolved.relative_to(ROOT).as_posix() if resolved.is_relative_to(ROOT) else str(resolved)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tourapp.classroom.learner", description=(__doc__ or "").split("\n\n")[0]
    )
    parser.add_argument("--into", type=Path, default=FOLDER, help="the learner's folder (default: my-notebooks/)")
    parser.add_argument("--refresh", metavar="NN", help="replace the copy of chapter NN by a fresh one")
    args = parser.parse_args(argv)
    try:
        if args.refresh:
            kept, new = refresh(args.refresh, args.into)
            if kept:
                print(f"kept your old copy as {_shown(kept)}")
            print(f"wrote a fresh {_shown(new)}")
            return 0
        written = write_missing(args.into)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {_shown(path)}")
    folder = _shown(args.into)
    print(f"Your notebooks are in {folder}/: yours to change, never overwritten (python -m tourapp lab opens them).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
