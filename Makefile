# Peer Power — developer and CI entry points.  `make help` lists the targets.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
# `make test` runs its steps in the order given, even under `make -j`.
.NOTPARALLEL:

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PYTEST := $(PY) -m pytest
STAMP := $(VENV)/.installed
LOCK := requirements/lock.txt

# Extra arguments for pytest, e.g. `make test-sqlite PYTEST_ARGS="-n 2 -x"`.
# Tests run in a random order (pytest-randomly); the header prints the seed, and
# `PYTEST_ARGS=--randomly-seed=N` replays that order (`=last`: the last run's; `-p no:randomly`: file order).
PYTEST_ARGS ?=
# The SQLite and PostgreSQL legs run on every core (pytest-xdist): each worker has its own
# database (test_peerpower_gwK on PostgreSQL) and its own cache: on SQLite its database's cache
# table, on Redis database 15-K (settings.redis_url_for_worker), since the tests empty the cache.
# The browser leg runs in one process (one live server).
XDIST_ARGS ?= -n auto
# Branch coverage of src/peerpower, measured on the SQLite leg: below this the leg fails.
COVERAGE_FLOOR ?= 90
COVERAGE_ARGS := --cov --cov-report=term --cov-fail-under=$(COVERAGE_FLOOR)
LOCK_ARGS ?=
PG_URL ?= postgres://postgres@127.0.0.1:5432/peerpower
# The server whose maintenance database a benchmark makes (and drops) its throwaway database on.
BENCH_PG_SERVER ?= postgres://postgres@127.0.0.1:5432/postgres
# A database number of its own: the tests clear it.
REDIS_TEST_URL ?= redis://127.0.0.1:6379/15
CHROMIUM ?= /usr/bin/chromium
DEMO_BIND ?= 127.0.0.1:8000

.PHONY: help venv lock demo lint typecheck test test-sqlite test-postgres test-e2e \
	check-postgres check-redis check-chromium bench bench-formation clean distclean

help:
	@echo "make venv           create .venv from $(LOCK) (plain pip) and install peerpower editable"
	@echo "make demo           migrate, load demo data, run the task worker and gunicorn on $(DEMO_BIND)"
	@echo "make test           lint, typecheck, test-sqlite, test-postgres, test-e2e (in that order)"
	@echo "make lint           ruff check + ruff format --check"
	@echo "make typecheck      mypy src tests"
	@echo "make test-sqlite    pytest -m 'not e2e' on SQLite, with branch coverage (floor $(COVERAGE_FLOOR) %)"
	@echo "make test-postgres  pytest -m 'not e2e' on PostgreSQL ($(PG_URL))"
	@echo "make test-e2e       pytest -m e2e (Playwright + $(CHROMIUM)) on SQLite"
	@echo "make bench          run the benchmarks (never part of make test)"
	@echo "make bench-formation  the group formation solver on 12 MDGPLIB instances (~48 CPU-min)"
	@echo "make lock           regenerate $(LOCK) from pyproject.toml (installs uv into .venv)"
	@echo "make clean          remove .venv, caches and collected static files (distclean: also var/)"

# --------------------------------------------------------------------------- environment

venv: $(STAMP)

$(STAMP): $(LOCK) pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check -r $(LOCK)
	$(PIP) install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

# Exact pins with hashes for runtime + dev. uv is used only here, never by `make venv`.
# Keeps the current pins where they still fit; `make lock LOCK_ARGS=--upgrade` moves every
# package to the newest version the ranges in pyproject.toml allow.
lock:
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check uv
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --generate-hashes \
		--python-version 3.11 --custom-compile-command "make lock" \
		--output-file $(LOCK) $(LOCK_ARGS)

# Run-time data (SQLite files, the task queue, collected static). Django's settings are
# imported by mypy's plugin and by pytest, and the SQLite task queue opens its file there.
var:
	mkdir -p $@

# --------------------------------------------------------------------------- demo

# Links in the demo's emails point where it is served, unless SITE_URL says otherwise.
demo: export SITE_URL ?= http://$(DEMO_BIND)
demo: venv | var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	$(PY) manage.py collectstatic --noinput
	$(PY) manage.py load_demo --url http://$(DEMO_BIND)
	@echo "Starting the task worker and gunicorn on http://$(DEMO_BIND)/ (Ctrl-C stops both)"
	$(PY) manage.py run_huey & worker=$$!; \
	trap 'kill $$worker 2>/dev/null || true; wait $$worker 2>/dev/null || true' EXIT INT TERM; \
	$(VENV)/bin/gunicorn peerpower.wsgi:application --bind $(DEMO_BIND) --workers 3

