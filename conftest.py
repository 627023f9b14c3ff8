"""Settings every pytest run needs, including `pytest --nbval path/to/one.ipynb`."""

import nbval.kernel

from tourapp.classroom.recording import SocketFileKernelManager, kernel_environment

# Notebook kernels inherit this environment: the one `make record` records in.
kernel_environment()
# nbval starts each kernel with jupyter_client's KernelManager, over TCP ports that four workers'
# kernels and the tests' servers race for: its kernels talk through socket files instead.
nbval.kernel.KernelManager = SocketFileKernelManager


def pytest_collection_modifyitems(session, config, items):
    """Hand out the notebooks first, the last chapter first: the later ones start servers and processes.

    xdist gives each worker a whole notebook at a time (--dist loadscope) in this order
    (--no-loadscope-reorder); the longest going first keeps the run's tail short.
    """
    notebooks = [item for item in items if item.path.suffix == ".ipynb"]
    # a stable sort, reverse included: each notebook's cells keep their order
    notebooks.sort(key=lambda item: item.path.name, reverse=True)
    items[:] = notebooks + [item for item in items if item.path.suffix != ".ipynb"]
