"""Build the zero-install edition: a JupyterLite site whose Pyodide kernel needs no network.

    python tools/lite.py --out build/lite [--edition student|teacher]

Everything the browser loads is in the site: JupyterLite itself (jupyterlite-core), the Pyodide
kernel (jupyterlite-pyodide-kernel and the wheels it bundles), the Pyodide runtime (the npm
package ``pyodide``: pyodide.mjs, pyodide.asm.wasm, python_stdlib.zip, pyodide-lock.json), and
every wheel the kernel and the workbook import, from PyPI. Pyodide's own lock file names its
packages on a CDN this site does not use, so the site gets a lock file of its own that lists
exactly the wheels it ships, beside the runtime. The workbook's pinned versions
(requirements.lock) are used for Flask, Werkzeug, requests and the packages they need; the
kernel's packages (IPython, jedi …) are the versions Pyodide's lock names.

Needs (at build time only): npm, and PyPI through pip. ``.tools/lite`` holds jupyterlite.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / ".tools" / "lite"
PYODIDE_VERSION = "314.0.6"  # the version jupyterlite-pyodide-kernel 0.8.6 is built for
# The kernel's own packages, at the versions Pyodide's lock names (its kernel imports them).
KERNEL = [
    "micropip", "packaging", "ipython", "jedi", "parso", "traitlets", "pygments", "decorator",
    "asttokens", "executing", "matplotlib-inline", "prompt-toolkit", "pure-eval", "six",
    "stack-data", "wcwidth", "ipython-pygments-lexers",
]  # fmt: skip
COMM = "comm==0.2.3"  # not in Pyodide's lock; the kernel installs it
# The workbook's own stack, at the versions requirements.lock pins.
PINNED = [
    "flask", "werkzeug", "jinja2", "markupsafe", "itsdangerous", "click", "blinker",
    "requests", "urllib3", "idna", "charset-normalizer", "certifi",
]  # fmt: skip
# What the kernel loads at start, so that `import tourapp` works in the first cell.
PRELOAD = ["micropip", "comm", "jedi", "ipython", "flask-tour"]
ENV = {
    "python_version": "3.14",
    "python_full_version": "3.14.2",
    "sys_platform": "emscripten",
    "platform_system": "Emscripten",
    "platform_machine": "wasm32",
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
    "os_name": "posix",
    "extra": "",
}


def run(*args, **kwargs):
    """Run a command, echoing it; fail loudly."""
    print("+", " ".join(map(str, args)), flush=True)
    subprocess.run([str(a) for a in args], check=True, **kwargs)


def pyodide_runtime(cache):
    """Return the folder of the npm package pyodide (fetched once into the cache)."""
    folder = cache / f"pyodide-{PYODIDE_VERSION}"
    if not (folder / "pyodide.mjs").exists():
        cache.mkdir(parents=True, exist_ok=True)
        run("npm", "pack", f"pyodide@{PYODIDE_VERSION}", "--pack-destination", cache, "--silent")
        with tarfile.open(cache / f"pyodide-{PYODIDE_VERSION}.tgz") as tar:
            tar.extractall(cache / "unpacked", filter="data")
        shutil.rmtree(folder, ignore_errors=True)
        (cache / "unpacked" / "package").rename(folder)
    for name in ["pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json"]:
        if not (folder / name).exists():
            sys.exit(f"make lite: the npm package pyodide@{PYODIDE_VERSION} has no {name}")
    return folder


def pinned_versions():
    """Return requirements.lock's pins, by canonical name."""
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if m := re.match(r"^([A-Za-z0-9_.-]+)==([^\s;]+)", line):
            pins[canonicalize_name(m[1])] = m[2]
    return pins


def download(specs, into):
    """Download pure-Python wheels (no dependencies) from PyPI into a folder."""
    run(
        TOOLS / "bin" / "python", "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
        "--platform", "any", "--python-version", "3.14", "--implementation", "py", "--abi", "none",
        "-d", into, *specs,
    )  # fmt: skip


def markupsafe_pure(version, into, scratch):
    """Make MarkupSafe's py3-none-any wheel (PyPI has only compiled ones): its pure fallback, no _speedups."""
    scratch.mkdir(parents=True, exist_ok=True)
    run(
        TOOLS / "bin" / "python", "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
        "--platform", "manylinux2014_x86_64", "--python-version", "3.11", "-d", scratch, f"markupsafe=={version}",
    )  # fmt: skip
    compiled = next(scratch.glob(f"markupsafe-{version}-*.whl"))
    dist_info = f"markupsafe-{version}.dist-info"
    files = {}
    with zipfile.ZipFile(compiled) as source:
        for name in source.namelist():
            if "_speedups" in name and not name.endswith(".c") or name.endswith("/RECORD"):
                continue
            files[name] = source.read(name)
    wheel_file = f"{dist_info}/WHEEL"
    files[wheel_file] = b"Wheel-Version: 1.0\nGenerator: tools/lite.py\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    return write_wheel(into / f"markupsafe-{version}-py3-none-any.whl", files, dist_info)


