# Everyday commands. `make demo` and `make test` install what they need first (a virtualenv in .venv).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: install demo test lint format dev status nlp-train nlp-evaluate validate screenshots reset

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# torch is pinned to the CPU build; any range would pull multi-GB CUDA wheels.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	# The UI test drives Debian's Chromium: Playwright's own browser download needs an internet connection.
	@if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	elif [ ! -x /usr/bin/chromium ]; then \
		echo "note: no apt-get, so no Chromium installed: the UI test will be skipped"; \
	fi
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

## Train the categoriser's heads on real reviews / measure the categoriser in use on their sealed test split.
DATA ?= ../shared/data/reviews
nlp-train: install
	$(BIN)/review-platform nlp train --data $(DATA)

nlp-evaluate: install
	$(BIN)/review-platform nlp evaluate --data $(DATA)

validate: install
	$(BIN)/dagster definitions validate -w workspace.yaml

## Refresh the README's screenshots (docs/*.png) with the browser test.
screenshots: install
	UPDATE_SCREENSHOTS=1 $(BIN)/pytest review_platform_tests/ui

## Delete every piece of embedded state (source database, lake, warehouse, Mongo, Dagster runs).
reset:
	rm -rf .review_platform
