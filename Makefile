# django-pageviews: development tasks. `make help` lists them.
# Every target installs what it needs: a fresh clone needs only Python 3.11+,
# a JDK 17 and Maven (plus network access to the package registries and Maven
# Central); `make test-django6` and `make matrix` also need Python 3.13 (and 3.12),
# found by devtools/find-python.sh on PATH or in ~/.pyenv.

PYTHON ?= $(shell devtools/find-python.sh 3.11 2>/dev/null || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
CASSANDRA := devtools/cassandra/cassandra.sh
STAMP  := $(VENV)/.installed-stamp

.DEFAULT_GOAL := help
.PHONY: help venv cassandra cassandra-stop cluster-test demo test test-fast test-django6 matrix suites lint typecheck docs pytest dist clean browser bench bench-reports bench-enrichment wrk

help:  ## List the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 18

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

#: The demo's port (its site's origins follow it); DEMO_REUSE_CASSANDRA=1 uses a node this checkout did not start.
DEMO_PORT ?= 8000
DEMO_REUSE_CASSANDRA ?=

demo: $(STAMP)  ## Start Cassandra, create the schema, register the demo site, serve it on 127.0.0.1:$(DEMO_PORT)
	PYTHON=$(BIN)/python DEMO_PORT=$(DEMO_PORT) \
	  $(CASSANDRA) run $(if $(DEMO_REUSE_CASSANDRA),,--own-node) -- devtools/demo.sh $(BIN)/python

lint: $(STAMP)  ## ruff (lint and format check)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)  ## mypy (strict, with django-stubs)
	$(BIN)/mypy

docs: $(STAMP)  ## Build the docs, warnings as errors
	$(BIN)/sphinx-build -q -W --keep-going -b html docs docs/_build/html

dist: $(STAMP)  ## Build sdist and wheel, twine check; in a fresh venv: the wheel, the docs and fast tests from the sdist
	devtools/check-dist.sh $(BIN)/python

CHROMIUM := /usr/bin/chromium

browser:  ## Make sure Debian's Chromium is installed (the browser tests drive /usr/bin/chromium)
	@if [ -x $(CHROMIUM) ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else echo "error: $(CHROMIUM) is missing; the browser tests need Debian's Chromium: sudo apt-get install chromium" >&2; exit 1; fi

pytest: $(STAMP) browser  ## The test suite alone (starts and stops Cassandra if it is not running)
	PYTHON=$(BIN)/python $(CASSANDRA) run -- $(BIN)/pytest

#: An address where no Cassandra node answers: a test that reaches for one fails at once instead of using it.
NO_CASSANDRA := 127.0.0.9

test-fast: $(STAMP)  ## The tests that need no Cassandra and no browser, in seconds (pytest -m "not cassandra")
	PAGEVIEWS_CASSANDRA_HOSTS=$(NO_CASSANDRA) $(BIN)/pytest -q -p no:cacheprovider -m "not cassandra"

cluster-test: $(STAMP)  ## Three local nodes (127.0.0.2-4), replication factor 3, QUORUM writes while a node goes down
	PYTHON=$(BIN)/python $(CASSANDRA) cluster-run 3 -- env PAGEVIEWS_CLUSTER_TEST=3 \
	  PAGEVIEWS_CASSANDRA_HOSTS=127.0.0.2,127.0.0.3,127.0.0.4 PAGEVIEWS_TEST_REPLICATION_FACTOR=3 \
	  PAGEVIEWS_TEST_CONSISTENCY=QUORUM $(BIN)/pytest -p no:cacheprovider tests/cluster

# The Python/Django pairs of noxfile.py: `make matrix` runs all three, `make test`
# the newest one besides the full run in .venv (Python 3.11, Django 5.2).
NOX := $(BIN)/nox --reuse-venv=yes --error-on-missing-interpreters
DJANGO6_SESSION := tests-3.13-django6.1

test-django6: $(STAMP)  ## The tests under Python 3.13 and the newest Django 6.x (nox), without browser, fault and cluster tests
	@devtools/find-python.sh 3.13 >/dev/null
	PYTHON=$(BIN)/python $(CASSANDRA) run -- $(NOX) -s $(DJANGO6_SESSION)

matrix: $(STAMP)  ## Every Python/Django pair claimed (3.11+5.2, 3.12+6.0, 3.13+6.1), without browser, fault and cluster tests
	@for v in 3.11 3.12 3.13; do devtools/find-python.sh $$v >/dev/null || exit 1; done
	PYTHON=$(BIN)/python $(CASSANDRA) run -- $(NOX) -t tests

# pytest and test-django6 under one start of the local node (when none answers).
suites: $(STAMP) browser
	PYTHON=$(BIN)/python $(CASSANDRA) run -- $(MAKE) --no-print-directory pytest test-django6

test: lint typecheck docs dist suites cluster-test  ## Everything CI runs: lint, types, docs, packaging, pytest, test-django6, the cluster test

clean:  ## Remove build outputs (not the venv nor Cassandra's data)
	rm -rf build dist docs/_build .mypy_cache .ruff_cache .pytest_cache *.egg-info .nox

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
