"""Compile the workbook's and the environment's Python files ahead, so that every kernel finds them compiled.

A sandboxed kernel sees them read-only and cannot write the bytecode it compiles: without this
each of its interpreters (the kernel, each ``flask`` it starts) would compile Flask, IPython and
the workbook afresh, about 0.7 s of CPU time each. Compiling is a quick no-op once done.
"""

from __future__ import annotations

import compileall
import functools
import os
import sysconfig
import warnings

from ..chapters.paths import ROOT

__all__ = ["precompile"]


@functools.cache
def precompile() -> None:
    """Write the missing or stale ``.pyc`` files of ``tourapp`` and this environment's packages, where we may."""
    paths = sysconfig.get_paths()
    folders = dict.fromkeys([str(ROOT / "tourapp"), paths["purelib"], paths["platlib"]])
    with warnings.catch_warnings():  # a package's old test files may warn as they compile
        warnings.simplefilter("ignore")
        for folder in folders:
            # Where we may not write (a system Python) compiling would only be done again each time.
            if os.path.isdir(folder) and os.access(folder, os.W_OK):
                compileall.compile_dir(folder, quiet=2)
