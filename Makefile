# Two entry points: `make run` (embedded default; `make run PORT=8080`) and `make test`
# (everything CI runs). `make test-fast` is the developer's loop: the tests not marked slow.
NEWEST = $(firstword $(foreach p,python3 python3.13 python3.12 python3.11,$(shell \
	$(p) -c 'import sys; print("$(p)" if sys.version_info >= (3, 11) else "")' 2>/dev/null)))
PYTHON ?= $(NEWEST)
PORT ?= $(or $(OFFICECLOUD_PORT),8000)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test test-fast lint typecheck contract pytest schema release-schema apidocs migrations graphiql

$(BIN)/officecloud: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Officecloud needs Python 3.11 or newer, and none of python3," \
		"python3.13, python3.12, python3.11 is. Install one, or name it: make PYTHON=/path/to/python" >&2; \
		exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# GraphiQL's files, from npm (pinned by strawberry's page, checked against its hashes).
server/static/graphiql: $(BIN)/officecloud
	$(BIN)/officecloud graphiql-assets && touch $@ \
		|| echo "GraphiQL will not load: install npm, then make graphiql"

graphiql: server/static/graphiql

run: $(BIN)/officecloud graphiql
	OFFICECLOUD_DEV_MODE=true OFFICECLOUD_PORT=$(PORT) $(BIN)/officecloud serve --demo

test: $(BIN)/officecloud lint typecheck contract pytest

lint: $(BIN)/officecloud
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(BIN)/officecloud
	$(BIN)/mypy

# Lists the schema's changes since the last release; fails on a breaking one not deprecated first
# (tests/server/test_api_contract.py checks the same inside pytest).
contract: $(BIN)/officecloud
	$(BIN)/officecloud api check

pytest: $(BIN)/officecloud graphiql
	$(BIN)/pytest $(PYTEST_ARGS)

test-fast: $(BIN)/officecloud graphiql
	$(BIN)/pytest -m "not slow" $(PYTEST_ARGS)

schema: $(BIN)/officecloud
	$(BIN)/officecloud export-schema > schema.graphql

# The API reference as a static page (dev mode serves the same at /docs/api).
apidocs: $(BIN)/officecloud
	$(BIN)/officecloud api docs --out build/api

# `make release-schema VERSION=1.1.0`: schema.graphql becomes the released contract
# (schema/released.graphql) and its changes go into CHANGELOG.md; refused on a breaking change.
release-schema: schema
	@test -n "$(VERSION)" || { echo "make release-schema VERSION=x.y.z" >&2; exit 1; }
	$(BIN)/officecloud api release $(VERSION)

migrations: $(BIN)/officecloud
	$(BIN)/tortoise makemigrations
