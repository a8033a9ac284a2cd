# Two entry points: `make run` (embedded default) and `make test` (everything CI runs).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint typecheck pytest schema migrations

$(BIN)/officecloud: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

run: $(BIN)/officecloud
	OFFICECLOUD_DEV_MODE=true $(BIN)/officecloud demo
	OFFICECLOUD_DEV_MODE=true $(BIN)/officecloud serve

test: $(BIN)/officecloud lint typecheck pytest

lint: $(BIN)/officecloud
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(BIN)/officecloud
	$(BIN)/mypy

pytest: $(BIN)/officecloud
	$(BIN)/pytest $(PYTEST_ARGS)

schema: $(BIN)/officecloud
	$(BIN)/officecloud export-schema > schema.graphql

migrations: $(BIN)/officecloud
	$(BIN)/tortoise makemigrations
