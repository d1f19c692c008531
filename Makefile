# django-pageviews: development tasks. `make help` lists them.
# Every target installs what it needs: a fresh clone needs only Python 3.11+,
# a JDK 17 and Maven (plus network access to PyPI and Maven Central).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
CASSANDRA := devtools/cassandra/cassandra.sh
STAMP  := $(VENV)/.installed-stamp

.DEFAULT_GOAL := help
.PHONY: help venv cassandra cassandra-stop cluster-test demo test lint typecheck docs pytest dist clean browser bench bench-reports bench-enrichment wrk

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 18

# pip >= 25.1 installs PEP 735 dependency groups (pyproject.toml [dependency-groups]).
$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade 'pip>=25.1'
	$(BIN)/pip install --quiet -e . --group test --group dev --group docs
	@touch $@

venv: $(STAMP)  ## Create .venv with the app (editable) and the test, dev and docs groups

cassandra: $(STAMP)  ## Start the local Apache Cassandra node (no-op when it answers)
	PYTHON=$(BIN)/python $(CASSANDRA) start

cassandra-stop:  ## Stop the local Cassandra node
	$(CASSANDRA) stop

demo: $(STAMP)  ## Start Cassandra, create the schema, register the demo site, serve it on :8000
	PYTHON=$(BIN)/python $(CASSANDRA) run -- devtools/demo.sh $(BIN)/python

lint: $(STAMP)  ## ruff (lint and format check)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)  ## mypy (strict, with django-stubs)
	$(BIN)/mypy

docs: $(STAMP)  ## Build the docs, warnings as errors
	$(BIN)/sphinx-build -q -W --keep-going -b html docs docs/_build/html

dist: $(STAMP)  ## Build sdist and wheel, twine check --strict, install the wheel in a fresh venv
	devtools/check-dist.sh $(BIN)/python

CHROMIUM := /usr/bin/chromium

browser:  ## Make sure Debian's Chromium is installed (the browser tests drive /usr/bin/chromium)
	@if [ -x $(CHROMIUM) ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else echo "error: $(CHROMIUM) is missing; the browser tests need Debian's Chromium: sudo apt-get install chromium" >&2; exit 1; fi

pytest: $(STAMP) browser  ## The test suite alone (starts and stops Cassandra if it is not running)
	PYTHON=$(BIN)/python $(CASSANDRA) run -- $(BIN)/pytest

cluster-test: $(STAMP)  ## Three local nodes (127.0.0.2-4), replication factor 3, QUORUM writes while a node goes down
	PYTHON=$(BIN)/python $(CASSANDRA) cluster-run 3 -- env PAGEVIEWS_CLUSTER_TEST=3 \
	  PAGEVIEWS_CASSANDRA_HOSTS=127.0.0.2,127.0.0.3,127.0.0.4 PAGEVIEWS_TEST_REPLICATION_FACTOR=3 \
	  PAGEVIEWS_TEST_CONSISTENCY=QUORUM $(BIN)/pytest -p no:cacheprovider tests/cluster

test: lint typecheck docs dist pytest cluster-test  ## Everything CI runs: lint, types, docs, packaging, tests, the cluster test

clean:  ## Remove build outputs (not the venv nor Cassandra's data)
	rm -rf build dist docs/_build .mypy_cache .ruff_cache .pytest_cache *.egg-info

BENCH_STAMP := $(VENV)/.bench-stamp

$(BENCH_STAMP): $(STAMP)
	$(BIN)/pip install --quiet --group bench
	@touch $@

wrk:  ## Make sure the wrk load generator is installed (Debian's package)
	@if command -v wrk >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; \
	else echo "error: wrk is missing; install Debian's wrk package (apt-get install wrk) as root" >&2; exit 1; fi

bench: $(BENCH_STAMP) wrk  ## Ingest benchmark: collect vs baseline vs the recipe's Flask apps, under gunicorn + wrk
	PYTHON=$(BIN)/python $(CASSANDRA) run -- $(BIN)/python -m benchmarks.ingest.run
	PYTHON=$(BIN)/python $(CASSANDRA) run -- $(BIN)/python -m benchmarks.ingest.bulk

bench-reports: $(STAMP)  ## Report benchmark: 1,000,000 pageviews, rollup, 30-day dashboard vs raw scan
	PYTHON=$(BIN)/python $(CASSANDRA) run -- $(BIN)/python benchmarks/reports.py

bench-enrichment: $(STAMP)  ## Per-hit enrichment cost with and without cache
	$(BIN)/python benchmarks/enrichment.py
