"""Helpers the tests share: small probe apps, open-descriptor counts, real Jupyter kernels."""

import configparser
import os
import re

from flask import Flask

from jupyter_client.manager import KernelManager
from nbval.kernel import CURRENT_ENV_KERNEL_NAME, NbvalKernelspecManager

from tourapp.paths import ROOT


def make_app(name="probe"):
    """Create a tiny app; apps of the same name count as the same app for serve()."""
    app = Flask(name)

    @app.get("/")
    def index():
        return "ok"

    @app.get("/echo/<int:n>")
    def echo(n):
        return str(n)

    return app


def open_fds():
    """Count this process's open file descriptors."""
    return len(os.listdir("/proc/self/fd"))


def kernel_manager():
    """Return a manager for a kernel running this environment's Python (like --nbval-current-env)."""
    return KernelManager(kernel_name=CURRENT_ENV_KERNEL_NAME, kernel_spec_manager=NbvalKernelspecManager())


def sanitizers():
    """Read the (regex, replacement) pairs of tests/nbval_sanitize.cfg, as nbval applies them."""
    config = configparser.ConfigParser()
    config.read(ROOT / "tests" / "nbval_sanitize.cfg")
    return [(re.compile(config[s]["regex"]), config[s]["replace"]) for s in config.sections()]


def sanitize(text, rules=None):
    """Mask what the sanitize file masks (dates, versions, ports)."""
    for regex, replacement in rules or sanitizers():
        text = regex.sub(replacement, text)
    return text
