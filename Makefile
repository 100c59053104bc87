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

.PHONY: run test catalogs browser screenshots bench mutation clean

# No access log: it would record who read which page, and when.
run: $(VENV)/.installed catalogs
	$(BIN)/gunicorn --preload --workers 2 --bind $(HOST):$(PORT) 'webapp:create_app()'

test: $(VENV)/.test-installed catalogs browser
	$(BIN)/python -m pytest

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
bench: $(VENV)/.test-installed catalogs browser
	$(BIN)/python bench/run.py

# Mutation testing: mutmut makes small bugs in webapp/ and runs the unit and integration tests against each,
# then the score is printed. Slow (tens of minutes), so not part of `make test` or CI. MUTANTS narrows the run
# to some modules (`make mutation MUTANTS='webapp.helplines.* webapp.i18n.*'`); results are kept in mutants/,
# so a second run only tests what changed.
MUTANTS ?=
MUTATION_JOBS ?= 2
mutation: $(VENV)/.test-installed catalogs
	$(BIN)/mutmut run --max-children $(MUTATION_JOBS) $(MUTANTS)
	$(BIN)/python scripts/mutation_score.py

clean:
	rm -rf $(VENV) static/gen instance/assets-manifest.json mutants
