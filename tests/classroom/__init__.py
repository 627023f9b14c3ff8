"""The teacher's side: checks, editions, the grader and its sandbox, nbgrader."""
