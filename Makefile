VENV := .venv
PYTHON := $(VENV)/bin/python
# Two pytest workers per core: the browser tests spend much of their time waiting on a browser or a
# server, and another worker's tests fill that time (docs/TESTING.md; tests/conftest.py).
TEST_WORKERS ?= 4

.PHONY: setup setup-dev system-packages run test lint typecheck

# The virtual environment is rebuilt whenever requirements.txt changes: all `make run` needs.
$(VENV)/.installed: requirements.txt
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -r requirements.txt
	touch $@

# The development tools (tests, lint, type check) on top, reinstalled when either file changes.
$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PYTHON) -m pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed

setup-dev: $(VENV)/.installed-dev

run: setup
	$(PYTHON) -m streamlit run dashboard.py

system-packages:
	scripts/install-system-packages.sh

# Tests marked serial measure what the browser draws within a wait, which other workers' load can
# outlast: they run first, alone, then everything else on the workers.
test: setup-dev system-packages
	$(PYTHON) -m pytest -m serial
	$(PYTHON) -m pytest -n $(TEST_WORKERS) --durations=20 -m "not serial"

lint: setup-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: setup-dev
	$(VENV)/bin/mypy
