# The two commands that do everything: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_ADDR ?= 127.0.0.1:8000

.PHONY: demo test test-sqlite test-postgres lint check messages dist clean test-package benchmark

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,example]"
	touch $@

## demo: serve the seeded example site on SQLite at http://127.0.0.1:8000/
demo: $(VENV)/.installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --address $(DEMO_ADDR)
	@echo "Starting the task worker and the web server on http://$(DEMO_ADDR)/ (Ctrl+C stops both)."
	@trap 'kill 0' INT TERM EXIT; \
	$(BIN)/python manage.py db_worker --no-startup-delay & \
	$(BIN)/python manage.py runserver $(DEMO_ADDR)

## test: the whole suite: checks, SQLite, PostgreSQL when MEETINGS_TEST_POSTGRES is set, the wheel install
test: $(VENV)/.installed check test-sqlite test-postgres test-package

check: $(VENV)/.installed
	$(BIN)/python manage.py check --fail-level WARNING
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/ruff check .

test-sqlite: $(VENV)/.installed
	@echo "== test suite on SQLite"
	env -u MEETINGS_TEST_POSTGRES $(BIN)/python -m pytest

test-postgres: $(VENV)/.installed
	@if [ -n "$$MEETINGS_TEST_POSTGRES" ]; then \
		echo "== test suite on PostgreSQL"; \
		$(BIN)/python -m pytest; \
	elif [ "$$CI" = "true" ]; then \
		echo "CI=true but MEETINGS_TEST_POSTGRES is not set: PostgreSQL is required in CI." >&2; exit 1; \
	else \
		echo "== PostgreSQL run skipped: set MEETINGS_TEST_POSTGRES=postgresql://user@host:port/name to add it."; \
	fi

## benchmark: fill a database with a national association's volume (SCALE ?= 1.0: 10,000
## members) and measure the main pages. On EXAMPLE_SITE_DATABASE_URL when set, else on a
## SQLite file of its own (never the demo's database).
SCALE ?= 1.0
RUNS ?= 50
BENCH_DB ?= $(CURDIR)/benchmarks/bench.sqlite3
BENCH_ENV := EXAMPLE_SITE_DB=$(BENCH_DB)

benchmark: $(VENV)/.installed
	$(BENCH_ENV) $(BIN)/python manage.py migrate --noinput
	$(BENCH_ENV) $(BIN)/python benchmarks/fill.py --scale $(SCALE) --replace
	$(BENCH_ENV) $(BIN)/python benchmarks/measure.py --runs $(RUNS)

## messages: refresh and compile the Dutch catalogues (the app's and the example site's)
messages: $(VENV)/.installed
	cd wagtail_meetings && ../$(BIN)/django-admin makemessages -l nl --no-obsolete
	cd wagtail_meetings && ../$(BIN)/django-admin compilemessages -l nl
	cd example_site && ../$(BIN)/django-admin makemessages -l nl --no-obsolete
	cd example_site && ../$(BIN)/django-admin compilemessages -l nl

## dist: build the sdist and the wheel into dist/
dist: $(VENV)/.installed
	rm -rf dist build
	$(BIN)/python -m build --outdir dist .

clean:
	rm -rf $(VENV) dist build *.egg-info .pytest_cache .ruff_cache

## test-package: build the wheel, install it in a fresh venv and a new `wagtail start` project as the README says
test-package: $(VENV)/.installed
	bash tests/package/check_install.sh
