# Quick start: `make run` (serve with demo data) and `make test` (the whole suite).
# Every target sets up what it needs first; set-up is idempotent and quick when nothing changed.

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
MUTATION_JOBS ?= 2

.PHONY: setup run test mutation bench load messages clean

setup: $(VENV)/.installed node_modules/.installed locale/.compiled
	$(PY) manage.py migrate --no-input -v 0

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Compiled catalogues are build output, not committed.
locale/.compiled: $(VENV)/.installed $(shell find . -path ./.venv -prune -o -path ./node_modules -prune -o -name django.po -print)
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0
	touch $@

run: setup
	$(PY) manage.py load_plan
	$(PY) manage.py seed_demo
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	$(PY) manage.py runserver $(HOST):$(PORT)

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

# Mutation testing of the rules that decide figures and access: the files and their tests are
# in pyproject.toml ([tool.mutmut]), the scores and the surviving mutants in the README. Starts
# afresh so that the score is today's. To study one mutant afterwards:
# `.venv/bin/mutmut show <name>`, or `.venv/bin/mutmut browse`.
mutation: setup
	rm -rf mutants
	$(VENV)/bin/mutmut run --max-children $(MUTATION_JOBS)
	@echo "Mutants per file and result:"
	@$(VENV)/bin/mutmut results --all true | sed -E 's/^ *(.+)\.x(_|ǁ).*: /\1 /' | sort | uniq -c

bench: setup
	$(PY) bench/dashboard.py

# Load test: 50 simulated users for 60 s against gunicorn (installs locust first).
load: setup
	$(PY) -m pip install --quiet -r requirements-bench.txt
	$(PY) bench/load.py

# Refresh every Vietnamese catalogue after changing translatable strings
# (`manage.py catalog <app> --fill file.json` writes translations).
messages: $(VENV)/.installed
	$(PY) manage.py catalog --all

clean:
	rm -rf $(VENV) node_modules staticfiles locale/.compiled mutants
