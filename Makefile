# One entry point for readers, maintainers and CI.  `make test` is what CI runs.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-from-requirements
BUILD := _build
SITE := $(BUILD)/html

.PHONY: help install widgets-js lint test test-unit test-frameworks test-nbval book-strict test-book test-pdf test-site test-lab book book-fresh execute lab bench pdf clean

help:
	@echo "make book | test | lint | pdf | lab | bench | book-fresh | execute | install | widgets-js | clean  (see README.md)"

# The environment: a virtual environment made from requirements.txt, remade
# whenever requirements.txt or pyproject.toml changes.
$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

# The widget manager that draws the explorers' saved state on the website, and
# require.js that loads it. myst-nb would take both from CDNs; the site serves
# them itself (see nb_ipywidgets_js in _config.yml) so that it works offline.
# `npm pack` takes exactly these two pinned packages from the npm registry.
# They live in _vendor/ (html_extra_path, copied to _build/html/_static/widgets),
# not in _static/, because jupyter-book adds every .js under _static/ to every page.
HTML_MANAGER := @jupyter-widgets/html-manager@1.0.15
REQUIREJS := requirejs@2.3.8
VENDOR := _vendor/_static/widgets
WIDGETS_JS := $(VENDOR)/embed-amd.js

$(WIDGETS_JS): Makefile
	@command -v npm >/dev/null || { echo "make: the site's widget manager is fetched with npm, which is missing (Debian: apt-get install npm)" >&2; exit 1; }
	rm -rf $(VENDOR).tmp && mkdir -p $(VENDOR).tmp/npm
	cd $(VENDOR).tmp/npm && npm pack --silent $(HTML_MANAGER) $(REQUIREJS) >/dev/null
	tar -xzf $(VENDOR).tmp/npm/jupyter-widgets-html-manager-*.tgz -C $(VENDOR).tmp --strip-components=2 \
		--wildcards 'package/dist/embed-amd.js' 'package/dist/*.woff' 'package/dist/*.woff2'
	tar -xzOf $(VENDOR).tmp/npm/requirejs-*.tgz package/require.js > $(VENDOR).tmp/require.js
	rm -rf $(VENDOR).tmp/npm $(VENDOR) && mv $(VENDOR).tmp $(VENDOR)
	touch $@

widgets-js: $(WIDGETS_JS)

# `make install` (and `make book`) without npm still work: the site then loads
# the widget manager from myst-nb's CDNs, as _ext/widget_manager_fallback.py
# warns. The strict build (`make test`, CI, the published site) always fetches it.
WIDGETS_JS_IF_NPM := $(if $(shell command -v npm 2>/dev/null),$(WIDGETS_JS))

install: $(STAMP) $(WIDGETS_JS_IF_NPM)

# ---- tests ---------------------------------------------------------------
# The browser tests drive the system's Chromium (CHROMIUM overrides the path).
# The lint runs first: it takes a second and fails before the slow parts.
test: lint test-unit test-frameworks test-nbval test-book test-pdf test-site test-lab

