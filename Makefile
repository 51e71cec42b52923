# Two commands do everything (README): `make run` and `make test`.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PO     := ita_portal/locale/th/LC_MESSAGES/django.po
MO     := $(PO:.po=.mo)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
DEV    := DJANGO_DEBUG=1

.PHONY: setup run test lint messages serve demo bench

$(STAMP): pyproject.toml scripts/install-system-packages.sh
	bash scripts/install-system-packages.sh
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -m pip install -q --disable-pip-version-check -e ".[test]"
	touch $(STAMP)

$(MO): $(PO)
	msgfmt --check -o $(MO) $(PO)

setup: $(STAMP) $(MO)

messages: setup
	$(DEV) $(PY) manage.py makemessages -l th --ignore=.venv --ignore=static --ignore=staticfiles --ignore=tests --no-obsolete

demo: setup
	$(DEV) $(PY) manage.py migrate --noinput
	$(DEV) $(PY) manage.py load_framework fixtures/frameworks/ita-*.json
	$(DEV) $(PY) manage.py load_measure_templates
	$(DEV) $(PY) manage.py seed_demo

run: demo
	@echo ""
	@echo "ITA Portal: http://127.0.0.1:8000  (log in with a demo user above, password demo1234;"
	@echo "demo-staff opens the administration at http://127.0.0.1:8000/admin/ and the framework editor)"
	@echo "Background jobs: the task worker and the daily scheduler run beside the server (README)."
	@echo ""
	@trap 'kill $$worker $$scheduler 2>/dev/null; wait' EXIT INT TERM; \
	$(DEV) $(PY) manage.py db_worker --no-reload & worker=$$!; \
	$(DEV) $(PY) manage.py run_scheduler & scheduler=$$!; \
	$(DEV) $(PY) manage.py runserver 127.0.0.1:8000

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: lint
	$(DEV) $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest

bench: setup
	$(PY) scripts/bench.py
	$(PY) scripts/bench_overview.py
	$(PY) scripts/bench_memos.py
	$(PY) scripts/bench_reports.py
	$(PY) scripts/bench_dashboard.py
	$(PY) scripts/bench_itas.py
