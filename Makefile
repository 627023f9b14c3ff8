# The two commands a newcomer needs: `make lab` and `make test`. Every target sets up .venv
# first, and that step is a quick no-op until pyproject.toml changes.

SHELL := bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
REPO2DOCKER := .tools/repo2docker/bin/repo2docker
HUB_STAMP := $(VENV)/.hub-stamp

.PHONY: lab test test-all record student bench hub-tools clean

# JupyterLab refuses root unless told; containers and CI machines often run as root.
LAB_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: $(STAMP)
	$(BIN)/jupyter lab $(LAB_ROOT) notebooks/00-start-here.ipynb

# Tests must leave the checkout as they found it (data/ above all): compare git status around them.
# Locally the stress and re-run tests (marked slow) are left out to keep this near a minute;
# CI (CI=true) and `make test-all` run them too.
TEST_SELECTION := $(if $(CI),,-m "not slow")

test: $(STAMP) $(REPO2DOCKER) $(HUB_STAMP)
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
student: $(STAMP)
	$(BIN)/python -m tourapp.student --out build/student

# Every benchmark in bench/, each printing figures measured side by side in one run.
bench: $(STAMP)
	@for script in bench/*_bench.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

# repo2docker, in a venv of its own, only to print the Dockerfile Binder would build
# (tests/test_binder.py). Where it cannot be installed, that test is skipped with the reason.
$(REPO2DOCKER):
	@$(PYTHON) -m venv .tools/repo2docker && .tools/repo2docker/bin/python -m pip install --quiet \
		--disable-pip-version-check 'jupyter-repo2docker==2026.4.0' \
		|| echo "repo2docker could not be installed: tests/test_binder.py will be skipped"

# The real JupyterHub of tests/test_hub.py, both pinned in tools/hub: JupyterHub from PyPI into
# .venv, its proxy from the npm registry into tools/hub/node_modules. Without npm the hub tests skip.
hub-tools: $(HUB_STAMP)

$(HUB_STAMP): $(STAMP) tools/hub/requirements.txt tools/hub/package-lock.json
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r tools/hub/requirements.txt
	@if command -v npm >/dev/null; then \
		npm ci --prefix tools/hub --no-audit --no-fund --loglevel=error && touch $(HUB_STAMP); \
	else echo "npm not found: the JupyterHub tests will skip (install Node.js and npm to run them)"; fi

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) .tools/repo2docker build *.egg-info .pytest_cache
