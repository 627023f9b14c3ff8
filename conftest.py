"""Settings every pytest run needs, including `pytest --nbval path/to/one.ipynb`."""

import os

# Notebook kernels inherit this environment. A fixed hash seed makes set-ordered output stable,
# such as the methods Werkzeug lists in a 405 response's Allow header.
os.environ["PYTHONHASHSEED"] = "0"
# Jupyter warns (and warnings are errors here) unless told to use the platform's standard dirs.
os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")
# Recorded outputs show 127.0.0.1 links; a JupyterHub's proxy links must not leak into them.
os.environ.pop("JUPYTERHUB_SERVICE_PREFIX", None)
