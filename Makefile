# NexusOne. `make help` lists the targets.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed

# `make run`: the embedded demo (SQLite, file broker, in-process CJ sandbox) unless you set DATABASE_URL/REDIS_URL.
RUN_ENV := DEBUG=true CJ_SANDBOX_ENABLED=true \
	CJ_API_BASE_URL=$${CJ_API_BASE_URL:-http://127.0.0.1:$${NEXUSONE_PORT:-8000}/sandbox/cj/api2.0/v1} \
	CJ_SANDBOX_WEBHOOK_URL=$${CJ_SANDBOX_WEBHOOK_URL:-http://127.0.0.1:$${NEXUSONE_PORT:-8000}/api/webhooks/cj} \
	SITE_URL=$${SITE_URL:-http://127.0.0.1:$${NEXUSONE_PORT:-8000}} \
	SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false \
	OUTGOING_WEBHOOK_ALLOWED_HOSTS=$${OUTGOING_WEBHOOK_ALLOWED_HOSTS:-127.0.0.1,localhost}

# `make test`: always on PostgreSQL and Redis (started when down), with row-level security: the suite runs as
# the application role (TEST_APP_ROLE, no superuser, no BYPASSRLS) and migrates as the owner (postgres).
TEST_DB ?= nexusone
TEST_REDIS_DB ?= 15
TEST_APP_ROLE ?= nexusone_app
TEST_ENV := DATABASE_URL=postgres://$(TEST_APP_ROLE):$(TEST_APP_ROLE)@127.0.0.1:5432/$(TEST_DB) \
	DATABASE_OWNER_URL=postgres://postgres@127.0.0.1:5432/$(TEST_DB) REDIS_URL=redis://127.0.0.1:6379/$(TEST_REDIS_DB) \
	CELERY_BROKER_URL=redis://127.0.0.1:6379/$(TEST_REDIS_DB) DJANGO_ALLOW_ASYNC_UNSAFE=true NEXUSONE_TESTING=true

.PHONY: help install run serve test test-fast test-extension extension lint fmt migrate bench services fuzz

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP) ## create .venv and install requirements-dev.txt

migrate: install ## apply database migrations
	$(RUN_ENV) $(PY) manage.py migrate --noinput

run: install ## fresh machine → the demo app on http://127.0.0.1:8000 (web, worker, beat; Ctrl-C stops all)
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py seed_demo
	@echo "NexusOne → http://127.0.0.1:8000   (Ctrl-C stops web, worker and beat)"
	$(RUN_ENV) PATH=$(CURDIR)/$(VENV)/bin:$$PATH $(VENV)/bin/honcho start -f Procfile

serve: install ## production server: gunicorn + uvicorn workers (WEB_CONCURRENCY, default one per CPU) on NEXUSONE_PORT; the environment's database and Redis
	scripts/serve.sh

services: ## make sure PostgreSQL and Redis are up
	NEXUSONE_TEST_DB=$(TEST_DB) scripts/ensure_services.sh

test: install services test-extension ## install, start services, run the whole suite on PostgreSQL
	scripts/ensure_chromium.sh
	$(TEST_ENV) $(PY) manage.py db_roles
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run
	$(TEST_ENV) $(PY) -m pytest $(PYTEST_ARGS)

fuzz: install services ## schemathesis over the whole API, many examples per operation (FUZZ_EXAMPLES, default 300)
	$(TEST_ENV) $(PY) manage.py db_roles
	$(TEST_ENV) FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-300} $(PY) -m pytest tests/test_api_fuzz.py $(PYTEST_ARGS)

test-fast: install services ## the suite without browser tests
	$(TEST_ENV) $(PY) manage.py db_roles
	$(TEST_ENV) $(PY) -m pytest -m "not e2e" $(PYTEST_ARGS)

test-extension: ## the Chrome extension's unit tests (node's test runner; node from apt when missing)
	scripts/ensure_node.sh
	cd extension && node --test tests/

extension: install ## build the Chrome extension zip into dist/ (SERVER_URL=https://... for a self-hosted server)
	$(PY) manage.py build_extension --out dist --server "$(SERVER_URL)"

lint: install ## ruff check + format check + pip-audit of the pinned requirements
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	scripts/audit_dependencies.sh

fmt: install ## format the code
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install services ## run every benchmark script, then one summary table (figure, goal, pass/fail)
	$(TEST_ENV) $(PY) manage.py db_roles
	$(TEST_ENV) RATE_LIMITS_ENABLED=false $(PY) bench/_run_all.py
