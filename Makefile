# Pantau's two commands for a newcomer: `make up` runs the main job, `make test` runs every check.
# Both create .venv and install Pantau into it first; Kafka's jars are fetched from Maven Central
# on first use by the project's own launcher (infra/kafka/pom.xml).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: up test install lint kafka-up kafka-down clean

$(INSTALLED): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Pantau needs Python >= 3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

install: $(INSTALLED)

up: install
	$(BIN)/pantau up --simulate

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

kafka-up: install
	$(BIN)/pantau kafka up

kafka-down: install
	$(BIN)/pantau kafka down

clean:
	-$(BIN)/pantau kafka down
	rm -rf $(VENV) .pantau
