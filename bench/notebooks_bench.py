"""Time the notebook suite as `make test` runs it, `pytest --nbval -n 4` (pyproject's options), against
`jupyter nbconvert --execute` on the same notebooks one by one, side by side in one run."""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
# Both sides keep their compiled bytecode as `make test` does (COMPILED in the Makefile), even
# where PYTHONDONTWRITEBYTECODE is set: neither pays for compiling the same modules again.
ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
ENV["PYTHONPYCACHEPREFIX"] = str(Path(sys.prefix) / "pycache")


def timed(command):
    start = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main():
    pytest = timed([BIN / "pytest", "--nbval", "notebooks/"])  # -n 4 and the rest: pyproject's addopts
    with tempfile.TemporaryDirectory() as out:
        nbconvert = sum(
            timed([BIN / "jupyter", "nbconvert", "--to", "notebook", "--execute", "--output-dir", out, str(nb)])
            for nb in NOTEBOOKS
        )
    print(
        f"{len(NOTEBOOKS)} notebooks   pytest --nbval -n 4: {pytest:5.1f} s   nbconvert one by one: "
        f"{nbconvert:5.1f} s   ratio {nbconvert / pytest:.1f}x  (goals: >= 3x, <= 30 s)"
    )


if __name__ == "__main__":
    main()
