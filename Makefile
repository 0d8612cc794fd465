# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000
PIP := $(BIN)/pip install --quiet --disable-pip-version-check

.PHONY: run test lint test-postgres fuzz bench browser pdf-libs clean i18n-extract i18n-update i18n-compile \
	extraction-score
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

## Translation catalogs (translations/<locale>/LC_MESSAGES/messages.po): extract the wrapped
## messages, merge them into the catalogs, compile them (make run and make test compile).
i18n-extract: $(VENV)/.installed-run
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -k ngettext:1,2 \
		--no-location --sort-output -o translations/messages.pot .

i18n-update: i18n-extract
	$(BIN)/pybabel -q update -i translations/messages.pot -d translations --no-fuzzy-matching

i18n-compile: $(VENV)/.installed-run
	$(BIN)/pybabel -q compile -d translations

## Serve the app with demo data on http://127.0.0.1:$(PORT) (SQLite, mail to files).
run: $(VENV)/.installed-run pdf-libs i18n-compile
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

## PDFs (WeasyPrint) need Pango and a Chinese font; the tests read them back and render
## their first page to PNG with poppler-utils.
pdf-libs:
	@{ ldconfig -p | grep -q libpangoft2 && fc-list :lang=zh 2>/dev/null | grep -q . && \
	   command -v pdftoppm >/dev/null; } || { \
	  echo "Installing Pango, fonts-noto-cjk and poppler-utils for the PDF documents..."; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq libpango-1.0-0 \
	    libpangoft2-1.0-0 fonts-noto-cjk poppler-utils >/dev/null; }

## Lint and run the whole test suite (SQLite; set TEST_DATABASE_URL for PostgreSQL).
test: $(VENV)/.installed-test browser pdf-libs i18n-compile
	$(BIN)/ruff check .
	$(BIN)/pytest $(PYTEST_ARGS)

## The whole suite against the PostgreSQL server on 127.0.0.1:5432 (a throwaway database).
test-postgres: $(VENV)/.installed-test browser pdf-libs i18n-compile
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/postgres} \
		$(BIN)/pytest $(PYTEST_ARGS)

## The directive extractor on the hand-annotated corpus in tests/corpus: recall, precision,
## exact spans, time limits and owners per text and in total, and its speed; fails below the
## goals (CI runs it). SCORE_ARGS="-v" lists every difference, "zh-14" scores one text.
extraction-score: $(VENV)/.installed-run
	$(BIN)/python tests/corpus/score.py $(SCORE_ARGS)

## A long fuzz run, about ten minutes on SQLite (TEST_DATABASE_URL for PostgreSQL): the route
## fuzzer and the API's schemathesis run with FUZZ_EXAMPLES cases each (make test runs 25).
fuzz: $(VENV)/.installed-test i18n-compile
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-450} $(BIN)/pytest -s -p no:logging -k fuzz \
		tests/test_fuzz.py tests/test_api.py $(PYTEST_ARGS)

## The benchmark: 1k, 10k and 100k items on SQLite and on the PostgreSQL server on
## 127.0.0.1:5432 (a throwaway database each), served by gunicorn with gunicorn.conf.py;
## writes bench-output/bench.md and bench.json. BENCH_ARGS="--sizes 1000 --databases sqlite".
bench: $(VENV)/.installed-test i18n-compile
	$(BIN)/python bench/run.py $(BENCH_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis test-output