# ruff (configured in pyproject.toml) over the Python code and, separately, the
# code cells of the chapters, so that each report has its own count; both run
# even when the first fails.
lint: $(STAMP)
	@status=0; \
	echo "ruff: code/ tests/ benchmarks/ _ext/ tools/"; \
	$(BIN)/ruff check --output-format concise code tests benchmarks _ext tools || status=1; \
	echo "ruff: chapters/*.ipynb"; \
	$(BIN)/ruff check --output-format concise chapters/*.ipynb || status=1; \
	exit $$status

BROWSER_TESTS := --ignore=tests/test_book.py --ignore=tests/test_site.py --ignore=tests/test_jupyterlab.py \
	--ignore=tests/test_pdf.py --ignore=tests/test_frameworks.py

test-unit: $(STAMP)
	$(BIN)/python -m pytest -p no:cacheprovider --doctest-modules code/sigmoid_course \
		tests $(BROWSER_TESTS)

# The NumPy models of PyTorch and JAX (sigmoid_course.frameworks) against the
# frameworks themselves, bit for bit. torch and jax (CPU builds) are pinned in
# requirements-frameworks.txt and installed into .venv for this target only:
# readers and Binder never get them.
FRAMEWORKS_STAMP := $(VENV)/.installed-frameworks

$(FRAMEWORKS_STAMP): requirements-frameworks.txt $(STAMP)
	$(BIN)/python -m pip install --quiet -r requirements-frameworks.txt
	touch $@

test-frameworks: $(FRAMEWORKS_STAMP)
	$(BIN)/python -m pytest -p no:cacheprovider tests/test_frameworks.py

test-nbval: $(STAMP)
	$(BIN)/python -m pytest -p no:cacheprovider --nbval --nbval-current-env \
		--nbval-sanitize-with tests/nbval_sanitize.cfg chapters

# -W turns every Sphinx warning (and every failed cell) into a build failure.
book-strict: $(STAMP) $(WIDGETS_JS)
	$(BIN)/jupyter-book build --all -W --keep-going .

test-book: book-strict
	$(BIN)/python -m pytest -p no:cacheprovider tests/test_book.py

# axe-core, the accessibility checker that tests/test_site.py runs on every
# page; kept out of the site (_build/vendor/, not _vendor/).
AXE := axe-core@4.14.1
AXE_JS := $(BUILD)/vendor/axe.min.js

$(AXE_JS): Makefile
	@command -v npm >/dev/null || { echo "make: axe-core is fetched with npm, which is missing (Debian: apt-get install npm)" >&2; exit 1; }
	rm -rf $(BUILD)/vendor.tmp && mkdir -p $(BUILD)/vendor.tmp $(BUILD)/vendor
	cd $(BUILD)/vendor.tmp && npm pack --silent $(AXE) >/dev/null
	tar -xzOf $(BUILD)/vendor.tmp/axe-core-*.tgz package/axe.min.js > $@.tmp && mv $@.tmp $@
	rm -rf $(BUILD)/vendor.tmp

# Every page of _build/html in Chromium, offline, served on 127.0.0.1.
test-site: book-strict pdf $(AXE_JS)
	$(BIN)/python -m pytest -p no:cacheprovider tests/test_site.py

# Chapter 1 run in JupyterLab in Chromium, as a reader would.
test-lab: $(STAMP)
	$(BIN)/python -m pytest -p no:cacheprovider tests/test_jupyterlab.py

# ---- the whole book as one PDF --------------------------------------------
# The single-page build printed by the OS's Chromium (tools/book_pdf.py), with
# a table of contents, page numbers, solutions open and each explorer's initial
# frame. A copy goes next to the site's pages, where the landing page links it.
PDF := $(BUILD)/pdf/sigmoid-course.pdf

pdf: $(STAMP) $(WIDGETS_JS)
	$(BIN)/jupyter-book build --builder singlehtml -W --keep-going .
	PYTHONPATH=tests $(BIN)/python tools/book_pdf.py $(BUILD)/singlehtml $(PDF)
	@if [ -d $(SITE) ]; then cp $(PDF) $(SITE)/sigmoid-course.pdf; fi

test-pdf: pdf
	$(BIN)/python -m pytest -p no:cacheprovider tests/test_pdf.py

# ---- the book ------------------------------------------------------------
book: $(STAMP) $(WIDGETS_JS_IF_NPM)
	$(BIN)/jupyter-book build .
	@echo "Site written to $(SITE)/index.html"

# The execution cache does not notice changes in code/: start it afresh.
book-fresh: $(STAMP) $(WIDGETS_JS_IF_NPM)
	rm -rf $(BUILD)
	$(BIN)/jupyter-book build --all .

# Re-run every chapter from a clean kernel and store the outputs (before committing).
execute: $(STAMP)
	for nb in chapters/*.ipynb; do \
		$(BIN)/jupyter nbconvert --to notebook --execute --inplace "$$nb" || exit 1; \
	done

# Extra options for JupyterLab, e.g. `make lab LAB_ARGS=--allow-root` (as root,
# in a container) or LAB_ARGS="--no-browser --port 8899".
LAB_ARGS ?=

lab: $(STAMP)
	$(BIN)/jupyter lab $(LAB_ARGS) chapters/

# Ends with the reading time of every page (tools/reading_time.py).
# Includes benchmarks/site_budget.py: page weight per chapter, and the time of
# a full build against a rebuild after one chapter changed (in a temporary copy).
bench: $(STAMP) $(WIDGETS_JS)
	$(BIN)/python -m pip install --quiet -r benchmarks/requirements.txt
	@for script in benchmarks/*.py; do [ -e "$$script" ] || continue; $(BIN)/python "$$script" || exit 1; done
	$(BIN)/python tools/reading_time.py

clean:
	rm -rf $(BUILD)
