# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
WORKERS ?= 2
N      ?= 10000 100000
MANAGE := $(BIN)/python manage.py

.PHONY: install run serve setup test test-fast test-postgres e2e browser axe lint format bench bench-extract bench-warc clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# Collect static (first: every later command's checks would warn without it), migrate,
# import the seed articles (idempotent), bring the index in line.
setup: install
	$(MANAGE) collectstatic --noinput --verbosity 0
	$(MANAGE) migrate --noinput
	$(MANAGE) clean_uploads
	$(MANAGE) import_articles fixtures/
	$(MANAGE) check_index --repair

run: setup
	@echo ""
	@echo "Serving the archive on http://$(HOST):$(PORT)/"
	@echo "To create an admin user (for /admin/ and uploads):  $(MANAGE) createsuperuser"
	@echo ""
	$(MAKE) serve

serve:
	$(BIN)/gunicorn archive.wsgi --bind $(HOST):$(PORT) --workers $(WORKERS) \
		--access-logfile - --timeout 60 --graceful-timeout 10 --limit-request-line 8190

# Debian's chromium for the browser tests (playwright cannot download its own here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
		|| echo "Could not install chromium: browser tests will be skipped"; }

# axe-core for the browser tests' accessibility checks, from the npm registry (version pinned
# in tests/e2e/axe.py); without npm the checks skip and say so.
axe: install
	$(BIN)/python -m tests.e2e.axe

test: install browser axe
	$(MANAGE) makemigrations --check --dry-run
	$(BIN)/ruff check .
	$(BIN)/pytest

test-fast: install
	$(BIN)/pytest -m "not e2e and not slow" -x

test-postgres: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} SECRET_KEY=$${SECRET_KEY:-test-only-key} $(BIN)/pytest

e2e: install browser axe
	$(BIN)/pytest -m e2e

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python -m bench.run $(foreach n,$(N),--n $(n))

# The importer on ../shared/ingest-dev (HTML and scraped text) beside trafilatura alone;
# LIMIT=50 for a quick look (50 pages of each set).
LIMIT ?= 0
bench-extract: install
	$(BIN)/python -m bench.extraction --limit $(LIMIT) $(if $(filter 0,$(LIMIT)),--readme,)

# Web archive import: N pages as HTML files, then as one WARC (WARC_N=500).
WARC_N ?= 500
bench-warc: install
	$(BIN)/python -m bench.warc --n $(WARC_N)

clean:
	rm -rf var/whoosh var/test-* var/staticfiles .pytest_cache
