"""Time the notebook suite as `make test` runs it, `pytest --nbval -n 4 --dist loadscope`, against
`jupyter nbconvert --execute` on the same notebooks one by one, side by side in one run."""

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def timed(command, **kwargs):
    start = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kwargs)
    return time.perf_counter() - start


def main():
    pytest = timed([BIN / "pytest", "--nbval", "-n", "4", "--dist", "loadscope", "notebooks/"])
    with tempfile.TemporaryDirectory() as out:
        nbconvert = sum(
            timed([BIN / "jupyter", "nbconvert", "--to", "notebook", "--execute", "--output-dir", out, str(nb)])
            for nb in NOTEBOOKS
        )
    print(
        f"{len(NOTEBOOKS)} notebooks   pytest --nbval -n 4: {pytest:5.1f} s   nbconvert one by one: "
        f"{nbconvert:5.1f} s   ratio {nbconvert / pytest:.1f}x  (goals: >= 2.5x, <= 30 s)"
    )


if __name__ == "__main__":
    main()
