# One entry point for readers, maintainers and CI.  `make test` is what CI runs.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-from-requirements
BUILD := _build
SITE := $(BUILD)/html

.PHONY: help install lock widgets-js lint test test-unit test-frameworks test-nbval test-nbval-alone execute-cache book-strict test-book test-pdf test-site test-lab book book-fresh execute lab bench pdf clean

help:
	@echo "make book | test | lint | pdf | lab | bench | book-fresh | execute | install | lock | widgets-js | clean  (see README.md)"

# The environment: a virtual environment made from the lock, requirements.lock
# (every package, transitive ones included, with the SHA-256 of each of its
# files on PyPI; `make lock` writes it from requirements.txt), installed with
# pip's hash-checking mode, then the course's own package from this checkout
# (editable, and without build isolation, so that the build backend too is the
# locked setuptools: hash-checking mode refuses an unhashed local path, so the
# package cannot be part of the lock). Made afresh whenever the lock or
# pyproject.toml changes, so that nothing outside the lock is left over.
LOCK := requirements.lock
$(STAMP): $(LOCK) pyproject.toml
	$(PYTHON) -m venv --clear $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation --editable .
	touch $@

# ---- the locks -----------------------------------------------------------
# `make lock` writes, with uv (pinned in requirements.txt; `uv pip compile`):
# - requirements.lock from requirements.txt, for every platform and every
#   Python from 3.11 on (--universal), with the hashes of every file of each
#   locked version;
# - binder/requirements.txt from binder/requirements.in, with the main lock
#   as constraints: the reader's subset, at the lock's versions and hashes;
# - requirements-frameworks.lock from requirements-frameworks.txt, with the
#   main lock as constraints, so that a package both need has one version.
# Only PyPI is asked (--no-config and --default-index; the UV_ variables that
# would add an index or a folder of wheels are unset), so a lock made on a
# machine whose pip or uv is set up with other indexes still holds PyPI's
# hashes. The one exception is torch's CPU build, which is not on PyPI: uv
# reads it from PYTORCH_WHEELS, by default the find-links of pip's
# configuration where there are any (this development machine keeps the wheel
# there), else PyTorch's CPU index page, and hashes the file it finds (README,
# "The environment", compares that digest with the index's).
# Pins already in a lock are kept unless they must change;
# `make lock UPGRADE=1` takes the newest versions that the short lists allow.
UV_COMPILE = env -u UV_INDEX -u UV_INDEX_URL -u UV_EXTRA_INDEX_URL -u UV_DEFAULT_INDEX \
	-u UV_FIND_LINKS -u UV_CONSTRAINT -u UV_OVERRIDE \
	$(BIN)/uv pip compile --quiet --no-config --universal --python-version 3.11 \
	--default-index https://pypi.org/simple --generate-hashes \
	--custom-compile-command "make lock" $(if $(UPGRADE),--upgrade)
