"""Start JupyterLab as `jupyter lab` does, less the start-up work whose result Lab never uses.

`make lab` and `make lab-teacher` run it with Lab's own options: `python tools/lab.py --port=8890`.
Measured on the second `make lab` (bench/start_bench.py), the two skips below take Lab's start-up
from about 2.2 s of CPU to about 0.7 s; the server, its extensions and what the learner sees are
the same.
"""

import sys

# jsonschema checks the "iri" and "iri-reference" formats with rfc3987_syntax when it is installed
# (jupyter-events asks for it), which builds its Lark parsers as it is imported: about 1.2 s of
# CPU, more than half of Lab's start-up, for two formats that no Jupyter schema uses
# (python-jsonschema/jsonschema#1428). Marked missing here, jsonschema leaves those two formats
# unchecked in Lab's own process; kernels and terminals are other processes and still have it.
sys.modules["rfc3987_syntax"] = None

from jupyterlab import commands  # noqa: E402

# As labapp is imported, JupyterLab asks its bundled yarn (`node yarn.js config --json`) for an
# npm registry whenever node is on PATH: another 0.4-0.6 s of CPU. That yarn (3.x) answers in a
# format this JupyterLab does not read, so the answer is always "nothing set" and Lab takes its
# default registry; answer that without starting node.
commands._yarn_config = lambda logger: {"yarn config": {}, "npm config": {}}

from jupyterlab.labapp import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
