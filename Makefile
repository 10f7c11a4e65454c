# Two commands from a fresh machine:  `make run`  and  `make test`.
# Re-running is cheap: each step is skipped when its inputs have not changed (stamp files), so a second
# `make run` only checks the migrations and starts the server.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export FLASK_APP := app
VENDOR := static/vendor
# Stamps live next to what they describe, so deleting .venv or node_modules re-runs the step.
PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
VENDOR_FILES := $(VENDOR)/htmx.min.js $(VENDOR)/axe.min.js

.PHONY: run test setup deps vendor db demo lint format bench system-test-deps clean

run: setup ## set everything up and serve the site with demo data
	@$(BIN)/flask demo setup  # migrations + demo data when empty + logins, in one process
	@echo "Serving on http://127.0.0.1:$(PORT)/  (Ctrl-C to stop)"
	@$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

test: setup system-test-deps lint ## set up and run the whole suite (browser tests included)
	$(BIN)/pytest $(PYTEST_ARGS)

setup: deps vendor

deps: $(PY_STAMP)
vendor: $(VENDOR_FILES)

$(PY_STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

# npm ci installs exactly the committed package-lock.json (htmx.org 2.0.x pinned, axe-core for tests).
$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is missing: install Node.js 18+ (apt-get install nodejs npm)"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(VENDOR)/htmx.min.js: $(NODE_STAMP)
	@mkdir -p $(VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js $@

$(VENDOR)/axe.min.js: $(NODE_STAMP)
	@mkdir -p $(VENDOR)
	cp node_modules/axe-core/axe.min.js $@

db: deps
	@$(BIN)/flask db upgrade

demo: db
	@$(BIN)/flask demo load

# Debian packages the browser tests need; installed only when missing (make test only).
system-test-deps:
	@if ! dpkg -s chromium fonts-noto-cjk >/dev/null 2>&1; then \
	  echo "installing chromium and fonts-noto-cjk (apt-get)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-cjk; \
	fi

lint: deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: deps
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: setup
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	$(BIN)/python bench/search_bench.py
	$(BIN)/python bench/page_bench.py

clean:
	rm -rf .make-stamps $(VENV) node_modules $(VENDOR)