PYTORCH_WHEELS = $(or $(shell $(PYTHON) -m pip config get global.find-links 2>/dev/null),https://download.pytorch.org/whl/cpu/torch/)

lock: $(STAMP)
	$(UV_COMPILE) --output-file $(LOCK) requirements.txt
	$(UV_COMPILE) --output-file binder/requirements.txt --constraint $(LOCK) binder/requirements.in
	$(UV_COMPILE) --output-file $(FRAMEWORKS_LOCK) --constraint $(LOCK) \
		--find-links $(PYTORCH_WHEELS) requirements-frameworks.txt
	@echo "Wrote $(LOCK), $(FRAMEWORKS_LOCK) and binder/requirements.txt: run make test, then commit them."

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
	--ignore=tests/test_pdf.py --ignore=tests/test_frameworks.py --ignore=tests/test_selfchecks_site.py

# pytest-xdist spreads a suite over this many processes (-n); 2 for the two
# cores the course is tested on. Each process prints nothing until it has a
# result; failures are reported under each test's own id.
WORKERS ?= 2

test-unit: $(STAMP)
	$(BIN)/python -m pytest -p no:cacheprovider -n $(WORKERS) --durations=5 --doctest-modules code/sigmoid_course \
		tests $(BROWSER_TESTS)

# The NumPy models of PyTorch and JAX (sigmoid_course.frameworks) against the
# frameworks themselves, bit for bit. torch and jax (CPU builds) are locked in
# requirements-frameworks.lock (made by `make lock` from
# requirements-frameworks.txt with the main lock as constraints, so that a
# package both need has one version) and installed, hash-checked, into .venv
# for this target only: readers and Binder never get them. torch's CPU build
# (2.13.0+cpu) is on PyTorch's CPU index, not on PyPI: where pip does not
# find it otherwise (this machine has it in pip's find-links), set
# PYTORCH_INDEX=https://download.pytorch.org/whl/cpu, as the GitHub workflows
# do; it is added for this install only.
FRAMEWORKS_LOCK := requirements-frameworks.lock
FRAMEWORKS_STAMP := $(VENV)/.installed-frameworks

$(FRAMEWORKS_STAMP): $(FRAMEWORKS_LOCK) $(STAMP)
	$(BIN)/python -m pip install --quiet --require-hashes \
		$(if $(PYTORCH_INDEX),--extra-index-url $(PYTORCH_INDEX)) -r $(FRAMEWORKS_LOCK)
	touch $@

test-frameworks: $(FRAMEWORKS_STAMP)
	$(BIN)/python -m pytest -p no:cacheprovider tests/test_frameworks.py

# Every chapter executed once, from a clean kernel, into an empty execution
# cache (tools/execute_chapters.py, two notebooks at a time): the one
# execution that `make test` checks and renders. nbval compares it with the
# committed outputs (test-nbval), the strict build renders the site from it
# (book-strict) and the single-page build the PDF (pdf).
CACHE := $(BUILD)/.jupyter_cache
EXECUTE_JOBS ?= 2

execute-cache: $(STAMP)
	rm -rf $(CACHE)
	$(BIN)/python tools/execute_chapters.py --jobs $(EXECUTE_JOBS) --cache $(CACHE) chapters/*.ipynb

# nbval's comparison (tests/nbval_cache.py: nbval's own code, every output but
# images and widget views compared exactly) of each committed cell with the
# fresh execution in the cache.
NBVAL_OPTIONS := -p no:cacheprovider --nbval-sanitize-with tests/nbval_sanitize.cfg

test-nbval: execute-cache
	PYTHONPATH=tests $(BIN)/python -m pytest $(NBVAL_OPTIONS) -p nbval_cache --nbval-cache $(CACHE) chapters

# Plain nbval, which executes each chapter itself in a kernel it starts: no
# build needed (CI's Python 3.13 job; `make test` does not run it).
test-nbval-alone: $(STAMP)
	$(BIN)/python -m pytest $(NBVAL_OPTIONS) --nbval --nbval-current-env chapters

# -W turns every Sphinx warning (and every failed cell) into a build failure.
# The build finds every chapter in the fresh cache and executes none itself.
book-strict: execute-cache $(WIDGETS_JS)
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

# Every page of _build/html in Chromium, offline, served on 127.0.0.1, and
# every self-check on it answered.
test-site: book-strict pdf $(AXE_JS)
	$(BIN)/python -m pytest -p no:cacheprovider -n $(WORKERS) --dist loadgroup --durations=5 tests/test_site.py tests/test_selfchecks_site.py

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

# Lighthouse for benchmarks/site_speed.py, at the exact versions of its lock
# file (npm ci), kept out of the site like axe-core.
LIGHTHOUSE := $(BUILD)/lighthouse/node_modules/.bin/lighthouse

$(LIGHTHOUSE): benchmarks/lighthouse/package.json benchmarks/lighthouse/package-lock.json
	@command -v npm >/dev/null || { echo "make: Lighthouse is fetched with npm, which is missing (Debian: apt-get install npm)" >&2; exit 1; }
	rm -rf $(BUILD)/lighthouse && mkdir -p $(BUILD)/lighthouse
	cp benchmarks/lighthouse/package.json benchmarks/lighthouse/package-lock.json $(BUILD)/lighthouse/
	cd $(BUILD)/lighthouse && npm ci --silent --no-audit --no-fund
	touch $@

# Ends with the reading time of every page (tools/reading_time.py).
# Includes benchmarks/site_budget.py: page weight per chapter, and the time of
# a full build against a rebuild after one chapter changed (in a temporary copy);
# and benchmarks/site_speed.py: every page of the strictly built site under
# "Slow 4G", and its Lighthouse scores.
bench: $(STAMP) $(WIDGETS_JS) book-strict $(LIGHTHOUSE)
	$(BIN)/python -m pip install --quiet -r benchmarks/requirements.txt
	@for script in benchmarks/*.py; do [ -e "$$script" ] || continue; $(BIN)/python "$$script" || exit 1; done
	$(BIN)/python tools/reading_time.py

clean:
	rm -rf $(BUILD)
