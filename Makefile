# The two commands: `make run` (the whole system) and `make test` (lint and every test).
# Both need nothing but Python 3.11+: PostgreSQL and Redis run embedded when DATABASE_URL and
# REDIS_URL are not set.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
PYTEST_ARGS ?=

export XDG_RUNTIME_DIR ?= $(CURDIR)/.data/runtime

.PHONY: run test lint format install otp messages lock shell bench screenshots clean

$(BIN)/.installed: requirements.lock pyproject.toml
	@mkdir -p .data/runtime && chmod 700 .data/runtime
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --requirement requirements.lock
	@touch $@

install: $(BIN)/.installed

run: install
	$(BIN)/python -m helpdesk.embedded run --port $(PORT)

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python -m helpdesk.embedded exec --profile test -- $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The current second-factor code of the demo operator staff and managers (while `make run` is running).
otp: install
	@$(BIN)/python -m helpdesk.embedded exec --quiet --profile dev -- $(BIN)/python manage.py demo_accounts --codes

# Extract the interface text and compile the translations (needs GNU gettext for extraction only).
messages: install
	$(BIN)/python manage.py makemessages --locale nl --locale en --no-obsolete --ignore ".venv/*" --ignore ".data/*"
	$(BIN)/python -m helpdesk.i18n_compile

lock: install
	$(BIN)/python -m pip freeze --exclude-editable > requirements.lock

shell: install
	$(BIN)/python -m helpdesk.embedded exec --profile dev -- $(BIN)/python manage.py shell

bench: install
	$(BIN)/python -m helpdesk.embedded exec --profile bench -- $(BIN)/python -m bench.run

# Full-page screenshots of the key pages at 1280 and 320 px into docs/screenshots/ (needs Chromium;
# SCREENSHOT_ALL=1 takes every page, SCREENSHOT_DIR=... writes elsewhere).
screenshots: install
	$(BIN)/python -m helpdesk.embedded exec --profile test -- env TEST_DATABASE_NAME=helpdesk_screenshots \
		$(BIN)/python -m pytest tests/e2e/screenshots.py -q

clean:
	rm -rf $(VENV) .data
