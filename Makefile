# Hearth — two commands on a fresh machine:
#   make run    install, then serve the chat UI on http://127.0.0.1:8000 (offline model) and run
#               the approved plan on the simulated home (hearth run --driver sim); Ctrl-C stops both
#   make test   install, then lint, type-check and run every test (the browser test included)
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

.PHONY: install run test lint bench fuzz

$(BIN)/hearth: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

install: $(BIN)/hearth

PORT ?= 8000

run: install
	$(BIN)/hearth run --home examples/home.yaml --driver sim --ui --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

test: lint
	bash scripts/install-mosquitto.sh
	$(BIN)/pytest -q -m "not e2e"
	bash scripts/install-browser.sh
	$(BIN)/pytest -q -m e2e tests/e2e

bench: install
	$(BIN)/python bench/run.py --repeat 5
	$(BIN)/python bench/providers.py --repeat 7

# 300 generated homes through the planner: status counts and the counts that must be 0
fuzz: install
	$(BIN)/python tests/fuzz.py --count 300
