# Stable interface: `make run` and `make test` work on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
FLASK := $(VENV)/bin/flask --app wsgi
export PORT ?= 5000
# One worker by default: rate limits kept in memory must be shared by every request. With more workers,
# set RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/0 so the limits hold across them.
WORKERS ?= 1
export DEMO_PASSWORD ?= demo-password

.PHONY: run test install install-dev assets db instruments demo bench bench-national lint backup restore clean e2e load

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(VENV)/bin/activate
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed assets
install-dev: $(VENV)/.installed-dev assets

node_modules/.installed: package.json
	npm install --no-audit --no-fund --silent
	touch $@

# Compiled GOV.UK Frontend CSS/JS/images and plotly.min.js are generated, never committed.
app/static/govuk/.built: node_modules/.installed assets/govuk.scss $(VENV)/.installed
	mkdir -p app/static/govuk/assets app/static/plotly
	node_modules/.bin/sass --load-path=node_modules --style=compressed --no-source-map --quiet-deps \
		assets/govuk.scss app/static/govuk/govuk-frontend.min.css
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js app/static/govuk/
	rm -rf app/static/govuk/assets/images && cp -r node_modules/govuk-frontend/dist/govuk/assets/images app/static/govuk/assets/
	cp node_modules/govuk-frontend/dist/govuk/assets/manifest.json app/static/govuk/assets/
	cp "$$($(PY) -c 'import plotly, os; print(os.path.join(os.path.dirname(plotly.__file__), "package_data", "plotly.min.js"))')" app/static/plotly/
	touch $@

assets: app/static/govuk/.built

db: $(VENV)/.installed
	$(FLASK) db upgrade

instruments: db
	$(FLASK) instruments load

demo: instruments
	$(FLASK) demo load --if-empty

# A worker runs beside gunicorn and is stopped when gunicorn exits: with JOBS_REDIS_URL set, the RQ worker
# (`flask jobs worker`: downloads and email); without it the mail worker (`flask mail deliver --loop`), and
# downloads are prepared in a thread of gunicorn. Without MAIL_SERVER emails only wait in the outbox.
run: install instruments
	$(FLASK) demo load --if-empty
	@echo "Serving on http://127.0.0.1:$(PORT)"
	if [ -n "$$JOBS_REDIS_URL" ]; then $(FLASK) jobs worker & else $(FLASK) mail deliver --loop & fi; worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT; \
	$(VENV)/bin/gunicorn --bind 127.0.0.1:$(PORT) --workers $(WORKERS) --threads 8 --access-logfile - 'wsgi:app'

# The suite runs in TEST_WORKERS processes (pytest-xdist, a test file's tests on one worker, so module fixtures
# are made once; each worker has its own databases, see tests/parallel.py);
# TEST_WORKERS=0 runs it in this one.
TEST_WORKERS ?= 2
test: install-dev
	$(VENV)/bin/pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# Lint (settings in pyproject.toml); CI runs it before the tests.
lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Browser journeys in Debian's Chromium (apt-get install chromium) against gunicorn on a fresh database.
e2e: install-dev
	$(VENV)/bin/pytest tests/e2e $(PYTEST_ARGS)

# Benchmarks (bench/RESULTS.md). BENCH_ARGS e.g. --database-url postgresql://postgres@127.0.0.1/empty_db
bench: install-dev
	$(PY) -m bench --scale partnership $(BENCH_ARGS)

bench-national: install-dev
	$(PY) -m bench --scale national $(BENCH_ARGS)

# Full-size load run against a server started with `make run` (use DATABASE_URL=postgresql://... for PostgreSQL).
LOAD_ARGS ?= --users 50 --requests 2000 --time-cap 180
load: install-dev
	$(PY) -m load --base-url http://127.0.0.1:$(PORT) $(LOAD_ARGS)

# Backups of the database in DATABASE_URL (SQLite file by default): make backup [OUT=file]; make restore FILE=file.
# Evidence files are held in the database, so the backup includes them.
backup: $(VENV)/.installed
	$(PY) -m app.backup backup $(if $(OUT),--output $(OUT),)

restore: $(VENV)/.installed
	@test -n "$(FILE)" || (echo "Usage: make restore FILE=instance/backups/<file>" >&2; exit 1)
	$(PY) -m app.backup restore $(FILE)

clean:
	rm -rf app/static/govuk app/static/plotly node_modules
