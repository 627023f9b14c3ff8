"""Rewrite the flat package's old module names to the three rooms' new ones, in the files named.

    python tools/migrate_imports.py notebooks/*.ipynb README.md Makefile

``tourapp.db`` becomes ``tourapp.chapters.db``, ``tests/test_01_hello.py`` becomes
``tests/chapters/test_01_hello.py``, ``python -m tourapp.grade`` becomes ``python -m
tourapp.classroom.grade``, ``from tourapp import postgres, serve`` becomes two imports, and the
file paths ``tourapp/server.py`` likewise. Notebooks are rewritten cell by cell and written back
as nbformat writes them; their outputs are left for ``make record``. Running it twice changes
nothing the second time.
"""

import json
import re
import sys
from pathlib import Path

# Old module (under tourapp.) -> its room. Only what moved: tourapp.chapters.<app> did not.
MOVED = {
    **dict.fromkeys(["server", "display", "proxy", "platforms", "terminal"], "notebook"),
    **dict.fromkeys(["paths", "db", "postgres", "processes", "loadtest", "lifecycle"], "chapters"),
    **dict.fromkeys(
        ["exercises", "grade", "submissions", "sandbox", "feedback", "student_edition", "nbgrader_cells", "learner"]
        + ["bytecode", "recording", "handout", "lab"],
        "classroom",
    ),
}

# Old test files and test helpers -> their new paths (tests/test_NN_slug.py went to tests/chapters/).
_TEST_ROOMS = {
    **dict.fromkeys(["server", "display", "proxy", "platforms", "lifecycle", "colab"], "notebook"),
    **dict.fromkeys(["hostile"], "chapters"),
    **dict.fromkeys(
        ["classroom", "check_cells", "editions", "grade", "grade_sandbox", "grade_startup", "nbgrader", "learner_path"],
        "classroom",
    ),
    **dict.fromkeys(["classic_mistakes"], "classroom"),
    **dict.fromkeys(
        ["browser", "jupyterlab", "hub", "lab_editions", "make_lab", "binder", "wheel", "accessibility"]
        + ["learner_lab", "spaces"],
        "e2e",
    ),
    **dict.fromkeys(["notebooks", "rerun", "environment", "imports", "devcontainer", "docs"], "workbook"),
}
PATHS = {
    "tests/nbval_sanitize.cfg": "tourapp/classroom/nbval_sanitize.cfg",
    "tests/support.py": "tests/helpers/support.py",
    "tests/e2e.py": "tests/helpers/e2e.py",
    "tests/hub.py": "tools/hub_launcher.py",
    **{f"tests/test_{name}.py": f"tests/{room}/test_{name}.py" for name, room in _TEST_ROOMS.items()},
}
_PATHS = re.compile(r"(?<![\w/])(" + "|".join(map(re.escape, PATHS)) + r"|tests/test_(\d\d_\w+)\.py)")

_DOTTED = re.compile(r"(?<![\w.])tourapp\.(" + "|".join(MOVED) + r")\b")
_SLASHED = re.compile(r"(?<![\w/])tourapp/(" + "|".join(MOVED) + r")(?=\.py\b|/)")
# `from tourapp import check, postgres, serve` (names on one line, maybe an alias or a comment)
_FROM_TOP = re.compile(r"^(?P<indent>[ \t]*)from tourapp import (?P<names>[\w, ]+?)(?P<tail>[ \t]*(#.*)?)$", re.M)


def _split_top_import(match):
    """Split ``from tourapp import …`` into the names tourapp still has and one import per room."""
    names = [name.strip() for name in match["names"].split(",") if name.strip()]
    if not any(name in MOVED for name in names):
        return match[0]
    indent = match["indent"]
    kept = [name for name in names if name not in MOVED]
    rooms = {}
    for name in names:
        if name in MOVED:
            rooms.setdefault(MOVED[name], []).append(name)
    lines = [f"{indent}from tourapp import {', '.join(kept)}{match['tail']}"] if kept else []
    lines += [f"{indent}from tourapp.{room} import {', '.join(moved)}" for room, moved in sorted(rooms.items())]
    if not kept and match["tail"]:
        lines[0] += match["tail"]
    return "\n".join(lines)


def migrate(text):
    """Return ``text`` with every old name replaced by the new one."""
    text = _FROM_TOP.sub(_split_top_import, text)
    text = _PATHS.sub(lambda m: f"tests/chapters/test_{m[2]}.py" if m[2] else PATHS[m[1]], text)
    text = _DOTTED.sub(lambda m: f"tourapp.{MOVED[m[1]]}.{m[1]}", text)
    return _SLASHED.sub(lambda m: f"tourapp/{MOVED[m[1]]}/{m[1]}", text)


def migrate_notebook(text):
    """Return the notebook's JSON with every cell's source migrated, formatted as nbformat writes it."""
    nb = json.loads(text)
    for cell in nb["cells"]:
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        new = migrate(source)
        if new != source:
            cell["source"] = new.splitlines(keepends=True)
    return json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def main(argv):
    """Migrate each file named in ``argv``; print the ones that changed."""
    if not argv:
        sys.exit(__doc__)
    for name in argv:
        path = Path(name)
        text = path.read_text(encoding="utf-8")
        new = migrate_notebook(text) if path.suffix == ".ipynb" else migrate(text)
        if new != text:
            path.write_text(new, encoding="utf-8")
            print(f"migrated {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
