# The two commands a newcomer needs: `make lab` and `make test`. Every target sets up .venv
# first, and that step is a quick no-op until pyproject.toml or requirements.lock changes.

SHELL := bash
PYTHON ?= python3
# VENV, PYTHON and LOCK can be overridden: test-pythons and test-lowest run `make test` in
# other environments that way.
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
UV := $(BIN)/uv
# What uv leaves out of the lock and of every environment (the file says why).
EXCLUDES := tools/uv-excludes.txt
export UV_EXCLUDE := $(CURDIR)/$(EXCLUDES)
# Every version of every package, made by `make lock` from pyproject.toml; `make upgrade` moves it.
LOCK ?= requirements.lock
PYTHONS ?= 3.11 3.12 3.13
REPO2DOCKER := .tools/repo2docker/bin/repo2docker
HUB_STAMP := $(VENV)/.hub-stamp
NBGRADER := .tools/nbgrader/bin/nbgrader
AXE := tools/axe/node_modules/axe-core/axe.min.js

.PHONY: lite lab setup refresh lab-teacher test test-all test-lite test-pythons test-lowest lock upgrade record student bench hub-tools nbgrader-tools clean

# JupyterLab refuses root unless told; containers and CI machines often run as root.
LAB_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)
# `jupyter lab` less two start-up costs whose result Lab never uses (tools/lab.py says which):
# a second `make lab` takes less than half the CPU time it did.
LAB := $(BIN)/python tools/lab.py
# More options for JupyterLab, e.g. LAB_ARGS="--no-browser --port=8890".
LAB_ARGS ?=
# The learner's own copy of the student edition (git-ignored): written once, never overwritten.
MINE := my-notebooks

# The learner's command, and the same as `python -m tourapp lab` (tourapp/classroom/lab.py), which needs
# neither make nor bash (Windows): it writes the chapters missing from $(MINE), the learner's own
# copy, and starts JupyterLab there with the learner's settings (tools/lab-learner/: line numbers
# on, no news pop-up). Lab's root is the learner's folder: the teacher's edition (and its
# solutions) is out of sight, and every file Lab saves is the learner's own. LAB_ARGS go to Lab as
# they are: LAB_ARGS=--no-browser starts it without opening a browser.
lab: $(STAMP)
	$(BIN)/python -m tourapp lab --into "$(MINE)" --venv "$(VENV)" $(LAB_ARGS)

# What `make lab` sets up, without starting Lab: the environment and the learner's own copy. A
# GitHub Codespace runs it when it is created (.devcontainer/devcontainer.json); VS Code then opens
# the notebooks in my-notebooks/ with .venv's kernel, and `make lab` still works there.
setup: $(STAMP)
	$(BIN)/python -m tourapp setup --into "$(MINE)" --venv "$(VENV)"

# A fresh copy of one chapter (NB=01); the learner's old copy moves to $(MINE)/old/.
refresh: $(STAMP)
	$(BIN)/python -m tourapp.classroom.learner --into $(MINE) --refresh "$(NB)"

# The teacher's edition, with the student edition and the learners' copies beside it. Lab's
# autosave is off here (tools/lab-teacher/), so opening and running a notebook never rewrites
# a tracked file; save on purpose (Ctrl+S), then `make record`.
lab-teacher: $(STAMP)
	$(BIN)/python -m tourapp.classroom.editions student --out build/student --allow-dirty
	JUPYTER_CONFIG_PATH=$(CURDIR)/tools/lab-teacher$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH} $(LAB) $(LAB_ROOT) --ServerApp.root_dir=$(CURDIR) --LabApp.default_url=/lab/tree/notebooks/00-start-here.ipynb $(LAB_ARGS)

# The zero-install edition: a JupyterLite site in build/lite (the student edition, the Pyodide
# runtime from the npm package pyodide, and every wheel its kernel imports), which needs no network
# once built: serve the folder (python -m http.server -d build/lite) and open it. tools/lite.py says
# how; .tools/lite holds jupyterlite, kept out of .venv. LITE_EDITION=teacher builds the solutions.
LITE_TOOLS := .tools/lite/.installed-stamp
LITE_EDITION ?= student
$(LITE_TOOLS): $(STAMP)
	$(UV) venv --quiet --allow-existing --python $(BIN)/python .tools/lite
	$(UV) pip install --quiet --python .tools/lite/bin/python pip jupyterlite-core==0.8.6 \
		jupyterlite-pyodide-kernel==0.8.6 "jupyter-server==$$(sed -n 's/^jupyter-server==//p' $(LOCK))"
	touch $@
