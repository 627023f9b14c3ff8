"""Grade submitted notebooks: run each in a fresh kernel, collect its check results, write a CSV.

Usage: python -m tourapp.classroom.grade SUBMISSION.ipynb ... [--out scores.csv] [--chapter NN]
       [--timeout SECONDS] [--jobs N] [--executed DIR] [--feedback DIR] [--no-sandbox]

Each submission runs top to bottom in a kernel of its own, in a bubblewrap sandbox (see
:mod:`tourapp.classroom.submissions` and :mod:`tourapp.classroom.sandbox`); every exercise of its chapter gets one CSV
row ``student,exercise,passed,message``, the student being the file's name. A progress bar and a
summary table go to the terminal. Without bubblewrap the grader refuses to run, unless told
``--no-sandbox``: then the students' code runs with your rights.
"""

import argparse
import asyncio
import csv
import os
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from . import sandbox
from .exercises import for_chapter
from .feedback import write_feedback
from .submissions import Graded, grade

__all__ = ["Progress", "main", "table", "write_csv"]


def write_csv(graded: Sequence[Graded], out: str | os.PathLike[str]) -> None:
    """Write ``student,exercise,passed,message`` rows, one per student and exercise."""
    with open(out, "w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["student", "exercise", "passed", "message"])
        for g in graded:
            for exercise, passed, message in g.rows():
                writer.writerow([g.student, exercise, int(passed), message])


def table(graded: Sequence[Graded]) -> str:
    """Return a summary table: a row per student, a column per exercise, a score."""
    marks = {"passed": "✓", "failed": "✗", "not done": "·"}
    chapters = sorted({g.chapter or "?" for g in graded})
    width = max([len("passed by"), *(len(g.student) for g in graded)])
    blocks = []
    for chapter in chapters:
        group = [g for g in graded if (g.chapter or "?") == chapter]
        ids = [ex.id for ex in for_chapter(chapter)] if chapter != "?" else []
        lines = [f"{'student':<{width}}  " + "  ".join(f"{i:^4}" for i in ids) + "  score"]
        totals: Counter[str] = Counter()
        for g in group:
            rows = g.rows()
            cells = [marks[g.results[e].status] if e in g.results else "·" for e, _, _ in rows]
            totals.update(e for e, passed, _ in rows if passed)
            score = sum(passed for _, passed, _ in rows)
            lines.append(
                f"{g.student:<{width}}  " + "  ".join(f"{c:^4}" for c in cells[: len(ids)]) + f"  {score}/{len(ids)}"
            )
        lines.append(f"{'passed by':<{width}}  " + "  ".join(f"{totals[i]:^4}" for i in ids) + f"  of {len(group)}")
        blocks.append(f"chapter {chapter}\n" + "\n".join(lines))
    return "\n\n".join(blocks) + "\n✓ passed  ✗ failed  · not done or not shown (see the CSV for why)"


class Progress:
    """A progress bar on stderr: redrawn in place on a terminal, a line per submission otherwise."""

    def __init__(self, total: int, stream: TextIO = sys.stderr, width: int = 30) -> None:
        self.total, self.done, self.stream, self.width = total, 0, stream, width
        self.tty = stream.isatty()

    def __call__(self, graded: Graded) -> None:
        self.done += 1
        filled = round(self.width * self.done / self.total)
        score = sum(passed for _, passed, _ in graded.rows())
        line = f"[{'#' * filled}{'-' * (self.width - filled)}] {self.done}/{self.total} {graded.student}: {score}"
        if self.tty:
            self.stream.write(f"\r\x1b[K{line}" + ("\n" if self.done == self.total else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tourapp.classroom.grade", description=(__doc__ or "").split("\n\n")[0]
    )
    parser.add_argument("submissions", nargs="+", type=Path, help="the students' notebooks")
    parser.add_argument("--out", type=Path, default=Path("scores.csv"), help="CSV to write (default: scores.csv)")
    parser.add_argument("--chapter", help="the chapter all submissions are for, e.g. 01 (default: from each notebook)")
    parser.add_argument("--timeout", type=float, default=60, help="seconds each notebook may run (default: 60)")
    parser.add_argument("--jobs", type=int, help="kernels at a time (default: two per CPU)")
    parser.add_argument("--executed", type=Path, help="also save each executed notebook here, as feedback")
    parser.add_argument("--feedback", type=Path, help="write an HTML page per student and one for the class here")
    parser.add_argument(
        "--no-sandbox",
        dest="sandboxed",
        action="store_false",
        help="run the kernels without a sandbox, with your rights (where bubblewrap is missing)",
    )
    args = parser.parse_args(argv)
    # The first line says how the students' code runs, before any of it does.
    reason = sandbox.unavailable()
    if args.sandboxed and reason:
        print(
            f"not sandboxed: {reason}.\nRefusing to run the students' code with your rights; "
            "install bubblewrap, or pass --no-sandbox to run it anyway.",
            file=sys.stderr,
        )
        return 2
    if args.sandboxed:
        print(
            "sandboxed: each kernel in a bubblewrap sandbox of its own (no network, no home, limits)", file=sys.stderr
        )
    else:
        print(
            f"not sandboxed (--no-sandbox): the students' code runs with your rights{f'; {reason}' if reason else ''}",
            file=sys.stderr,
        )
    try:
        graded = grade(
            args.submissions,
            timeout=args.timeout,
            jobs=args.jobs,
            chapter=args.chapter,
            executed=args.executed,
            progress=Progress(len(args.submissions)),
            sandboxed=args.sandboxed,
        )
    except (KeyboardInterrupt, asyncio.CancelledError):  # the kernels are shut down on the way out
        print("\ninterrupted: no scores written", file=sys.stderr)
        return 130
    write_csv(graded, args.out)
    print(table(graded))
    print(f"wrote {args.out}")
    if args.feedback:
        print(f"wrote {write_feedback(graded, args.feedback)} and a page per student")
    failed = [g.student for g in graded if g.grader_error]
    if failed:
        print(f"could not grade: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
