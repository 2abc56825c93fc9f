# Laksana: `make demo` runs it, `make test` proves it. Both work on a fresh Debian with Python 3.11.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo serve test lint format bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	DEBUG=$${DEBUG:-1} $(BIN)/laksana demo

serve: $(STAMP)
	$(BIN)/laksana serve

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: $(STAMP) lint
	scripts/ensure-chromium
	scripts/test-all

bench: $(STAMP)
	DEBUG=$${DEBUG:-1} $(BIN)/laksana bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var/test* test-results