lite: $(LITE_TOOLS)
	$(BIN)/python tools/lite.py --edition $(LITE_EDITION) --out build/lite$(if $(filter teacher,$(LITE_EDITION)),-teacher)

# Lint first (Flask's ruff rules, pyproject's [tool.ruff]), type-check (its [tool.mypy]), then the
# tests. Tests must leave the checkout as they found it (data/ above all): compare git status around them.
# Locally the stress and re-run tests (marked slow) are left out to keep this near a minute;
# CI (CI=true) and `make test-all` run them too.
# The JupyterLite run (Pyodide compiling in Chromium) takes both cores for minutes: beside the
# JupyterLab tests it starved their kernels, so it runs on its own, in `make test-lite`.
TEST_SELECTION := $(if $(CI),-m "not lite",-m "not slow and not lite")
# A run starts a hundred Python processes (workers, kernels, servers, the pytest a notebook runs).
# Where PYTHONDONTWRITEBYTECODE is set (containers and CI machines often set it) each compiled the
# workbook, its tests and its packages again; they keep their compiled files under the venv
# instead, out of the tree, and reuse them: a tenth of the run's CPU time.
COMPILED := env -u PYTHONDONTWRITEBYTECODE PYTHONPYCACHEPREFIX="$(CURDIR)/$(VENV)/pycache"
# More of pytest's options, e.g. PYTEST_ARGS="-k hello".
PYTEST_ARGS ?=

test: $(STAMP) $(REPO2DOCKER) $(HUB_STAMP) $(NBGRADER) $(AXE)
	@before="$$(git status --porcelain 2>/dev/null)"; \
	$(BIN)/ruff check . || exit $$?; \
	$(BIN)/mypy || exit $$?; \
	$(COMPILED) $(BIN)/pytest --nbval $(TEST_SELECTION) $(PYTEST_ARGS) || exit $$?; \
	after="$$(git status --porcelain 2>/dev/null)"; \
	if [ "$$before" != "$$after" ]; then \
		echo "make test changed the checkout (git status before and after differ):"; \
		diff <(echo "$$before") <(echo "$$after"); exit 1; fi

test-all:
	$(MAKE) test CI=true
	$(MAKE) test-lite

# Chapters 01-07 in JupyterLite's Pyodide kernel in Chromium, every check passing (CI runs it).
test-lite: $(STAMP) $(LITE_TOOLS)
	$(BIN)/pytest -m lite -n 0 tests/e2e/test_lite_browser.py

# Re-execute notebooks in place in fresh kernels (all of them, or NB="notebooks/01-hello.ipynb").
record: $(STAMP)
	$(BIN)/python tools/record.py $(NB)

