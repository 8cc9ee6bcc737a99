# The two commands: `make run` and `make test`. Only Python 3.11+ and make are needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEV_ENV := DEBUG=1 CHIEFTECH_DEMO=1

.PHONY: run test system-packages lint format clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is required")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.installed

# The background worker (mail, scheduled jobs) runs beside the development server and stops with it.
run: $(VENV)/.installed
	$(DEV_ENV) $(BIN)/chieftech migrate --noinput
	$(DEV_ENV) $(BIN)/chieftech demo
	@$(DEV_ENV) $(BIN)/chieftech worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEV_ENV) $(BIN)/chieftech runserver 127.0.0.1:8000

# The browser, the PDF fonts and the PDF reader of the tests are Debian packages: installed when missing (as
# root or with password-less sudo), or named with the exact command to run.
system-packages:
	@sh deploy/system-packages.sh

test: $(VENV)/.installed-test system-packages
	$(BIN)/pytest
	$(BIN)/lint-imports
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var test-artifacts .pytest_cache .ruff_cache
