"""Settings every pytest run needs, including `pytest --nbval path/to/one.ipynb`."""

from tourapp.classroom.recording import kernel_environment

# Notebook kernels inherit this environment: the one `make record` records in.
kernel_environment()