# --------------------------------------------------------------------------- quality

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: venv | var
	$(VENV)/bin/mypy src tests

# --------------------------------------------------------------------------- tests

test: lint typecheck test-sqlite test-postgres test-e2e

# DATABASE_URL is removed so the settings fall back to SQLite whatever the caller's shell has.
test-sqlite: venv | var
	env -u DATABASE_URL -u REDIS_URL $(PYTEST) -m "not e2e" $(XDIST_ARGS) $(COVERAGE_ARGS) $(PYTEST_ARGS)

# pytest-django creates (and drops) the test_peerpower database itself.
# The many-machines configuration: PostgreSQL for data, Redis for the shared cache (rate
# limits, remembered MFA checks) as several app servers would use them.
test-postgres: venv check-postgres check-redis | var
	DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS_TEST_URL) $(PYTEST) -m "not e2e" $(XDIST_ARGS) $(PYTEST_ARGS)

test-e2e: venv check-chromium | var
	rc=0; env -u DATABASE_URL -u REDIS_URL PEERPOWER_CHROMIUM="$(CHROMIUM)" $(PYTEST) -m e2e $(PYTEST_ARGS) || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "test-e2e: no browser tests were collected (pytest -m e2e found nothing under tests/)." >&2; fi; \
	exit $$rc

check-postgres: venv
	@$(PY) -c "import sys, psycopg; \
	c = psycopg.connect(sys.argv[1], dbname='postgres', connect_timeout=5); c.close()" '$(PG_URL)' \
	2>/dev/null || { \
	echo "PostgreSQL is not reachable as $(PG_URL) (checked by connecting to its 'postgres' database)." >&2; \
	echo "Start it with:  pg_ctlcluster --skip-systemctl-redirect \$$(ls /etc/postgresql) main start" >&2; \
	echo "(or point PG_URL at a server you have: make test-postgres PG_URL=postgres://USER@HOST:PORT/peerpower)" >&2; \
	exit 1; }

check-redis: venv
	@$(PY) -c "import sys, redis; redis.Redis.from_url(sys.argv[1], socket_timeout=5).ping()" '$(REDIS_TEST_URL)' \
	2>/dev/null || { \
	echo "Redis is not reachable as $(REDIS_TEST_URL)." >&2; \
	echo "Start it with:  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save \"\" --appendonly no" >&2; \
	exit 1; }

check-chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
		if [ "$$(id -u)" = 0 ] && [ "$(CHROMIUM)" = /usr/bin/chromium ]; then \
			echo "$(CHROMIUM) is missing: installing Debian's chromium package"; \
			apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; \
		else \
			echo "The browser tests need Debian's Chromium at $(CHROMIUM), which is missing." >&2; \
			echo "Install it with:  sudo apt-get update && sudo apt-get install -y chromium" >&2; \
			echo "(Playwright's own 'playwright install' cannot download browsers here.)" >&2; \
			exit 1; \
		fi; \
	fi
	@"$(CHROMIUM)" --version 2>/dev/null

# --------------------------------------------------------------------------- benchmarks

bench: venv
	$(PY) bench/run.py
	$(PY) bench/room.py
	$(PY) bench/directory.py
	$(PY) bench/coaching.py
	$(PY) bench/coaching.py --pg-url $(BENCH_PG_SERVER)
	$(PY) bench/impact.py

# The formation solver against the published best-known values (../shared/mdgp/): 12 instances
# x 5 seeds at the literature's time limits, 48 minutes of CPU; BENCH_FORMATION_ARGS="--jobs 2"
# runs two solves at once. One BLAS thread per solve: the limits are CPU time of one core.
BENCH_FORMATION_ARGS ?=
bench-formation: venv
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 \
		$(PY) bench/formation.py $(BENCH_FORMATION_ARGS)

# --------------------------------------------------------------------------- cleaning

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .mypy_cache .ruff_cache test-results screenshots \
		build dist src/*.egg-info
	find . -path ./.git -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

# Also removes var/ (the demo SQLite database, the task queue, uploaded media).
distclean: clean
	rm -rf var
