# backprop-lab: `make demo` and `make test` set everything up on a fresh Debian machine.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
HYPOTHESIS_PROFILE ?= $(if $(CI),ci,dev)

.PHONY: demo test lint typecheck pytest bench docs system-deps browser-deps clean

$(INSTALLED): pyproject.toml
	bash scripts/system-deps.sh
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,notebooks,bench,digits,torch]'
	touch $(INSTALLED)

system-deps:
	bash scripts/system-deps.sh

browser-deps:
	bash scripts/system-deps.sh --browser

demo: $(INSTALLED) system-deps
	$(PY) -m autograd.cli.demo

test: $(INSTALLED) browser-deps lint typecheck pytest

lint: $(INSTALLED)
	$(VENV)/bin/ruff check .

typecheck: $(INSTALLED)
	$(VENV)/bin/mypy

pytest: $(INSTALLED) browser-deps
	$(PY) -m pytest --hypothesis-profile=$(HYPOTHESIS_PROFILE)

bench: $(INSTALLED)
	$(PY) -m benchmarks

docs: $(INSTALLED) browser-deps
	$(PY) scripts/make_docs.py

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache .hypothesis
