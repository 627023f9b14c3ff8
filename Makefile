# The two commands a newcomer needs: `make lab` and `make test`. Every target sets up .venv
# first, and that step is a quick no-op until pyproject.toml changes.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: lab test record student bench clean

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/00-start-here.ipynb

test: $(STAMP)
	$(BIN)/pytest --nbval

# Re-execute notebooks in place in fresh kernels (all of them, or NB="notebooks/01-hello.ipynb").
record: $(STAMP)
	$(BIN)/python tools/record.py $(NB)

# The student edition: every notebook, solutions taken out, outputs cleared, in build/student/.
student: $(STAMP)
	$(BIN)/python -m tourapp.student --out build/student

# Every benchmark in bench/, each printing figures measured side by side in one run.
bench: $(STAMP)
	@for script in bench/*_bench.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
