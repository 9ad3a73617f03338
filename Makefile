# Deep Learning Intuitions: build the site and run every check.
#   make html   build the site into _build/html (creates .venv on first use)
#   make test   every check: lint, unit + property + doctests, site build, page doctests, browser test
#   make serve  live-reloading preview on http://127.0.0.1:8000
#   make bench  benchmark the region enumeration against its peers
#   make clean  remove build output (keeps .venv and node_modules)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
NODE_STAMP := node_modules/.installed-stamp
SPHINXOPTS ?=
SPHINX := $(BIN)/sphinx-build -W --keep-going $(SPHINXOPTS)

.DEFAULT_GOAL := html
.PHONY: html test lint unit docs-doctest browser serve bench clean distclean venv chromium

# The venv is rebuilt when the pins or the project's metadata change.
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -c constraints.txt -e ".[test,docs,bench]"
	touch $@

venv: $(STAMP)

# KaTeX (CSS, fonts, and the renderer used at build time) comes from a pinned npm package.
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# conf.py sits at the root (-c .), the sources in docs/; doctrees stay outside the output.
html: $(STAMP) $(NODE_STAMP)
	$(SPHINX) -b html -c . -d _build/doctrees docs _build/html

docs-doctest: $(STAMP) $(NODE_STAMP)
	$(SPHINX) -b doctest -c . -d _build/doctrees-doctest docs _build/doctest

lint: $(STAMP)
	$(BIN)/ruff check src tests bench conf.py conftest.py

unit: $(STAMP) $(NODE_STAMP)
	$(BIN)/python -m pytest --ignore=tests/site

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser test"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }

browser: html chromium
	$(BIN)/python -m pytest tests/site -p no:cacheprovider

# The explorer's JavaScript against the library: Python writes the networks and their regions.
.PHONY: node-test
node-test: $(STAMP)
	$(BIN)/python tests/js/write_fixtures.py && node --test --test-reporter=spec tests/js/

test: lint unit node-test html docs-doctest browser

serve: $(STAMP) $(NODE_STAMP)
	$(BIN)/sphinx-autobuild --host 127.0.0.1 --port 8000 --watch conf.py --watch src \
	  -c . -d _build/doctrees docs _build/html

bench: $(STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/explorer.py

clean:
	rm -rf _build docs/_ext/__pycache__

distclean: clean
	rm -rf $(VENV) node_modules
