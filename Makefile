# One entry point for readers, maintainers and CI.  `make test` is what CI runs.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-from-requirements
BUILD := _build
SITE := $(BUILD)/html

.PHONY: help install test test-unit test-nbval book-strict test-book book book-fresh execute lab bench clean

help:
	@echo "make book | test | lab | bench | book-fresh | execute | clean  (see README.md)"

# The environment: a virtual environment made from requirements.txt, remade
# whenever requirements.txt or pyproject.toml changes.
$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

install: $(STAMP)

# ---- tests ---------------------------------------------------------------
test: test-unit test-nbval test-book

test-unit: $(STAMP)
	$(BIN)/python -m pytest -p no:cacheprovider --doctest-modules code/sigmoid_course \
		tests --ignore=tests/test_book.py

test-nbval: $(STAMP)
	$(BIN)/python -m pytest -p no:cacheprovider --nbval --nbval-current-env \
		--nbval-sanitize-with tests/nbval_sanitize.cfg chapters

# -W turns every Sphinx warning (and every failed cell) into a build failure.
book-strict: $(STAMP)
	$(BIN)/jupyter-book build --all -W --keep-going .

test-book: book-strict
	$(BIN)/python -m pytest -p no:cacheprovider tests/test_book.py

# ---- the book ------------------------------------------------------------
book: $(STAMP)
	$(BIN)/jupyter-book build .
	@echo "Site written to $(SITE)/index.html"

# The execution cache does not notice changes in code/: start it afresh.
book-fresh: $(STAMP)
	rm -rf $(BUILD)
	$(BIN)/jupyter-book build --all .

# Re-run every chapter from a clean kernel and store the outputs (before committing).
execute: $(STAMP)
	for nb in chapters/*.ipynb; do \
		$(BIN)/jupyter nbconvert --to notebook --execute --inplace "$$nb" || exit 1; \
	done

lab: $(STAMP)
	$(BIN)/jupyter lab chapters/

bench: $(STAMP)
	@for script in benchmarks/*.py; do [ -e "$$script" ] || continue; $(BIN)/python "$$script" || exit 1; done

clean:
	rm -rf $(BUILD)
