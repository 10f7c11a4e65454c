# Two commands from a fresh machine:  `make run`  and  `make test`.
# Re-running is cheap: each step is skipped when its inputs have not changed (stamp files).
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export FLASK_APP := app
STAMPS := .make-stamps
VENDOR := static/vendor

.PHONY: run test setup deps vendor db demo lint format bench system-test-deps clean

run: setup db ## set everything up and serve the site with demo data
	@$(BIN)/flask demo load --if-empty
	@$(BIN)/flask demo logins
	@echo "Serving on http://127.0.0.1:$(PORT)/  (Ctrl-C to stop)"
	@$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

test: setup system-test-deps lint ## set up and run the whole suite (browser tests included)
	$(BIN)/pytest $(PYTEST_ARGS)

setup: deps vendor

deps: $(STAMPS)/python
vendor: $(STAMPS)/vendor

$(STAMPS)/python: pyproject.toml
	@mkdir -p $(STAMPS)
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

$(STAMPS)/node: package.json package-lock.json
	@mkdir -p $(STAMPS)
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(STAMPS)/vendor: $(STAMPS)/node
	@mkdir -p $(VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx.min.js
	cp node_modules/axe-core/axe.min.js $(VENDOR)/axe.min.js
	@touch $@

db: deps
	@$(BIN)/flask db upgrade

# Debian packages the browser tests need; installed only when missing.
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
	rm -rf $(STAMPS) $(VENV) node_modules $(VENDOR)
