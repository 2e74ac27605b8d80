# Everyday commands. `make demo` and `make test` install what they need first (a virtualenv in .venv).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: install demo test lint format dev status validate reset

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# torch is pinned to the CPU build; any range would pull multi-GB CUDA wheels.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(INSTALLED)

install: $(INSTALLED)

## Run the whole pipeline on the embedded defaults (seeds demo data on first use).
demo: install
	$(BIN)/review-platform demo

## Lint, then the whole test suite.
test: install lint
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## The Dagster UI on the embedded state: http://127.0.0.1:3000
dev: install
	$(BIN)/review-platform dev

status: install
	$(BIN)/review-platform status

validate: install
	$(BIN)/dagster definitions validate -w workspace.yaml

## Delete every piece of embedded state (source database, lake, warehouse, Mongo, Dagster runs).
reset:
	rm -rf .review_platform
