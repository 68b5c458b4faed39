# Two commands from a fresh clone:
#   make demo   set up, then parse + check the bundled documents and write the HTML reports
#   make test   set up, then lint and run the tests
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
DOCS := data/seed/*.txt data/shanghai/*.pdf

.PHONY: setup demo test test-fast lab bench clean

$(BIN)/budgetkit: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

setup: $(BIN)/budgetkit

# parse exits 1 when a document has an error finding (real documents do); 2 is a failure.
# The reports come from a corpus of everything in data/: every document, and one comparison
# per region and year.
demo: setup
	$(BIN)/budgetkit parse $(DOCS) --out reports/parsed; test $$? -le 1
	$(BIN)/budgetkit corpus build data --out reports/corpus --jobs 2
	$(BIN)/budgetkit report --corpus reports/corpus --out reports --jobs 2

test: setup
	$(BIN)/ruff check budgetkit tests benchmarks notebooks
	$(BIN)/ruff format --check budgetkit tests benchmarks notebooks
	$(BIN)/mypy budgetkit
	$(BIN)/pytest

# the library tests alone (no notebooks, reports, corpus builds or browsers): the inner loop
test-fast: setup
	$(BIN)/pytest -m "not slow"

# JupyterLab on the notebooks, in the project's environment
lab: setup
	$(BIN)/jupyter lab notebooks/

bench: setup
	$(BIN)/python benchmarks/bench_core.py

clean:
	rm -rf $(VENV) reports/* build *.egg-info
