"""What runs in the learner's kernel: serve an app on a thread, show its answers, find the way to it.

``server`` (serve, Server, stop_all), ``display`` (show, show_code), ``proxy`` and ``platforms``
(the links on a JupyterHub, Binder or Colab) and ``terminal`` (the ``flask run`` banner). The
package ``tourapp`` re-exports the notebook API; nothing here knows about exercises or grading.
"""

import sys

if sys.platform == "emscripten":  # JupyterLite: no sockets or threads; lite.py answers the apps in process
    from .lite import activate

    activate()
