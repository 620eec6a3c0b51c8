# zugong — the two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.run-installed
DEV_STAMP := $(VENV)/.dev-installed
NODE_STAMP := node_modules/.zugong-installed
PYTEST_WORKERS ?= 2
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint typecheck pytest bench assets clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $@ $(RUN_STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: $(NODE_STAMP) | $(BIN)/python
	$(BIN)/python -m zugong.core.assets >/dev/null

run: $(RUN_STAMP) assets
	$(BIN)/zugong run --host $(HOST) --port $(PORT)

lint: $(DEV_STAMP)
	$(BIN)/ruff check zugong bench

typecheck: $(DEV_STAMP)
	$(BIN)/mypy zugong bench

pytest: $(DEV_STAMP) assets
	$(BIN)/pytest -n $(PYTEST_WORKERS) -q

test: lint typecheck pytest

bench: $(DEV_STAMP) assets
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) node_modules zugong/static/vendor
