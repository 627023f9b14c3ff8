"""Run submitted notebooks in fresh kernels, side by side, and read back what their checks reported.

Each submission runs top to bottom in a kernel of its own, in an empty temporary folder, with a
time limit, and by default in a sandbox of its own (:mod:`tourapp.classroom.sandbox`). Three modules:

- :mod:`.model`: :class:`Graded`, what one submission showed (every check's last result, and for an
  exercise without one, why: its check cell is missing or raised, the notebook ran out of time
  before it, the file is not a notebook), and its rows for the scores;
- :mod:`.kernels`: start a kernel made for grading (sandboxed or not) and run one notebook in it;
- :mod:`.parallel`: :func:`grade`, many submissions at once within the limits, one :class:`Graded` each.
"""

from .model import Graded
from .parallel import grade, student_names

__all__ = ["Graded", "grade", "student_names"]
