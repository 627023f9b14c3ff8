"""Run the workbook's commands that need only Python: ``python -m tourapp lab`` opens your copy in JupyterLab."""

import sys

USAGE = """usage: python -m tourapp lab [--into DIR] [--venv DIR] [JupyterLab's options]
       python -m tourapp refresh NN [--into DIR] [--venv DIR]
       python -m tourapp setup [--into DIR] [--venv DIR]

  lab      set up .venv if needed, write your own copy of the notebooks into my-notebooks/
           and open it in JupyterLab (what `make lab` does; no make or bash needed)
  refresh  a fresh copy of chapter NN; yours moves to my-notebooks/old/ (make refresh NB=NN)
  setup    what lab does but start JupyterLab: for VS Code and Codespaces (make setup)"""


def main(argv=None):
    """Dispatch ``python -m tourapp <command>``; only the standard library is imported before it."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["lab"]:
        from .classroom.lab import main as lab

        return lab(argv[1:])
    if argv[:1] == ["setup"]:
        from .classroom.lab import setup

        return setup(argv[1:])
    if argv[:1] == ["refresh"]:
        from .classroom.lab import refresh

        return refresh(argv[1:])
    print(USAGE, file=sys.stderr if argv[:1] not in (["-h"], ["--help"]) else sys.stdout)
    return 0 if argv[:1] in (["-h"], ["--help"]) else 2


if __name__ == "__main__":
    sys.exit(main())
