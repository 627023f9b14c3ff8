"""Grade a class of 100 chapter-01 submissions in sandboxes, and the same class without, side by side.

Usage: python bench/grade_bench.py [--students 100]

The class: a third right, a third the untouched student edition, a third partly right. It is
graded the way a teacher would, `python -m tourapp.classroom.grade` with its default kernels in parallel
(start-up included): once with each kernel in its bubblewrap sandbox (the default), then once
with `--no-sandbox`, so the ratio is what the sandbox costs. The issue's target: 100 sandboxed
submissions in at most 60 s on 2 cores. The load average is printed too: on a shared machine the
wall times say more about the neighbours than about the grader, so the CPU time it took is
printed as well (each kernel reports its own in a last cell; the grader's is measured around it),
and what that CPU time would need on idle cores.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tourapp.classroom import sandbox  # noqa: E402
from tourapp.classroom.editions import student_edition  # noqa: E402

TARGET = 60  # seconds for 100 sandboxed submissions
CPU_CELL = (
    "import resource\nfor who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):\n    use = "
    "resource.getrusage(who)\n    print('cpu', use.ru_utime + use.ru_stime)"
)


def make_class(folder, students):
    """Write ``students`` submissions: right, blank and partly right, in turn."""
    source = nbformat.read(ROOT / "notebooks" / "01-hello.ipynb", as_version=4)
    blank = student_edition(source, "notebooks/01-hello.ipynb")
    partly = nbformat.from_dict(blank)
    shout = next(cell for cell in partly.cells if "def shout_app" in cell.source)
    placeholder = "# YOUR CODE HERE\n        raise NotImplementedError()"
    shout.source = shout.source.replace(placeholder, 'return "HELLO THERE!"')
    kinds = [source, blank, partly]
    for nb in kinds:  # the kernel's own CPU time, start-up included, read back by timed()
        nb.cells.append(nbformat.v4.new_code_cell(CPU_CELL))
    paths = []
    for number in range(students):
        path = folder / f"student{number + 1:03d}.ipynb"
        nbformat.write(kinds[number % 3], path)
        paths.append(path)
    return paths


def timed(paths, folder, *options):
    """Grade the class with the command; return wall time, CPU time of kernels and grader, exercises passed."""
    out, executed = folder / "scores.csv", folder / "executed"
    before = os.times()
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "tourapp.classroom.grade",
            *map(str, paths),
            "--out",
            str(out),
            "--executed",
            str(executed),
            *options,
        ],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - started
    after = os.times()
    kernels = sum(
        float(line.split()[1]) for nb in executed.glob("*.ipynb") for line in _printed(nb) if line.startswith("cpu ")
    )
    # The grader's children are counted once they are reaped: unsandboxed kernels are, sandboxed
    # ones die with their sandbox unseen.
    children = after.children_user + after.children_system - before.children_user - before.children_system
    grader = children - kernels if "--no-sandbox" in options else children
    passed = out.read_text().count(",1,")
    shutil.rmtree(executed)
    return wall, kernels, grader, passed


def _printed(path):
    """Return the lines the notebook's last cell printed."""
    cell = nbformat.read(path, as_version=4).cells[-1]
    return "".join(out.get("text", "") for out in cell.outputs).splitlines()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=100)
    args = parser.parse_args()
    reason = sandbox.unavailable()
    if reason:
        print(f"no sandbox here ({reason}): nothing to compare")
        return
    n = args.students
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = make_class(folder, n)
        load = os.getloadavg()[0]
        runs = {
            "sandboxed (default)": timed(paths, folder),
            "unsandboxed (--no-sandbox)": timed(paths, folder, "--no-sandbox"),
        }
    cores = os.cpu_count()
    print(f"cpus: {cores}, students: {n}, load average before: {load:.1f}, after: {os.getloadavg()[0]:.1f}")
    for name, (wall, kernels, grader, passed) in runs.items():
        cpu = kernels + grader
        print(
            f"{name}: {wall:.1f} s wall ({wall / n:.2f} s per submission), {passed} exercises passed; "
            f"CPU {cpu / n:.2f} s per submission (kernel {kernels / n:.2f}, grader {grader / n:.2f}), "
            f"{cpu / cores:.0f} s of work for {cores} idle cores"
        )
    (boxed, *_), (bare, *_) = runs.values()
    print(f"the sandbox takes {boxed / bare:.2f}x the unsandboxed wall time")
    if n == 100:
        print(
            f"target: 100 sandboxed in at most {TARGET} s: {'met' if boxed <= TARGET else 'MISSED'} "
            f"(wall time, on a machine with load {load:.0f})"
        )


if __name__ == "__main__":
    main()
