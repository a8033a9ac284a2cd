# Two entry points: `make run` (embedded default; `make run PORT=8080`) and `make test`
# (everything CI runs). `make test-fast` is the developer's loop: the tests not marked slow.
NEWEST = $(firstword $(foreach p,python3 python3.13 python3.12 python3.11,$(shell \
	$(p) -c 'import sys; print("$(p)" if sys.version_info >= (3, 11) else "")' 2>/dev/null)))
PYTHON ?= $(NEWEST)
PORT ?= $(or $(OFFICECLOUD_PORT),8000)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test test-fast lint typecheck contract pytest mutation mutation-sample schema release-schema \
	apidocs migrations graphiql console web-test browser messages

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

# The web console (web/): built when Node.js is here, rebuilt only when its inputs change.
NODE_OK := $(shell node -e 'const [a,b]=process.versions.node.split(".").map(Number); \
	process.exit(a>20||(a==20&&b>=19)?0:1)' 2>/dev/null && command -v npm >/dev/null && echo yes)
WEB_INPUTS := $(shell find web/src -type f -not -path 'web/src/gql/*' 2>/dev/null) \
	web/index.html web/vite.config.ts web/codegen.ts web/tsconfig.json schema.graphql

# `npm install --no-save`, not `npm ci`: vite lists a Windows-only optional package the registry
# does not have, which `npm ci` (npm 11) refuses as a lock out of sync; install keeps the lock.
web/node_modules/.package-lock.json: web/package-lock.json
	cd web && npm install --no-save --prefer-offline --no-audit --no-fund

web/dist/.built: web/node_modules/.package-lock.json $(WEB_INPUTS)
	cd web && npm run build && touch .built-tmp && mv .built-tmp dist/.built

console:
ifeq ($(NODE_OK),yes)
	@$(MAKE) --no-print-directory web/dist/.built \
		|| echo "The web console did not build (see above); the API is served without it."
else
	@echo "The web console needs Node.js 20.19 or newer with npm; serving the API without it."
endif

run: $(BIN)/officecloud graphiql console
	OFFICECLOUD_DEV_MODE=true OFFICECLOUD_PORT=$(PORT) $(BIN)/officecloud serve --demo

test: $(BIN)/officecloud lint typecheck contract web-test pytest mutation-sample

# The browser tests drive Debian's chromium (no browser download).
browser:
	@test -x /usr/bin/chromium || ! command -v apt-get >/dev/null \
		|| { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; } \
		|| echo "chromium is not installed; the browser tests will be skipped (CI fails them)"

web-test: console
ifeq ($(NODE_OK),yes)
	cd web && npx vitest run
endif

lint: $(BIN)/officecloud
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(BIN)/officecloud
	$(BIN)/mypy

# Lists the schema's changes since the last release; fails on a breaking one not deprecated first
# (tests/server/test_api_contract.py checks the same inside pytest).
contract: $(BIN)/officecloud
	$(BIN)/officecloud api check

# Two pytest-xdist workers, a test file each at a time (a scenario's steps stay together): much
# of the suite waits on servers, browsers and PostgreSQL, so two overlap well even on 2 cores.
TEST_WORKERS ?= 2

pytest: $(BIN)/officecloud graphiql console browser
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

test-fast: $(BIN)/officecloud graphiql
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile -m "not slow" $(PYTEST_ARGS)

# Mutation testing (docs/testing.md): every mutant of workflow/ and services/ (hours; pass
# MUTATION_ARGS="workflow/" for one area), or the seeded sample `make test` ends with (minutes).
mutation: $(BIN)/officecloud
	nice -n 19 $(BIN)/python -m tests.mutation full $(MUTATION_ARGS)

mutation-sample: $(BIN)/officecloud
	nice -n 10 $(BIN)/python -m tests.mutation sample $(MUTATION_ARGS)

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

# Messages for people (docs/i18n.md): collects every `_("…")` of the server's code and brings
# each catalogue (i18n/locale/<lang>/LC_MESSAGES/messages.po) up to date; translate the new ones.
I18N_SOURCES := auth resolvers schema server services subscriptions sync workflow
messages: $(BIN)/officecloud
	@mkdir -p build
	$(BIN)/pybabel extract -F i18n/babel.cfg --no-default-keywords -k _:1 --no-location \
		--sort-output --omit-header -o build/messages.pot $(I18N_SOURCES)
	$(BIN)/pybabel update -i build/messages.pot -d i18n/locale -D messages --no-fuzzy-matching \
		--ignore-obsolete --omit-header

migrations: $(BIN)/officecloud
	$(BIN)/tortoise makemigrations
