# Two entry points: `make run` (embedded default) and `make test` (everything CI runs).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint typecheck pytest schema migrations graphiql

$(BIN)/officecloud: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# GraphiQL's files, from npm (pinned by strawberry's page, checked against its hashes).
server/static/graphiql: $(BIN)/officecloud
	$(BIN)/officecloud graphiql-assets || echo "GraphiQL will not load: install npm, then make graphiql"

graphiql: server/static/graphiql

run: $(BIN)/officecloud graphiql
	OFFICECLOUD_DEV_MODE=true $(BIN)/officecloud demo
	OFFICECLOUD_DEV_MODE=true $(BIN)/officecloud serve

test: $(BIN)/officecloud lint typecheck pytest

lint: $(BIN)/officecloud
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(BIN)/officecloud
	$(BIN)/mypy

pytest: $(BIN)/officecloud graphiql
	$(BIN)/pytest $(PYTEST_ARGS)

schema: $(BIN)/officecloud
	$(BIN)/officecloud export-schema > schema.graphql

migrations: $(BIN)/officecloud
	$(BIN)/tortoise makemigrations
