# The two commands of the README: `make demo` and `make test`. Each sets up what it
# needs on a fresh machine: Debian packages (scripts/system-deps.sh), a .venv, the package.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: demo test test-fast test-weasyprint lint bench clean system-demo system-test

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

system-demo:
	scripts/system-deps.sh demo

system-test:
	scripts/system-deps.sh test

## demo: write every sample document into output/ (--force: output/ is generated)
demo: system-demo $(INSTALLED)
	$(BIN)/outreach contacts
	$(BIN)/outreach letter --all --force
	$(BIN)/outreach script --all --force
	$(BIN)/outreach questions jim-park --date 2026-11-24 --force
	$(BIN)/outreach thank-you --since 2026-11-14 --date 2026-11-21 --force
	$(BIN)/outreach thank-you --since 2026-11-14 --date 2026-11-21 --format eml --force
	$(BIN)/outreach letter --all --format eml --date 2026-11-21 --force
	$(BIN)/outreach linkedin --all --force
	$(BIN)/outreach envelopes --all --date 2026-11-21 --force
	$(BIN)/outreach keep-in-touch --landed "Policy Analyst, City of Springfield" --date 2026-11-21 --force
	$(BIN)/outreach due --today 2026-11-21 --ics output/due.ics --force || [ $$? -eq 3 ]

## test: lint, type-check and run the whole suite, on every core (pytest-xdist)
test: system-test $(INSTALLED) lint
	$(BIN)/pytest -q -n auto

## test-fast: the tests that run no outreach process and no LibreOffice (-m "not slow"),
## for the loop of development (under a minute on two cores)
test-fast: $(INSTALLED)
	$(BIN)/pytest -q -n auto -m "not slow"

## test-weasyprint: the PDF tests against the newest WeasyPrint, past pyproject's cap, in
## a venv of its own (WEASYPRINT='weasyprint==68.0' for another release)
WEASYPRINT ?= weasyprint
WP_VENV := .venv-weasyprint
PDF_TESTS := tests/render/test_pdf_stylesheet.py tests/render/test_sheet_layout.py \
	tests/app/test_envelopes.py tests/render/test_accessible.py tests/render/test_hostile.py
test-weasyprint: system-test
	$(PYTHON) -m venv $(WP_VENV)
	$(WP_VENV)/bin/pip install --quiet --upgrade pip
	$(WP_VENV)/bin/pip install --quiet -e '.[dev]'
	$(WP_VENV)/bin/pip install --quiet --upgrade '$(WEASYPRINT)'
	$(WP_VENV)/bin/python -c 'import weasyprint; print("WeasyPrint", weasyprint.__version__)'
	$(WP_VENV)/bin/pytest -q -n auto -p no:cacheprovider $(PDF_TESTS)

lint: $(INSTALLED)
	$(BIN)/ruff check outreach tests tools bench
	$(BIN)/mypy

## bench: how long batches take (medians, one run)
bench: system-demo $(INSTALLED)
	$(BIN)/python bench/bench.py

clean:
	rm -rf $(VENV) $(WP_VENV) output build *.egg-info
