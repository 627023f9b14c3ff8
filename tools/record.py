"""Re-execute notebooks in place, each in a fresh kernel, and strip metadata that churns.

Each notebook is marked for nbgrader first (tourapp.classroom.editions): a new exercise gets its
solution cell, its grade cell and its hidden test on its first record.

Usage: python tools/record.py [NOTEBOOK ...]   (default: every chapter's notebook, from the chapter map)
"""

import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
from jupyter_client.manager import AsyncKernelManager
from nbval.kernel import CURRENT_ENV_KERNEL_NAME, NbvalKernelspecManager

from tourapp.chapters import CHAPTERS
from tourapp.chapters.paths import ROOT
from tourapp.classroom.editions import mark
from tourapp.classroom.recording import AsRun, kernel_environment, normalize, socket_files


def record(path):
    """Execute one notebook top to bottom in a fresh kernel of this environment and save it."""
    path = Path(path).resolve()
    nb = nbformat.read(path, as_version=4)
    mark(nb)
    # The same kernel nbval uses (--nbval-current-env), so recorded and tested outputs agree.
    # Two notebooks at a time: their kernels talk through socket files, no TCP ports to race for.
    km = AsyncKernelManager(
        kernel_name=CURRENT_ENV_KERNEL_NAME, kernel_spec_manager=NbvalKernelspecManager(), **socket_files()
    )
    client = AsRun(nb, km=km, timeout=300, resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    nbformat.write(normalize(nb), path)
    return path.relative_to(ROOT).as_posix()


def main(argv):
    kernel_environment()  # the same kernel environment as the tests: hash seed, no hub prefix
    socket_files()  # the socket folder, made here: the workers share it and this process removes it
    paths = argv or [str(ROOT / chapter.notebook) for chapter in CHAPTERS]
    failed = 0
    with ProcessPoolExecutor(max_workers=2) as pool:
        for path, future in [(p, pool.submit(record, p)) for p in paths]:
            try:
                print(f"recorded {future.result()}")
            except Exception as exc:  # report every notebook, then fail
                failed += 1
                print(f"FAILED {path}: {type(exc).__name__}: {str(exc)[-2000:]}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
