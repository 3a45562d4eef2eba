# Two commands do all set-up from a fresh clone:
#   make run    install, load the sources into the embedded store, serve on http://127.0.0.1:5000
#   make test   install and run the whole test suite
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
NODE_STAMP := node_modules/.installed-stamp

.PHONY: install assets load run serve test test-fast lint bench bench-deps loadtest dump coverage reconcile clean browser-deps help

help:
	@echo "make run        install, load the sources, serve on http://127.0.0.1:5000 (HOST/PORT: FUNDINGGRAPH_HOST/_PORT)"
	@echo "make test       install and run every test (CI runs this)"
	@echo "make load       (re)build the graph from sources/ and publish it atomically"
	@echo "make bench      performance benchmarks; results in BENCHMARKS.md (BENCH_ARGS=--quick or --full)"
	@echo "make loadtest   60 s load test with a reload in the middle (0 errors, 0 wrong answers)"
	@echo "make lint       ruff"
	@echo "make clean      remove the virtual environment, node_modules and var/"

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

assets: $(NODE_STAMP) $(STAMP)
	$(BIN)/python -m server.assets

install: $(STAMP) assets

load: install
	$(BIN)/fundinggraph load

run: load
	$(BIN)/fundinggraph serve

serve: install
	$(BIN)/fundinggraph serve

# Headless Chromium for the browser tests comes from Debian (the tests drive it with Playwright).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian chromium for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

test: install browser-deps
	$(BIN)/python -m pytest

test-fast: install
	$(BIN)/python -m pytest -m "not browser and not slow"

lint: install
	$(BIN)/ruff check .

dump: install
	$(BIN)/fundinggraph dump

coverage: install
	$(BIN)/fundinggraph coverage

reconcile: install
	$(BIN)/fundinggraph reconcile --exit-zero

# wrk (Debian) is the load generator of the serving benchmark; without it a Python generator is used.
bench-deps:
	@command -v wrk >/dev/null 2>&1 || { \
	  echo "installing Debian wrk for the serving benchmark"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq wrk >/dev/null; } \
	  || echo "wrk could not be installed; the benchmark falls back to its Python load generator"

BENCH_ARGS ?=
bench: install bench-deps
	$(BIN)/python -m fundinggraph.bench $(BENCH_ARGS)

loadtest: install
	LOADTEST_SECONDS=$${LOADTEST_SECONDS:-60} LOADTEST_REPORT=1 $(BIN)/python -m pytest -q -s -m slow tests/load/test_loadtest.py -p no:cacheprovider

clean:
	rm -rf $(VENV) node_modules var server/static/vendor .pytest_cache
