# backprop-lab: `make demo`, `make notebooks` and `make test` set everything up on a fresh Debian
# machine. Each target installs only what it needs into .venv: `make demo` the engine and Graphviz,
# `make notebooks` the course extra (JupyterLab and what the notebooks import, no PyTorch, no test
# tools; pip skips precompiling bytecode, which keeps it under 600 MB) and starts JupyterLab,
# `make bench` micrograd, NumPy, scikit-learn's digits and PyTorch too (its anchors), `make test`
# and `make docs` the development, notebook, benchmark, digits, PyTorch and
# reinforcement-learning (Gymnasium) extras. pip's output goes to .venv/pip.log and is
# shown only if it fails; a target prints its own output and real problems, nothing else.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
CORE := $(VENV)/.installed-core
BENCH := $(VENV)/.installed-bench
COURSE := $(VENV)/.installed-course
EVERYTHING := $(VENV)/.installed-everything
HYPOTHESIS_PROFILE ?= $(if $(CI),ci,dev)

.PHONY: demo notebooks test lint typecheck pytest bench docs system-deps browser-deps clean

$(CORE): pyproject.toml
	@bash scripts/system-deps.sh
	@bash scripts/install.sh $(VENV) $@

$(BENCH): pyproject.toml
	@bash scripts/system-deps.sh
	@bash scripts/install.sh $(VENV) $@ bench,torch

$(COURSE): pyproject.toml
	@bash scripts/system-deps.sh
	@BACKPROP_PIP_OPTIONS=--no-compile bash scripts/install.sh $(VENV) $@ course

$(EVERYTHING): pyproject.toml
	@bash scripts/system-deps.sh
	@bash scripts/install.sh $(VENV) $@ dev,notebooks,bench,digits,torch,rl,compile

system-deps:
	@bash scripts/system-deps.sh

browser-deps:
	@bash scripts/system-deps.sh --browser

demo: $(CORE) system-deps
	@$(PY) -m autograd.cli.demo

notebooks: $(COURSE)
	@bash scripts/notebooks.sh $(VENV)

test: $(EVERYTHING) browser-deps lint typecheck pytest

lint: $(EVERYTHING)
	@$(VENV)/bin/ruff check .

typecheck: $(EVERYTHING)
	@$(VENV)/bin/mypy

pytest: $(EVERYTHING) browser-deps
	@$(PY) -m pytest --hypothesis-profile=$(HYPOTHESIS_PROFILE)

bench: $(BENCH)
	@$(PY) -m benchmarks

docs: $(EVERYTHING) browser-deps
	@$(PY) scripts/make_docs.py

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache .hypothesis
