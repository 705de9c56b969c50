# wallaroo-widgets: two commands matter — `make lab` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
STAMP  := $(VENV)/.installed
# The real Wallaroo SDK in its own venv, at the oldest numpy/pandas/IPython we support (the SDK pins them).
SDK_VENV    := .venv-sdk
SDK_VERSION ?= 2026.1.3
SDK_PINS    := wallaroo==$(SDK_VERSION) numpy==1.26.0 pandas==2.2.0 ipython==7.31.1

.PHONY: install labext lab test test-sdk test-unit test-notebooks test-browser lint docs sandbox bench clean

install: $(STAMP)

# The JupyterLab extension's sources: a change rebuilds it (npm, through the hatch-jupyter-builder hook).
LABEXT_SRC := labextension/package.json labextension/package-lock.json $(wildcard labextension/src/*.ts \
              labextension/style/* labextension/schema/*.json)

# Dev trees can end up with a copy of labextension/install.json in the build output (seen after rebuilds); the
# wheel maps that file itself (pyproject shared-data), so the copy makes the next wheel build (e.g. `make
# test-sdk`'s install) fail with "A second file is being added to the wheel": remove it before installing, as a
# fresh clone's build has none.
LABEXT_INSTALL_COPY := $(CURDIR)/wallaroo_widgets/labextension/install.json

$(STAMP): pyproject.toml $(LABEXT_SRC)
	@bash scripts/check_node.sh
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[sandbox,test]'
	@# the editable hook rebuilds on labextension/src changes only: a style/schema/package change rebuilds here
	@if [ -n "$$(find $(LABEXT_SRC) -newer wallaroo_widgets/labextension/package.json 2>/dev/null)" ]; then \
	  cd labextension && PATH="$(CURDIR)/$(VENV)/bin:$$PATH" npm install --no-audit --no-fund && \
	  PATH="$(CURDIR)/$(VENV)/bin:$$PATH" npm run build; fi
	@rm -f $(LABEXT_INSTALL_COPY)
	@# editable install: link share/jupyter/labextensions/wallaroo-widgets to the build output (live rebuilds)
	$(VENV)/bin/jupyter-builder develop --overwrite . >/dev/null
	touch $(STAMP)

## Rebuild the JupyterLab extension after a frontend change (dev build, a few seconds; reload the page).
labext:
	@test -x $(VENV)/bin/jupyter-builder || $(MAKE) install
	cd labextension && PATH="$(CURDIR)/$(VENV)/bin:$$PATH" npm run build
	@rm -f $(LABEXT_INSTALL_COPY)
	@if [ -f $(STAMP) ] && [ $(STAMP) -nt pyproject.toml ]; then touch $(STAMP); fi  # the build is current

## The main job: sandbox with demo data + JupyterLab on notebooks/ (Ctrl-C stops both).
lab: install
	@bash scripts/lab.sh

## Every test: lint, unit + integration (real sandbox over HTTP), notebooks (nbval), browser.
test: install
	$(VENV)/bin/ruff check wallaroo_widgets tests benchmarks conftest.py tutorials/build.py
	$(PY) -m pytest -q tests notebooks --nbval-lax --nbval-current-env -p no:cacheprovider

## The real Wallaroo SDK (wallaroo.Client, its generated client) against a sandbox process from .venv:
## Session.from_sdk end to end, console(), notebook 01's SDK cell, the SDK parsing our answers (tests/sdk).
test-sdk: install $(SDK_VENV)/.installed
	WALLAROO_SANDBOX_PYTHON=$(CURDIR)/$(PY) $(SDK_VENV)/bin/python -m pytest -q tests/sdk -p no:cacheprovider </dev/null

$(SDK_VENV)/.installed: pyproject.toml Makefile
	@test -x $(SDK_VENV)/bin/python || $(PYTHON) -m venv $(SDK_VENV)
	$(SDK_VENV)/bin/pip install -q --upgrade pip
	@rm -f $(LABEXT_INSTALL_COPY)
	$(SDK_VENV)/bin/pip install -q -e '.[sdk]' $(SDK_PINS) pytest pytest-timeout nbclient nbformat ipykernel
	touch $@

## ruff, and the layering contract (which part of the package may import which: tests/test_layering.py).
lint: install
	$(VENV)/bin/ruff check wallaroo_widgets tests benchmarks conftest.py tutorials/build.py
	$(PY) -m pytest -q -p no:cacheprovider tests/test_layering.py

## Regenerate docs/reference/api/*.md from the docstrings (tests/test_docs.py fails while they are stale).
docs:
	$(PYTHON) scripts/gen_reference.py

sandbox: install
	$(VENV)/bin/wallaroo-widgets sandbox --demo --data-dir .sandbox-data

bench: install
	$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) $(SDK_VENV) .sandbox-data test-output .pytest_cache
	rm -rf wallaroo_widgets/labextension labextension/lib labextension/tsconfig.tsbuildinfo  # extension build
