# Quick start: `make run` (serve with demo data) and `make test` (the whole suite).
# Every target sets up what it needs first; set-up is idempotent and quick when nothing changed.

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
MUTATION_JOBS ?= 2

.PHONY: setup run test lint mutation bench load messages migrations-lock clean

setup: $(VENV)/.installed node_modules/.installed locale/.compiled
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py createcachetable

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Compiled catalogues are build output, not committed.
locale/.compiled: $(VENV)/.installed locale/vi/LC_MESSAGES/django.po
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0
	touch $@

run: setup
	$(PY) manage.py load_plan
	$(PY) manage.py seed_demo
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	$(PY) manage.py runserver $(HOST):$(PORT)

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

# ruff (lint and format, pyproject.toml) and models against migrations; CI runs it first.
lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

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
	$(PY) bench/dashboard.py --flat 50000 --province

# Load test: 100 simulated users for 60 s against gunicorn (installs locust first).
load: setup
	$(PY) -m pip install --quiet -r requirements-bench.txt
	$(PY) bench/load.py --users 100

# Refresh the Vietnamese catalogue (locale/vi/LC_MESSAGES/django.po) after changing translatable
# strings, then compile it; new strings come in untranslated and the suite fails until they are
# translated. MESSAGES_IGNORE hold no portal strings (tests/test_i18n.py reads this line too).
MESSAGES_IGNORE := .venv node_modules bench tests staticfiles media test-artifacts mutants
messages: $(VENV)/.installed
	$(PY) manage.py makemessages --locale vi --no-obsolete $(addprefix --ignore=,$(MESSAGES_IGNORE))
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0
	touch locale/.compiled

# Record new migrations as landed (tests/test_migrations.py fails on an edited one afterwards).
migrations-lock:
	@for f in $$(ls */migrations/[0-9]*.py | grep -v '^mutants/'); do \
	  grep -q "  $$f$$" tests/migrations.lock || sha256sum "$$f" >> tests/migrations.lock; done

clean:
	rm -rf $(VENV) node_modules staticfiles locale/.compiled mutants
