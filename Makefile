# The two commands: `make run` serves Waymark, `make test` runs every test. Both install what is missing.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Debian packages the browser tests use when Playwright cannot download its own Chromium.
DEBIAN_BROWSER := chromium
DEBIAN_FONTS := fonts-noto-core fonts-noto-cjk

# make serve: the push API's private address, and the Debian packages nginx needs.
API_PORT ?= $(shell echo $$(($(PORT) + 1)))
NGINX_PACKAGES := nginx libnginx-mod-http-brotli-static libnginx-mod-http-js
# make test: the servers the tests start for real, besides PostgreSQL (scripts/start-postgresql.sh).
TEST_SERVER_PACKAGES := $(NGINX_PACKAGES) redis-server
# Everything the export is made from: a change to any of it makes `make serve` export again.
SITE_SOURCES := $(shell find webapp templates translations static content service_worker -type f \
  -not -path 'static/gen/*' -not -name '*.mo' -not -name '*.pyc' 2>/dev/null)

.PHONY: run test catalogs browser screenshots bench mutation clean export serve nginx test-servers

# deploy/gunicorn.conf.py says how (one process with threads, no access log); the tests start the same.
# The cards' QR codes open WAYMARK_SITE_URL: by default the address it serves on. Set the public one in production.
run: export WAYMARK_SITE_URL ?= http://$(HOST):$(PORT)
run: $(VENV)/.installed catalogs
	$(BIN)/gunicorn --config deploy/gunicorn.conf.py --bind $(HOST):$(PORT)

# The whole site as static files in build/site/ (with .br and .gz copies), for nginx, a CDN or a static host.
export: $(VENV)/.installed catalogs
	@test -n "$$WAYMARK_SITE_URL" || { echo "make export needs the public address the site will be served from:" \
	  "make export WAYMARK_SITE_URL=https://waymark.example"; exit 2; }
	$(BIN)/flask --app webapp export

build/site.json: $(SITE_SOURCES) | $(VENV)/.installed catalogs
	WAYMARK_SITE_URL=$${WAYMARK_SITE_URL:-http://$(HOST):$(PORT)} $(BIN)/flask --app webapp export

# Production on one machine: nginx serves the export, gunicorn only the push API.
serve: $(VENV)/.installed catalogs build/site.json nginx
	deploy/serve.sh $(HOST):$(PORT) 127.0.0.1:$(API_PORT) $(BIN)/gunicorn --config deploy/gunicorn.conf.py

nginx:
	@test -e /usr/lib/nginx/modules/ngx_http_brotli_static_module.so -a -e /usr/lib/nginx/modules/ngx_http_js_module.so \
	  || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(NGINX_PACKAGES); }

test-servers:
	@dpkg -s $(TEST_SERVER_PACKAGES) >/dev/null 2>&1 \
	  || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(TEST_SERVER_PACKAGES); }

# The push storage tests run on PostgreSQL too: scripts/start-postgresql.sh starts Debian's (or stops here).
# The deploy tests run nginx with the modules make serve uses; the shared rate limit test, redis-server.
test: $(VENV)/.test-installed catalogs browser test-servers
	@url="$${WAYMARK_TEST_POSTGRESQL_URL:-$$(bash scripts/start-postgresql.sh)}" && [ -n "$$url" ] \
	  || { echo "make test: PostgreSQL could not be started for the push storage tests" >&2; exit 1; }; \
	WAYMARK_TEST_POSTGRESQL_URL="$$url" $(BIN)/python -m pytest

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.test-installed: requirements-test.txt $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	touch $@

# Compiles only the catalogs whose .mo is missing or older than the .po.
catalogs: $(VENV)/.installed
	$(BIN)/flask --app webapp translate compile

# Playwright's own Chromium where it can be downloaded; else Debian's, which the tests then find at
# /usr/bin/chromium. The fonts let the tests see Ethiopic, Arabic, Devanagari and Han text rendered.
browser: $(VENV)/.test-installed
	@if timeout 300 $(BIN)/python -m playwright install chromium >/dev/null 2>&1; then \
	  echo "browser: Playwright's Chromium"; \
	elif command -v chromium >/dev/null; then \
	  echo "browser: Debian's chromium (Playwright could not download one)"; \
	else \
	  echo "browser: installing Debian's chromium (Playwright could not download one)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEBIAN_BROWSER) $(DEBIAN_FONTS); \
	fi
	@dpkg -s $(DEBIAN_FONTS) >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEBIAN_FONTS); }

# Phone-width screenshots for the README.
screenshots: $(VENV)/.test-installed catalogs browser
	$(BIN)/python scripts/screenshots.py

# The benchmark: prints Markdown tables (copy them into the README).
bench: $(VENV)/.test-installed catalogs browser nginx
	$(BIN)/python bench/run.py
	@command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
	$(BIN)/python bench/throughput.py

# Mutation testing: mutmut makes small bugs in webapp/ and runs the unit and integration tests against each,
# then the score is printed. scripts/mutation_prepare.py makes the mutants and gives each function its own
# module's tests (FOCUS there). Slow (hours for all of webapp/), so not part of `make test` or CI. MUTANTS
# narrows the run to some modules (`make mutation MUTANTS='webapp.helplines.* webapp.i18n.*'`); results are
# kept in mutants/, so a second run only tests what changed (name a mutant to run it again).
MUTANTS ?=
MUTATION_JOBS ?= 2
# The tests run in mutants/ as `make test` runs them: PostgreSQL and redis-server too, and the served tests'
# gunicorn started with the command `make run` prints there (.venv/bin/...).
mutation: $(VENV)/.test-installed catalogs test-servers
	@mkdir -p mutants && ln -sfn "$$(readlink -f $(VENV))" mutants/$(VENV)
	@url="$${WAYMARK_TEST_POSTGRESQL_URL:-$$(bash scripts/start-postgresql.sh)}" && [ -n "$$url" ] \
	  || { echo "make mutation: PostgreSQL could not be started for the push storage tests" >&2; exit 1; }; \
	export WAYMARK_TEST_POSTGRESQL_URL="$$url" && $(BIN)/python scripts/mutation_prepare.py $(MUTATION_JOBS) \
	  && $(BIN)/mutmut run --max-children $(MUTATION_JOBS) $(MUTANTS)
	$(BIN)/python scripts/mutation_score.py

clean:
	rm -rf $(VENV) static/gen instance/assets-manifest.json build mutants
