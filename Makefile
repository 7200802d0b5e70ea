VENV := .venv
PYTHON := $(VENV)/bin/python

.PHONY: setup system-packages run test

# The virtual environment is rebuilt whenever requirements.txt changes.
$(VENV)/.installed: requirements.txt
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -r requirements.txt
	touch $@

setup: $(VENV)/.installed

run: setup
	$(PYTHON) -m streamlit run dashboard.py

system-packages:
	scripts/install-system-packages.sh

test: setup system-packages
	$(PYTHON) -m pytest
