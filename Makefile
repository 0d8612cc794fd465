# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000
PIP := $(BIN)/pip install --quiet --disable-pip-version-check

.PHONY: run test lint test-postgres browser clean
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall whenever pyproject.toml changes.
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(PIP) -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(PIP) -e '.[test]'
	touch $@ $(VENV)/.installed-run

## Serve the app with demo data on http://127.0.0.1:$(PORT) (SQLite, mail to files).
run: $(VENV)/.installed-run
	$(BIN)/tracker db upgrade
	$(BIN)/tracker seed
	@echo "Serving on http://127.0.0.1:$(PORT)  (Ctrl-C stops)"
	TRACKER_SCHEDULER=$${TRACKER_SCHEDULER:-in-process} $(BIN)/tracker serve --host 127.0.0.1 --port $(PORT)

## Browser tests drive Debian's Chromium (Playwright cannot download its own browser here),
## with CJK fonts so that Chinese text renders in screenshots instead of empty boxes.
browser:
	@{ command -v chromium >/dev/null && fc-list :lang=zh 2>/dev/null | grep -q .; } || { \
	  echo "Installing Debian's chromium and fonts-noto-cjk for the browser tests..."; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }

## Lint and run the whole test suite (SQLite; set TEST_DATABASE_URL for PostgreSQL).
test: $(VENV)/.installed-test browser
	$(BIN)/ruff check .
	$(BIN)/pytest $(PYTEST_ARGS)

## The whole suite against the PostgreSQL server on 127.0.0.1:5432 (a throwaway database).
test-postgres: $(VENV)/.installed-test browser
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/postgres} \
		$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis test-output
