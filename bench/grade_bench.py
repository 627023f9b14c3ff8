"""Grade a class of 30 chapter-01 submissions and print the wall time, against grading them one by one.

Usage: python bench/grade_bench.py [--students 30]

The class: a third right, a third the untouched student edition, a third partly right. The
30 are graded the way a teacher would, `python -m tourapp.grade` with its default kernels in
parallel (start-up included); a few are also graded one kernel at a time, in the same run, to
show what the parallel kernels buy. The issue's target: 30 submissions in under 60 s on 2 cores.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tourapp.grading import grade  # noqa: E402
from tourapp.student import student_edition  # noqa: E402

TARGET = 60  # seconds for 30 submissions


def make_class(folder, students):
    """Write ``students`` submissions: right, blank and partly right, in turn."""
    source = nbformat.read(ROOT / "notebooks" / "01-hello.ipynb", as_version=4)
    blank = student_edition(source, "notebooks/01-hello.ipynb")
    partly = nbformat.from_dict(blank)
    shout = next(cell for cell in partly.cells if "def shout_app" in cell.source)
    shout.source = shout.source.replace("# YOUR CODE HERE\n        raise NotImplementedError", 'return "HELLO THERE!"')
    kinds = [source, blank, partly]
    paths = []
    for number in range(students):
        path = folder / f"student{number + 1:02d}.ipynb"
        nbformat.write(kinds[number % 3], path)
        paths.append(path)
    return paths


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=30)
    args = parser.parse_args()
    os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = make_class(folder, args.students)

        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "tourapp.grade", *map(str, paths), "--out", str(folder / "scores.csv")],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        parallel = time.perf_counter() - started
        scores = (folder / "scores.csv").read_text().count(",1,")

        few = paths[:3]
        started = time.perf_counter()
        grade(few, jobs=1)
        serial = (time.perf_counter() - started) / len(few)

    n = args.students
    print(f"cpus: {os.cpu_count()}, students: {n}, exercises passed: {scores}")
    print(f"parallel (python -m tourapp.grade, default jobs): {parallel:.1f} s wall, {n / parallel:.2f} submissions/s")
    print(f"one kernel at a time: {serial:.2f} s per submission, so about {serial * n:.0f} s for {n}")
    print(f"speed-up of the parallel kernels: {serial * n / parallel:.1f}x")
    if n == 30:
        print(f"target: 30 in under {TARGET} s: {'met' if parallel < TARGET else 'MISSED'}")


if __name__ == "__main__":
    main()
