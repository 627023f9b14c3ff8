"""Start JupyterLab as `jupyter lab` does, less the start-up work whose result Lab never uses.

`make lab-teacher` runs it with Lab's own options: `python tools/lab.py --port=8890` (the learner's
`make lab` is `python -m tourapp lab`, which does the same through `tourapp.classroom.lab.quicken`).
Measured on the second `make lab` (bench/start_bench.py), the two skips take Lab's start-up
from about 2.2 s of CPU to about 0.7 s; the server, its extensions and what the learner sees are
the same. `tourapp/classroom/lab.py` says what is skipped and why.
"""

import sys

from tourapp.classroom.lab import quicken

quicken()

from jupyterlab.labapp import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
