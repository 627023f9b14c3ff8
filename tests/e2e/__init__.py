"""End to end: a browser, JupyterLab, a JupyterHub, Binder, make lab, the built wheel."""
