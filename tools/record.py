"""Re-execute notebooks in place, each in a fresh kernel, and strip metadata that churns.

Usage: python tools/record.py [NOTEBOOK ...]   (default: every notebook in notebooks/)
"""

import re
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbval.kernel import CURRENT_ENV_KERNEL_NAME, NbvalKernelspecManager

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
import conftest  # noqa: E402,F401  (the same kernel environment as the tests: hash seed, no hub prefix)
from support import sanitize, sanitizers  # noqa: E402  (the masks nbval applies)
_PLACEHOLDER = re.compile(r"<(date|etag|version|port|signed)>")
_SRCDOC = re.compile(r'srcdoc="[^"]*"')
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def record(path):
    """Execute one notebook top to bottom in a fresh kernel of this environment and save it."""
    path = Path(path).resolve()
    nb = nbformat.read(path, as_version=4)
    # The same kernel nbval uses (--nbval-current-env), so recorded and tested outputs agree.
    km = AsyncKernelManager(kernel_name=CURRENT_ENV_KERNEL_NAME, kernel_spec_manager=NbvalKernelspecManager())
    client = _AsRun(nb, km=km, timeout=300, resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    nbformat.write(normalize(nb), path)
    return path.relative_to(ROOT).as_posix()


def _escape_placeholders(html):
    """Write the placeholders of an HTML output as text: twice escaped inside a frame's srcdoc."""
    html = _SRCDOC.sub(lambda m: _PLACEHOLDER.sub(r"&amp;lt;\1&amp;gt;", m.group(0)), html)
    return _PLACEHOLDER.sub(r"&lt;\1&gt;", html)


class _AsRun(NotebookClient):
    """Record each cell's outputs as its run left them, as nbval sees them.

    A later cell may update an earlier display (the clean-up cell turns the served link into
    "stopped"); nbval compares every cell right after it runs, so the record must not apply that.
    """

    def _update_display_id(self, display_id, msg):
        pass


def normalize(nb):
    """Drop timestamps and version details, and mask dates and ports, so unchanged code records unchanged.

    The masks are those of tests/nbval_sanitize.cfg, which nbval applies to both sides anyway.
    """
    rules = sanitizers()
    nb.metadata = nbformat.from_dict({"kernelspec": KERNELSPEC, "language_info": {"name": "python"}})
    for index, cell in enumerate(nb.cells):
        cell.metadata.pop("execution", None)
        cell.setdefault("id", f"cell-{index}")
        for output in cell.get("outputs", []):
            if "text" in output:
                output.text = sanitize(output.text, rules)
            for mime, value in output.get("data", {}).items():
                if isinstance(value, str) and not mime.startswith("image/"):
                    output.data[mime] = sanitize(value, rules)
                    if mime == "text/html":  # "<port>" would be read as a tag there
                        output.data[mime] = _escape_placeholders(output.data[mime])
    return nb


def main(argv):
    paths = argv or sorted(str(p) for p in (ROOT / "notebooks").glob("*.ipynb"))
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
