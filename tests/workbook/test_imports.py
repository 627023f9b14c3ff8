"""The package's three rooms import one way only, and no module imports itself round a cycle.

The rule, from the bottom up:

- ``tourapp.chapters``: the apps, their templates, static files and data, and the helpers a chapter
  needs (db, postgres, processes, loadtest). It imports nothing else of tourapp, so that
  ``flask --app tourapp.chapters.<module>`` needs Flask and its extensions only.
- ``tourapp.notebook``: what runs in the learner's kernel (serve, show, the proxy and platform
  links, the terminal banner). Besides itself it may import only ``tourapp.chapters`` (show_code
  finds the chapters' files through ``tourapp.chapters.paths``).
- ``tourapp.classroom``: the exercises and their checks, the editions, the grader. It may import
  both rooms below it.
- ``tourapp`` itself (``tourapp/__init__.py``, the notebook API, and ``tourapp/__main__.py``,
  ``python -m tourapp lab``) is above every room: a module in a room never imports it, nor
  anything from a room above its own.

Every import statement counts, those inside functions too (a lazy import is still a dependency),
and the graph of modules they draw has no cycle. Outside the package, tests/ and bench/ import
nothing from each other (what both need, the JupyterHub launcher, is tools/hub_launcher.py).
"""

import ast
from pathlib import Path

import tourapp

PACKAGE = Path(tourapp.__file__).parent
ROOMS = ["chapters", "notebook", "classroom"]  # bottom to top


def _name(path):
    """Return the dotted module name of a file of the package."""
    parts = ["tourapp", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _imports(name, path):
    """Return the tourapp modules that the module ``name`` (file ``path``) imports, anywhere in it."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # `from package import module` imports the module; `from module import name` the module
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]
        else:
            continue
        found.update(target for target in targets if target in MODULES)
    found.discard(name)
    return found


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _room(name):
    """Return the room a module belongs to (its index in ROOMS), or None for tourapp itself."""
    parts = name.split(".")
    return ROOMS.index(parts[1]) if len(parts) > 1 and parts[1] in ROOMS else None


def test_the_rules_see_every_room_and_their_imports():
    # test that the rule below is about the real package: every room is there and has imports
    assert {name.split(".")[1] for name in MODULES if "." in name} == {*ROOMS, "__main__"}
    assert "tourapp.chapters.db" in GRAPH["tourapp.chapters.cities"]
    assert "tourapp.notebook.server" in GRAPH["tourapp.classroom.exercises.checking"]


def test_no_module_imports_a_room_above_its_own():
    upward = [
        f"{name} imports {target}"
        for name, targets in GRAPH.items()
        if _room(name) is not None
        for target in targets
        if _room(target) is None or _room(target) > _room(name)
    ]
    assert upward == []


def test_the_imports_have_no_cycle():
    cycles, done = [], set()

    def visit(name, trail):
        if name in trail:
            cycles.append(trail[trail.index(name) :] + [name])
            return
        if name in done:
            return
        for target in sorted(GRAPH[name]):
            visit(target, [*trail, name])
        done.add(name)

    for name in GRAPH:
        visit(name, [])
    assert cycles == []


def _imported_names(path):
    """Return the top-level names a Python file imports (``tests`` for ``from tests.helpers import e2e``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {
        alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
    }
    return names | {
        node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    }


def test_tests_and_benchmarks_do_not_import_each_other():
    # test that what both need (the JupyterHub launcher) lives outside both, in tools/
    checkout = PACKAGE.parent
    benches = {path.stem for path in (checkout / "bench").glob("*.py")}
    tests = sorted((checkout / "tests").rglob("*.py"))
    assert benches and tests
    assert [str(p) for p in tests if _imported_names(p) & (benches | {"bench"})] == []
    assert [str(p) for p in (checkout / "bench").glob("*.py") if "tests" in _imported_names(p)] == []
    # helpers are imported as the package tests.helpers, never through a sys.path entry
    assert [str(p) for p in tests if {"support", "e2e", "hub"} & _imported_names(p)] == []