def write_wheel(path, files, dist_info):
    """Write a wheel from {name: bytes}, with its RECORD."""
    record = []
    for name, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{name},sha256={digest},{len(data)}")
    record.append(f"{dist_info}/RECORD,,")
    files = {**files, f"{dist_info}/RECORD": ("\n".join(record) + "\n").encode()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as wheel:
        for name, data in sorted(files.items()):
            wheel.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return path


def workbook_wheel(into, scratch):
    """Build the workbook's wheel (its templates, static files and data are inside the package)."""
    shutil.rmtree(scratch, ignore_errors=True)
    run(Path(sys.executable).parent / "uv", "build", "--wheel", "--quiet", "--out-dir", scratch, ROOT)
    built = next(scratch.glob("flask_tour-*.whl"))
    shutil.copy(built, into / built.name)
    return into / built.name


def metadata(wheel):
    """Return a wheel's METADATA text and its top-level import names."""
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        text = z.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
        tops = {n.split("/")[0].removesuffix(".py") for n in names}
        tops = sorted(t for t in tops if not t.endswith((".dist-info", ".data")))
    return text, [t for t in tops if t.isidentifier()]


def depends(text, known):
    """Return the wheel's requirements that hold in Pyodide, as names; fail on one the site lacks."""
    found = []
    for line in text.splitlines():
        if not line.startswith("Requires-Dist:"):
            continue
        req = Requirement(line.split(":", 1)[1].strip())
        if req.marker and not req.marker.evaluate(ENV):
            continue
        found.append(canonicalize_name(req.name))
    return found


def lock_file(runtime_lock, wheels, into):
    """Write a pyodide-lock.json that names exactly the wheels shipped beside it."""
    lock = json.loads(runtime_lock.read_text())
    names = {canonicalize_name(parse_wheel_filename(w.name)[0]): w for w in wheels}
    packages = {}
    missing = {}
    for name, wheel in sorted(names.items()):
        text, imports = metadata(wheel)
        needs = depends(text, names)
        if name == "flask-tour":  # only what its chapters 01-09 import; the rest is for Lab and the tools
            needs = ["flask", "werkzeug", "requests", "markupsafe", "jinja2"]
        if name == "ipython":  # its deps Pyodide's lock leaves out are imported only when present
            needs = [n for n in needs if n in names]
        for need in needs:
            if need not in names:
                missing.setdefault(name, []).append(need)
        packages[name] = {
            "name": name,
            "version": str(parse_wheel_filename(wheel.name)[1]),
            "file_name": wheel.name,
            "install_dir": "site",
            "sha256": hashlib.sha256(wheel.read_bytes()).hexdigest(),
            "package_type": "package",
            "imports": imports,
            "depends": [n for n in needs if n in names],
            "unvendored_tests": False,
            "shared_library": False,
        }
    if missing:
        sys.exit(f"make lite: these wheels need packages the site does not ship: {missing}")
    lock["packages"] = packages
    (into / "pyodide-lock.json").write_text(json.dumps(lock, indent=1, sort_keys=True) + "\n")


NOTE = (
    "**In the browser (JupyterLite).** This copy runs in Python inside your browser (Pyodide: Python 3.14, "
    "and its own IPython; Flask, Werkzeug and requests are the workbook's versions). `serve()` answers this "
    "notebook's requests inside that Python: there is no link to open in a tab, and a view that never returns "
    "blocks the notebook. Cells that need a separate process (`flask run`, `!flask …`, a database server) "
    "say that they are skipped; run them with `make lab` on a computer."
)
SKIPPED = (
    'print("Skipped in JupyterLite: this cell starts a separate process ({what}), which Python in a browser cannot do. '
    'It runs with make lab on a computer.")'
)
SHELL = re.compile(r"^(\s*)!(.*)$", re.M)


def _skip_line(match):
    """Replace a ``!command`` line by a print that says it is skipped, at the same indentation."""
    what = match[2].replace('"{sys.executable}" -m ', "").replace('"', "'")
    return match[1] + SKIPPED.format(what=what)


def lite_copy(path, into):
    """Copy a notebook for the browser: a note on what differs, and process-starting cells skipped."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code" or cell.get("id") == "colab":  # Colab's cell does nothing elsewhere
            continue
        if "flask_run_banner(" in cell.source:
            cell.source = SKIPPED.format(what="flask run")
        elif SHELL.search(cell.source):
            cell.source = SHELL.sub(_skip_line, cell.source)
        cell.outputs, cell.execution_count = [], None
    note = nbformat.v4.new_markdown_cell(NOTE)
    note["id"] = "jupyterlite-note"
    nb.cells.insert(1 if nb.cells and nb.cells[0].cell_type == "markdown" else 0, note)
    nbformat.write(nb, into / path.name)


def notebooks(edition, into):
    """Write the chosen edition's notebooks, adapted to the browser, into the site's contents folder."""
    shutil.rmtree(into, ignore_errors=True)
    source = ROOT / "notebooks"
    if edition == "student":
        source = into.parent / "student"
        shutil.rmtree(source, ignore_errors=True)
        run(sys.executable, "-m", "tourapp.classroom.editions", "student", "--out", source, "--allow-dirty")
    into.mkdir(parents=True)
    for path in sorted(source.glob("[0-9][0-9]-*.ipynb")):
        lite_copy(path, into)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "lite")
    parser.add_argument("--edition", choices=["student", "teacher"], default="student")
    args = parser.parse_args(argv)
    out = args.out.resolve()
    work = ROOT / "build" / "lite-work"
    cache = ROOT / "build" / "lite-cache"
    lite_dir = work / "site"
    shutil.rmtree(lite_dir, ignore_errors=True)
    pyodide = lite_dir / "static" / "pyodide"
    shutil.copytree(pyodide_runtime(cache), pyodide, ignore=shutil.ignore_patterns("*.map", "*.d.ts", "*.html"))
    lock = json.loads((pyodide / "pyodide-lock.json").read_text())["packages"]
    wheels_dir = cache / "wheels"
    wheels_dir.mkdir(parents=True, exist_ok=True)
    pins = pinned_versions()
    wanted = [f"{n}=={lock[n]['version']}" for n in KERNEL if n in lock] + [COMM]
    wanted += [f"{n}=={pins[n]}" for n in PINNED if n != "markupsafe"]
    download(wanted, wheels_dir)
    pure = markupsafe_pure(pins["markupsafe"], wheels_dir, cache / "compiled")
    own = workbook_wheel(cache, work / "dist")
    chosen = [pure, own]
    for spec in wanted:
        name, version = spec.split("==")
        chosen.append(
            next(
                w
                for w in wheels_dir.glob("*.whl")
                if canonicalize_name(parse_wheel_filename(w.name)[0]) == canonicalize_name(name)
                and str(parse_wheel_filename(w.name)[1]) == version
            )
        )
    for wheel in chosen:
        shutil.copy(wheel, pyodide)
    lock_file(pyodide / "pyodide-lock.json", [pyodide / w.name for w in chosen], pyodide)
    settings = {
        "disablePyPIFallback": True,
        "loadPyodideOptions": {"packages": PRELOAD},
    }
    config = {
        "jupyter-lite-schema-version": 0,
        "jupyter-config-data": {
            "appName": "Flask Tour (in the browser)",
            "litePluginSettings": {"@jupyterlite/pyodide-kernel-extension:kernel": settings},
        },
    }
    (lite_dir / "jupyter-lite.json").write_text(json.dumps(config, indent=2) + "\n")
    # Every cell rendered, not just those in view: a long chapter's checks stay in the page.
    overrides = {"@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"}}
    (lite_dir / "overrides.json").write_text(json.dumps(overrides, indent=2) + "\n")
    contents = work / "notebooks"
    notebooks(args.edition, contents)
    shutil.rmtree(out, ignore_errors=True)
    run(
        TOOLS / "bin" / "jupyter", "lite", "build", "--lite-dir", lite_dir, "--output-dir", out,
        "--contents", contents, "--no-sourcemaps",
    )  # fmt: skip
    # The addons rewrite the kernel's settings as they build; add ours to what they wrote.
    built = out / "jupyter-lite.json"
    config = json.loads(built.read_text())
    config["jupyter-config-data"]["litePluginSettings"]["@jupyterlite/pyodide-kernel-extension:kernel"].update(settings)
    built.write_text(json.dumps(config, indent=2) + "\n")
    print(f"JupyterLite site in {out}: serve it, e.g. python -m http.server -d {out}")


if __name__ == "__main__":
    main()
