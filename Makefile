# The two commands a newcomer needs: `make lab` and `make test`. Every target sets up .venv
# first, and that step is a quick no-op until pyproject.toml changes.

SHELL := bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: lab refresh lab-teacher test test-all record student bench clean

# JupyterLab refuses root unless told; containers and CI machines often run as root.
LAB_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)
# More options for JupyterLab, e.g. LAB_ARGS="--no-browser --port=8890".
LAB_ARGS ?=
# The learner's own copy of the student edition (git-ignored): written once, never overwritten.
MINE := my-notebooks

# The learner's command. JupyterLab's root is the learner's folder: the teacher's edition (and
# its solutions) is out of sight, and every file Lab saves is the learner's own.
lab: $(STAMP)
	$(BIN)/python -m tourapp.learner --into $(MINE)
	$(BIN)/jupyter lab $(LAB_ROOT) --ServerApp.root_dir=$(MINE) --LabApp.default_url=/lab/tree/00-start-here.ipynb $(LAB_ARGS)

# A fresh copy of one chapter (NB=01); the learner's old copy moves to $(MINE)/old/.
refresh: $(STAMP)
	$(BIN)/python -m tourapp.learner --into $(MINE) --refresh "$(NB)"

# The teacher's edition, with the student edition and the learners' copies beside it. Lab's
# autosave is off here (tools/lab-teacher/), so opening and running a notebook never rewrites
# a tracked file; save on purpose (Ctrl+S), then `make record`.
lab-teacher: $(STAMP)
	$(BIN)/python -m tourapp.student --out build/student --allow-dirty
	JUPYTER_CONFIG_PATH=$(CURDIR)/tools/lab-teacher$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH} $(BIN)/jupyter lab $(LAB_ROOT) --ServerApp.root_dir=$(CURDIR) --LabApp.default_url=/lab/tree/notebooks/00-start-here.ipynb $(LAB_ARGS)

# Tests must leave the checkout as they found it (data/ above all): compare git status around them.
# Locally the stress and re-run tests (marked slow) are left out to keep this near a minute;
# CI (CI=true) and `make test-all` run them too.
TEST_SELECTION := $(if $(CI),,-m "not slow")

test: $(STAMP)
	@before="$$(git status --porcelain 2>/dev/null)"; \
	$(BIN)/pytest --nbval $(TEST_SELECTION) || exit $$?; \
	after="$$(git status --porcelain 2>/dev/null)"; \
	if [ "$$before" != "$$after" ]; then \
		echo "make test changed the checkout (git status before and after differ):"; \
		diff <(echo "$$before") <(echo "$$after"); exit 1; fi

test-all:
	$(MAKE) test CI=true

# Re-execute notebooks in place in fresh kernels (all of them, or NB="notebooks/01-hello.ipynb").
record: $(STAMP)
	$(BIN)/python tools/record.py $(NB)

# The student edition: every notebook, solutions taken out, outputs cleared, in build/student/.
# It refuses notebooks with uncommitted changes unless ALLOW_DIRTY=1.
student: $(STAMP)
	$(BIN)/python -m tourapp.student --out build/student $(if $(ALLOW_DIRTY),--allow-dirty)

# Every benchmark in bench/, each printing figures measured side by side in one run.
bench: $(STAMP)
	@for script in bench/*_bench.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

# Never $(MINE): that is the learner's work.
clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
