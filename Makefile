# Two commands from a fresh clone:
#   make demo   set up, then parse + check the bundled documents and write the HTML reports
#   make test   set up, then lint and run the tests
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
DOCS := data/seed/*.txt data/shanghai/*.pdf

.PHONY: setup demo test bench clean

$(BIN)/budgetkit: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

setup: $(BIN)/budgetkit

demo: setup
	$(BIN)/budgetkit parse $(DOCS) --out reports/parsed || true
	$(BIN)/budgetkit report $(DOCS) --out reports --jobs 2

test: setup
	$(BIN)/ruff check budgetkit tests benchmarks notebooks
	$(BIN)/ruff format --check budgetkit tests benchmarks notebooks
	$(BIN)/pytest

bench: setup
	$(BIN)/python benchmarks/bench_core.py

clean:
	rm -rf $(VENV) reports/* build *.egg-info
