# Two commands: `make run` and `make test`. Both create .venv when missing.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip

.PHONY: run test lint install install-test bench clean system-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# setuptools says "Editable installation … be careful with folders named like your package"
# on every editable install; nothing to act on, so it is left out of the first screen (its
# other warnings, deprecations included, still show).
QUIET_INSTALL := PYTHONWARNINGS="ignore:Editable installation"

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(QUIET_INSTALL) $(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(QUIET_INSTALL) $(PIP) install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# Development defaults (http, localhost:8000) apply only where neither the
# environment nor .env sets FEDIVERSE_DOMAIN / FEDIVERSE_SCHEME.
run: install
	$(BIN)/fediverse serve --dev --demo

test: install-test
	$(BIN)/python -m pytest -n 2 --dist loadgroup

# nginx and caddy (deploy tests), chromium and axe-core (browser tests): apt-get and npm;
# apt-get needs root, which CI has.
system-deps:
	.ci/system-deps

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: install-test
	$(BIN)/python bench/signing.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
