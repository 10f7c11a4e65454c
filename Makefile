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
VENDOR_FILES := $(VENDOR)/htmx.min.js $(VENDOR)/head-support.min.js $(VENDOR)/axe.min.js
# Static files (issue 12): content hashes in static/.manifest.json for versioned, immutable URLs, and .br/.gz
# copies next to each compressible file (app/web/assets.py); remade when any static file changes.
MANIFEST := static/.manifest.json
STATIC_SOURCES = $(shell find static -type f ! -name '*.br' ! -name '*.gz' ! -name '.manifest.json' 2>/dev/null)
# Debian packages the browser tests need (make system-deps).
SYSTEM_PACKAGES := chromium fonts-noto-cjk
# pytest-xdist workers for `make test`: auto = one per core; JOBS=0 runs in a single process. Each worker
# has its own database, search index, uploads, live server and Chromium (tests/conftest.py).
JOBS ?= auto
XDIST := -n $(JOBS) --dist loadgroup

.PHONY: run test setup deps vendor assets db demo lint format bench system-deps clean

run: setup ## set everything up and serve the site with demo data
	@$(BIN)/flask demo setup  # migrations + demo data when empty + logins, in one process
	@echo "Serving on http://127.0.0.1:$(PORT)/  (Ctrl-C to stop)"
	@$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

test: setup system-deps lint ## set up and run the whole suite in parallel (browser tests included)
	$(BIN)/pytest $(XDIST) $(PYTEST_ARGS)

setup: deps vendor assets

deps: $(PY_STAMP)
vendor: $(VENDOR_FILES)
assets: $(MANIFEST)

$(PY_STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

# npm ci installs exactly the committed package-lock.json (htmx.org 2.0.x and its head-support extension
# pinned, axe-core for tests).
$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is missing: install Node.js 18+ (apt-get install nodejs npm)"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(VENDOR)/htmx.min.js: $(NODE_STAMP)
	@mkdir -p $(VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js $@

# htmx's head-support extension: a boosted navigation merges the new page's <head> (stylesheets, scripts).
$(VENDOR)/head-support.min.js: $(NODE_STAMP)
	@mkdir -p $(VENDOR)
	cp node_modules/htmx-ext-head-support/dist/head-support.min.js $@

$(VENDOR)/axe.min.js: $(NODE_STAMP)
	@mkdir -p $(VENDOR)
	cp node_modules/axe-core/axe.min.js $@

$(MANIFEST): $(PY_STAMP) $(VENDOR_FILES) $(STATIC_SOURCES)
	$(BIN)/python -c 'from app.web.assets import main; main()' static

db: deps
	@$(BIN)/flask db upgrade

demo: db
	@$(BIN)/flask demo load

# The Debian packages of the browser tests, installed with apt-get only when missing: as root, or through
# sudo when it needs no password. Otherwise (or when apt-get fails) it stops with the command to run.
system-deps:
	@command -v dpkg >/dev/null || { \
	  echo "system-deps: not a Debian/Ubuntu system; install Chromium as /usr/bin/chromium and Noto CJK fonts"; \
	  exit 1; }; \
	missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || printf '%s ' $$p; done); \
	missing=$${missing% }; [ -n "$$missing" ] || exit 0; \
	if [ "$$(id -u)" = 0 ]; then sudo=; \
	elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo="sudo -n"; \
	else \
	  echo "system-deps: the browser tests need the Debian packages: $$missing"; \
	  echo "  You are not root and sudo is missing or needs a password, so make will not install them."; \
	  echo "  Install them once:  sudo apt-get install $$missing"; \
	  echo "  then run make test again."; \
	  exit 1; \
	fi; \
	echo "system-deps: installing $$missing (apt-get)"; \
	$$sudo apt-get update -qq && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing || { \
	  echo "system-deps: apt-get could not install: $$missing"; \
	  echo "  Install them by hand (apt-get install $$missing, as root), then run make test again."; \
	  exit 1; }

lint: deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: deps
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Lighthouse (issue 12) lives in bench/ only: its own package.json and lock, never part of `make setup`.
# wrk drives bench/page_bench.py; a target-specific value reaches the system-deps prerequisite.
bench: SYSTEM_PACKAGES += wrk
bench: setup system-deps
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	npm ci --prefix bench --no-audit --no-fund --loglevel=error
	$(BIN)/python bench/search_bench.py
	$(BIN)/python bench/page_bench.py --lighthouse

clean:
	rm -rf .make-stamps $(VENV) node_modules $(VENDOR) $(MANIFEST)
	find static \( -name '*.br' -o -name '*.gz' \) -delete
