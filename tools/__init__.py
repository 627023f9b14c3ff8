"""Maintainers' scripts (python tools/record.py …), and the JupyterHub launcher tests and bench share."""
