# Yingshang — the two commands of the quick start are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
YS := $(PY) -m yingshang
PG_URL ?= postgres://postgres@127.0.0.1:5432/yingshang
PYTEST_WORKERS ?= 2

.PHONY: run test test-fast test-pg lint typecheck format bench demo messages install install-test chromium cluster-tools cluster-test demo-city clean help

help:
	@echo "make run      install, migrate, load the demo county, start web + worker on http://127.0.0.1:8000"
	@echo "make test     install test tools (and Debian chromium), run the whole suite on SQLite"
	@echo "make test-fast  the suite without browser and worker-process tests (a few minutes)"
	@echo "make test-pg  the same suite on PostgreSQL (PG_URL=$(PG_URL))"
	@echo "make lint     ruff check + format check + mypy on the shared core"
	@echo "make bench    benchmarks (PostgreSQL), results in bench/results and docs/performance.md"
	@echo "make demo     reset the demo data (embedded SQLite database)"
	@echo "make demo-city  the same with two counties under one city (示范市: 示范县, 示范二县)"
	@echo "make cluster-test  PostgreSQL primary + standby, pgbouncer, Redis, nginx, 2 app servers, 2 workers"
	@echo "              on loopback ports, a mixed load with faults, proves no write or task lost (~5 min)"

$(VENV)/bin/activate:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	$(PYTHON) -m venv $(VENV) || { echo "python3-venv is missing: sudo apt-get install -y python3-venv"; exit 1; }
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: $(VENV)/bin/activate pyproject.toml
	$(PIP) install --quiet -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PIP) install --quiet -e '.[test]'
	@touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

messages: $(VENV)/.installed
	$(YS) compiletranslations

# Debian's chromium drives the browser tests (Playwright's own download does not work offline).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "installing Debian chromium for the browser tests …"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	  else \
	    echo "chromium is missing: run 'sudo apt-get install -y chromium fonts-noto-cjk' (browser tests need it)"; exit 1; \
	  fi; \
	fi

# The cluster test (deploy/cluster/cluster_test.py, docs/operations.md "The cluster test"): Debian's
# nginx and pgbouncer; PostgreSQL (/usr/lib/postgresql/*/bin) and redis-server must be installed.
CLUSTER_ARGS ?=
cluster-tools:
	@missing=""; \
	for pkg in nginx pgbouncer; do \
	  command -v $$pkg >/dev/null || [ -x /usr/sbin/$$pkg ] || missing="$$missing $$pkg"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "installing Debian$$missing for the cluster test …"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else \
	    echo "missing:$$missing — run 'sudo apt-get install -y$$missing' (the cluster test needs them)"; exit 1; \
	  fi; \
	fi

cluster-test: $(VENV)/.installed messages cluster-tools
	$(PY) deploy/cluster/cluster_test.py $(CLUSTER_ARGS)

run: $(VENV)/.installed messages
	YINGSHANG_DEMO=1 $(YS) migrate --no-input -v0
	YINGSHANG_DEMO=1 $(YS) createcachetable
	YINGSHANG_DEMO=1 $(YS) demo
	@echo ""
	@echo "营商通 is starting on http://$${BIND:-127.0.0.1:8000}  (Ctrl-C stops the web server and the worker)"
	YINGSHANG_DEMO=1 $(YS) serve

demo: $(VENV)/.installed messages
	rm -f data/yingshang.sqlite3 data/yingshang.sqlite3-wal data/yingshang.sqlite3-shm
	rm -rf data/audit-checkpoints  # the checkpoints of the database just removed
	YINGSHANG_DEMO=1 $(YS) migrate --no-input -v0
	YINGSHANG_DEMO=1 $(YS) createcachetable
	YINGSHANG_DEMO=1 $(YS) demo

# the two-county demo: 示范市 with 示范县 and 示范二县 (org.tenancy; docs/operations.md "A city and
# its counties"); replaces the demo database like `make demo`
demo-city: $(VENV)/.installed messages
	rm -f data/yingshang.sqlite3 data/yingshang.sqlite3-wal data/yingshang.sqlite3-shm
	rm -rf data/audit-checkpoints
	YINGSHANG_DEMO=1 $(YS) migrate --no-input -v0
	YINGSHANG_DEMO=1 $(YS) createcachetable
	YINGSHANG_DEMO=1 $(YS) demo --city
	@echo "start it with: YINGSHANG_DEMO=1 COUNTY_NAME=示范市 .venv/bin/python -m yingshang serve"

test: $(VENV)/.installed-test messages chromium
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) --dist loadgroup -q

# the inner loop: no browser (Playwright), no worker subprocesses
test-fast: $(VENV)/.installed-test messages
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) --dist loadgroup -q -m "not browser and not subprocess"

test-pg: $(VENV)/.installed-test messages chromium
	DATABASE_URL=$(PG_URL) $(VENV)/bin/pytest -n $(PYTEST_WORKERS) --dist loadgroup -q

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

typecheck: $(VENV)/.installed-test
	$(VENV)/bin/mypy

format: $(VENV)/.installed-test
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(VENV)/.installed-test messages
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) data/static test-artifacts
