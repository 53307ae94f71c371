# Counterpart: `make run` to try it, `make test` to check it, `make bench` to measure it.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 5000
BIN := $(VENV)/bin
POSTGRES_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/test

.PHONY: install run test test-postgres bench lint fuzz load lock screenshots clean translations

$(BIN)/counterpart: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Counterpart needs Python 3.11 or newer (set PYTHON=python3.11).")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip setuptools wheel
	$(BIN)/pip install --quiet -e '.[test,dev]'
	@touch $@

install: $(BIN)/counterpart

## Serve at http://127.0.0.1:$(PORT) with demo data; prints a one-time admin password on first run.
run: install
	$(BIN)/counterpart quickstart
	$(BIN)/counterpart run --host 127.0.0.1 --port $(PORT)

## The whole test suite on SQLite.
test: install
	$(BIN)/pytest

## The whole test suite again on PostgreSQL (each test in its own schema).
test-postgres: install
	COUNTERPART_TEST_DATABASE_URL=$(POSTGRES_TEST_URL) $(BIN)/pytest

## Performance runs; figures are printed and belong in the README.
## (about 25 minutes on a 2-core machine; each script also runs alone, see its --help)
bench: install
	$(BIN)/python benchmarks/core.py
	$(BIN)/python benchmarks/search.py --sizes 10000 100000
	$(BIN)/python benchmarks/import.py
	$(BIN)/python benchmarks/indicators.py
	$(BIN)/python benchmarks/index_bench.py --sizes 10000 100000
	$(BIN)/python benchmarks/access_log.py
	$(BIN)/python benchmarks/mail.py
	$(BIN)/python benchmarks/campaign.py
	$(BIN)/python benchmarks/password_reset.py

## Extract the interface's texts and merge them into the French and Arabic catalogues.
translations: install
	$(BIN)/pybabel extract --no-location --sort-by-file -F babel.cfg -k _l -k lazy_gettext -k counted:1,2 -o directory/translations/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching -i directory/translations/messages.pot -d directory/translations
	$(BIN)/pybabel compile -d directory/translations

## The main pages in English, French and Arabic, desktop and 360 px, into docs/screenshots/
## (Debian's chromium: apt-get install chromium).
screenshots: install
	$(BIN)/python tests/browser/screenshots.py

## Style, complexity (at most 15), unused arguments, import order (ruff), and types in index/
## and imports/ (mypy); settings in pyproject.toml.
lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

## The API fuzzed from its OpenAPI document (schemathesis) against a real gunicorn, on SQLite
## then on PostgreSQL: no 500, no answer outside the document. A fixed seed and number of
## examples per operation; about a minute each.
fuzz: install
	$(BIN)/python benchmarks/fuzz.py
	$(BIN)/python benchmarks/fuzz.py --database $(POSTGRES_TEST_URL)

## 8 clients for 60 s against gunicorn (search, entry reads, contact logging, an import), then
## the same on PostgreSQL with a restart of the server in the middle. Ends non-zero on any
## error beyond the requests in flight during the restart. RESTART_POSTGRES=0 skips the restart
## (it briefly interrupts every other user of that PostgreSQL).
load: install
	$(BIN)/python benchmarks/load.py --seconds 60
	$(BIN)/python benchmarks/load.py --seconds 60 --database $(POSTGRES_TEST_URL) \
	  $(if $(filter 0,$(RESTART_POSTGRES)),,--restart-postgres)

## requirements.lock: the runtime dependencies pinned with their hashes, for deployments
## (`pip install --require-hashes -r requirements.lock`, then the wheel with --no-deps).
lock: install
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe \
	  --no-emit-index-url --no-emit-find-links --output-file requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) .pytest_cache
