# Hearth — two commands on a fresh machine:
#   make run    install, then plan the example home with the optimiser
#   make test   install, then lint, type-check and run every test
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

.PHONY: install run test lint bench

$(BIN)/hearth: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

install: $(BIN)/hearth

run: install
	$(BIN)/hearth schedule --home examples/home.yaml --now 2026-11-24T18:00:00+01:00 \
	    --request 'ev:target_soc=80,deadline=07:00' --request 'dishwasher:deadline=06:00' \
	    --request 'water_heater:deadline=07:00'

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

test: lint
	$(BIN)/pytest -q

bench: install
	$(BIN)/python bench/run.py
