# Linli: every everyday task is a make target, so a newcomer needs two commands:
#   make demo   # a running site with demo data on http://127.0.0.1:8000/
#   make test   # everything CI checks
# The README documents each target.

PORT ?= 8000
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.linli-installed
MANAGE := $(PY) manage.py
# Directories that hold no project source: never lint, scan or translate them.
IGNORE := --ignore=.venv --ignore=var --ignore=node_modules

.DEFAULT_GOAL := help
.PHONY: help demo test run bench bench-data bench-bookings bench-durability bench-metrics bench-metrics-data bench-calendars fuzz messages compile-messages clean venv lint

help:
	@echo "make demo      install, migrate, load demo data and serve on http://127.0.0.1:$(PORT)/"
	@echo "make test      lint, format check, migration check and the sqlite/postgresql/browser lanes"
	@echo "make run       production-like: DEBUG=0, collectstatic, gunicorn on 127.0.0.1:$(PORT) + task worker"
	@echo "make bench     API latency relative to /api/health (not part of make test)"
	@echo "make bench-bookings  1,000 rooms, 1M bookings in var/bench, then bench/bookings.py (docs/scaling.md)"
	@echo "make bench-durability  SIGKILL the server 20 times under booking load (needs bench-bookings' data)"
	@echo "make bench-metrics   50 venues, 300k bookings, 1M check-ins in var/bench-metrics, then bench/metrics.py"
	@echo "make bench-calendars  a venue feed with 5,000 events: full and 304 (not part of make test)"
	@echo "make fuzz      schemathesis: 10,000+ generated API requests per caller (not part of make test)"
	@echo "make messages  collect translatable strings into locale/en and compile them"
	@echo "make clean     remove var/ (database, uploads, logs, static) and caches; keeps .venv"

# The virtualenv is created once; dependencies are reinstalled only when the files that
# pin them change (the stamp is older than pyproject.toml or constraints.txt).
$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml constraints.txt | $(PY)
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	@touch $@

venv: $(STAMP)

# .mo files are build products (not committed); compile them whenever gettext is here.
compile-messages: $(STAMP)
	@if command -v msgfmt >/dev/null 2>&1 && [ -d locale ]; then \
		$(MANAGE) compilemessages $(IGNORE) --verbosity 0; \
	elif [ -d locale ]; then \
		echo "note: msgfmt not found (Debian package gettext); pages stay in Chinese"; \
	fi

demo: $(STAMP) compile-messages
	$(MANAGE) migrate --noinput --verbosity 0
	$(MANAGE) load_demo --port $(PORT)
	@echo ""
	@echo "Serving the demo on http://127.0.0.1:$(PORT)/  (Ctrl-C stops it)"
	$(MANAGE) runserver 127.0.0.1:$(PORT)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: $(STAMP) compile-messages lint
	$(MANAGE) makemigrations --check --dry-run
	$(PY) scripts/check_messages.py
	$(PY) scripts/test_lanes.py $(LANES)

# Production-like, on plain http: hashed static files served by whitenoise, gunicorn and a
# background task worker (scripts/serve.py starts and stops both), the secret kept in
# var/secret_key so sessions survive restarts. Environment wins when set.
run: $(STAMP) compile-messages
	@mkdir -p var
	@[ -s var/secret_key ] || $(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > var/secret_key
	@chmod 600 var/secret_key
	DEBUG=0 \
	SECRET_KEY="$${SECRET_KEY:-$$(cat var/secret_key)}" \
	ALLOWED_HOSTS="$${ALLOWED_HOSTS:-127.0.0.1,localhost}" \
	SECURE_COOKIES="$${SECURE_COOKIES:-0}" \
	SMS_BACKEND="$${SMS_BACKEND:-file}" \
	PORT=$(PORT) \
	sh -c '$(MANAGE) collectstatic --noinput --verbosity 0 \
		&& $(MANAGE) migrate --noinput --verbosity 0 \
		&& echo "Serving on http://127.0.0.1:$(PORT)/ with a task worker (DEBUG=0; SMS go to var/sms.log)" \
		&& exec $(PY) scripts/serve.py'

bench: $(STAMP)
	$(PY) bench/api_latency.py

# City scale (docs/scaling.md). The data lives in var/bench (or DATABASE_URL's database)
# and is generated once: `make clean` or removing var/bench starts over.
BENCH_ENV := LINLI_VAR_DIR=$${LINLI_VAR_DIR:-$(CURDIR)/var/bench}
BENCH_ROOMS ?= 1000
BENCH_BOOKINGS ?= 1000000
BENCH_DURATION ?= 60

bench-data: $(STAMP)
	$(BENCH_ENV) $(MANAGE) migrate --noinput --verbosity 0
	$(BENCH_ENV) $(MANAGE) bench_bookings_data --rooms $(BENCH_ROOMS) \
		--bookings $(BENCH_BOOKINGS) --years 2 --drop-triggers --unless-present

bench-bookings: bench-data
	$(BENCH_ENV) $(PY) bench/bookings.py --duration $(BENCH_DURATION)

bench-durability: bench-data
	$(BENCH_ENV) $(PY) bench/durability.py --kills 20

# Metrics at a street's scale: 50 venues (12 rooms each), a year, 300,000 bookings and
# 1,000,000 check-ins in var/bench-metrics, then bench/metrics.py (docs/scaling.md).
METRICS_ENV := LINLI_VAR_DIR=$${LINLI_VAR_DIR:-$(CURDIR)/var/bench-metrics}

bench-metrics-data: $(STAMP)
	$(METRICS_ENV) $(MANAGE) migrate --noinput --verbosity 0
	$(METRICS_ENV) $(MANAGE) bench_bookings_data --rooms 600 --bookings 300000 --years 1 \
		--residents 20000 --checkins 1000000 --drop-triggers --unless-present

bench-metrics: bench-metrics-data
	$(METRICS_ENV) $(PY) bench/metrics.py

# A venue feed with 5,000 events (issue #11's benchmark), in var/bench-calendars.
CALENDARS_ENV := LINLI_VAR_DIR=$${LINLI_VAR_DIR:-$(CURDIR)/var/bench-calendars}

bench-calendars: $(STAMP) compile-messages
	$(CALENDARS_ENV) $(MANAGE) migrate --noinput --verbosity 0
	$(CALENDARS_ENV) $(MANAGE) bench_calendar_data --events 5000 --unless-present
	$(CALENDARS_ENV) $(PY) bench/calendars.py

# The standing schemathesis test of make test, long: random seeds, 250 examples per operation.
fuzz: $(STAMP)
	$(PY) scripts/api_fuzz.py

# A stable catalogue: file-only locations and no POT-Creation-Date, so a diff shows only
# strings that changed. djangojs.po appears only once static/js calls gettext().
# scripts/check_messages.py runs the same makemessages options; keep them in step.
MAKEMESSAGES := $(MANAGE) makemessages --locale en --add-location file --no-obsolete $(IGNORE) --ignore='*.egg-info'
messages: $(STAMP)
	$(MAKEMESSAGES)
	$(MAKEMESSAGES) --domain djangojs
	sed -i '/^"POT-Creation-Date: /d' locale/en/LC_MESSAGES/*.po
	$(MANAGE) compilemessages $(IGNORE)

clean:
	rm -rf var .pytest_cache .ruff_cache test-results
	find . -path ./.venv -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