# The student edition: every notebook, solutions taken out, outputs cleared, in build/student/,
# and each as an HTML page to print or put online (readable contrast, checked with axe-core).
# It refuses notebooks with uncommitted changes unless ALLOW_DIRTY=1.
student: $(STAMP)
	$(BIN)/python -m tourapp.classroom.editions student --out build/student $(if $(ALLOW_DIRTY),--allow-dirty)
	$(BIN)/python -m tourapp.classroom.handout build/student/*.ipynb

# Every benchmark in bench/, each printing figures measured side by side in one run.
bench: $(STAMP)
	@for script in bench/*_bench.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

# repo2docker, in a venv of its own, only to print the Dockerfile Binder would build
# (tests/e2e/test_binder.py). Where it cannot be installed, that test is skipped with the reason.
$(REPO2DOCKER):
	@$(PYTHON) -m venv .tools/repo2docker && .tools/repo2docker/bin/python -m pip install --quiet \
		--disable-pip-version-check 'jupyter-repo2docker==2026.4.0' \
		|| echo "repo2docker could not be installed: tests/e2e/test_binder.py will be skipped"

# The real JupyterHub of tests/e2e/test_hub.py: JupyterHub (pyproject's pinned `hub` extra, kept out of
# the lock and so out of Binder's environment) into .venv, the lock holding everything else where
# it is; its proxy pinned in tools/hub, from the npm registry into tools/hub/node_modules. Without
# npm the hub tests skip, with the reason.
hub-tools: $(HUB_STAMP)

$(HUB_STAMP): $(STAMP) tools/hub/package-lock.json
	$(UV) pip install --quiet --python $(BIN)/python -c $(LOCK) -e '.[test,hub]'
	@if command -v npm >/dev/null; then \
		npm ci --prefix tools/hub --no-audit --no-fund --loglevel=error && touch $(HUB_STAMP); \
	else echo "npm not found: the JupyterHub tests will skip (install Node.js and npm to run them)"; fi

# axe-core, the accessibility checker tests/e2e/test_accessibility.py runs in Chromium, pinned in
# tools/axe from the npm registry. Without npm those tests skip, with the reason.
$(AXE): tools/axe/package-lock.json
	@if command -v npm >/dev/null; then \
		npm ci --prefix tools/axe --no-audit --no-fund --loglevel=error && touch $(AXE); \
	else echo "npm not found: the accessibility tests will skip (install Node.js and npm to run them)"; fi

# nbgrader for teachers who grade with it, and for tests/classroom/test_nbgrader.py: the workbook and the
# lock's versions (its kernel runs the notebooks) plus pyproject's pinned `nbgrader` extra, in an
# environment of its own so that the learners' `make lab` never shows nbgrader's menus.
nbgrader-tools: $(NBGRADER)

$(NBGRADER): pyproject.toml $(LOCK) | $(UV)
	$(UV) venv --quiet --allow-existing --python $(BIN)/python .tools/nbgrader
	$(UV) pip install --quiet --python .tools/nbgrader/bin/python -c $(LOCK) -e '.[nbgrader]'
	touch $(NBGRADER)

# uv installs the lock in seconds where pip takes half a minute; pip only fetches uv itself.
$(UV):
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check 'uv>=0.9'

# The lock pins every package, so `-e .[test]` adds only the workbook itself: nothing drifts.
# Bytecode is not compiled here (uv's default): that would add ~7 s of CPU to a newcomer's first
# `make lab`, whose Python writes what Lab imports as it goes. The grader compiles the rest on its
# first run (tourapp/classroom/bytecode.py), since its sandboxed kernels cannot write it.
$(STAMP): pyproject.toml $(LOCK) $(EXCLUDES) | $(UV)
	$(UV) pip install --quiet --python $(BIN)/python -r $(LOCK) -e '.[test]'
	touch $(STAMP)

# Resolve pyproject.toml's dependencies for every platform and Python >= 3.11 at once, keeping
# the versions already locked where they still fit; environment.yml follows the lock.
UV_COMPILE = $(UV) pip compile pyproject.toml --extra test --universal --python-version 3.11 --quiet
lock: | $(UV)
	$(UV_COMPILE) --custom-compile-command 'make lock' -o $(LOCK)
	$(BIN)/python tools/environment_yml.py $(LOCK)

# Move every package to its newest release, re-record the notebooks and show what changed.
upgrade: | $(UV)
	$(UV_COMPILE) --custom-compile-command 'make lock' --upgrade -o $(LOCK)
	$(BIN)/python tools/environment_yml.py $(LOCK)
	$(MAKE) record
	git diff --stat $(LOCK) environment.yml notebooks/

# The floors pyproject.toml states, proven: the oldest allowed version of every direct
# dependency, in .venv-lowest, must pass the whole suite.
# nbgrader's environment is then built from the lowest lock: it is removed afterwards, so that the
# next `make test` builds it again from requirements.lock.
test-lowest: | $(UV)
	mkdir -p build
	$(UV_COMPILE) --resolution lowest-direct --no-header -o build/lowest.lock
	$(MAKE) test VENV=.venv-lowest LOCK=build/lowest.lock; status=$$?; rm -rf .tools/nbgrader; exit $$status

# The suite on every Python a learner may have (.venv-3.12 …), each from the same lock. The
# interpreter is pythonX.Y on PATH, else pyenv's.
test-pythons:
	@failed=; for v in $(PYTHONS); do \
		py=$$(for p in python$$v $(HOME)/.pyenv/versions/$$v.*/bin/python$$v; do \
			"$$p" -c '' 2>/dev/null && { echo "$$p"; break; }; done); \
		if [ -z "$$py" ]; then echo "== Python $$v: not found"; failed="$$failed $$v"; continue; fi; \
		echo "== Python $$v: $$py"; \
		$(MAKE) --no-print-directory test VENV=.venv-$$v PYTHON="$$py" || failed="$$failed $$v"; \
	done; \
	if [ -n "$$failed" ]; then echo "test-pythons failed on:$$failed"; exit 1; fi

# Never $(MINE): that is the learner's work.
clean:
	rm -rf $(VENV) .venv-* .tools/repo2docker .tools/lite tools/hub/node_modules tools/axe/node_modules build *.egg-info .pytest_cache
