"""The teacher's side: the exercises' checks, the editions, the grader and what it runs on.

``exercises`` (the "Try it" checks, ``check`` and ``assert_passed``), ``editions`` (nbgrader's
marks and the student edition, as nbconvert preprocessors), ``learner`` (the learner's own
copy), ``grade`` with ``submissions``, ``sandbox``, ``feedback`` and ``bytecode`` (the grader),
``recording`` (how ``make record`` and nbval run and mask notebooks). It uses the chapters and the notebook bridge;
neither of them uses it.
"""
