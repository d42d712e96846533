# uncc — the two Quickstart commands are `make demo` and `make test`.
# Each installs what it needs: uv (from PyPI) when missing, then the locked environment.

SHELL := /bin/bash
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null || echo "$(PYTHON) -m uv")
export UV_PYTHON_DOWNLOADS := never
export UV_NO_PROGRESS := 1
# Installed modules are compiled to bytecode once, at install: otherwise every `uncc`
# start recompiles ~160 modules (and more when PYTHONDONTWRITEBYTECODE is set).
export UV_COMPILE_BYTECODE := 1
SEED ?= ../shared/seeds/000_ad47bffe988def09.txt

.PHONY: help install demo analysis-demo bench tour test lint typecheck imports pytest fmt messages screenshots clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*##/ —/'

install: ## install uv if missing, then the locked environment (.venv)
	@command -v uv >/dev/null 2>&1 || $(PYTHON) -m uv --version >/dev/null 2>&1 || \
	  $(PYTHON) -m pip install --quiet uv 2>/dev/null || \
	  $(PYTHON) -m pip install --quiet --user uv 2>/dev/null || \
	  $(PYTHON) -m pip install --quiet --user --break-system-packages uv
	@$(UV) sync --frozen --all-extras --quiet --compile-bytecode
	@# and the validated Convention beside the bytecode (ADR 0038), as the bytecode is
	@PYTHONDONTWRITEBYTECODE= $(UV) run --frozen --quiet python -m uncc.convention.compiled >/dev/null || true

demo: install ## a hub and three national nodes, and a cross-border ransomware case between them (Ctrl-C stops)
	@$(UV) run --frozen uncc demo

analysis-demo: install ## analyse an example incident for three fictional States: offences, jurisdiction, measures
	@$(UV) run --frozen uncc analyze examples/incidents/ransomware-hospital.yaml \
	  --profile examples/profiles/xa-northland.yaml \
	  --profile examples/profiles/xb-southland.yaml \
	  --profile examples/profiles/xc-eastland.yaml

bench: install ## every benchmark at full size, against baselines measured in the same run; writes bench/results.md and .json, appends bench/history.jsonl, draws bench/history.svg
	UNCC_PG_FSYNC=on scripts/with-postgres.sh scripts/with-seaweedfs.sh $(UV) run --frozen python -m bench --size full

tour: install ## a tour of the Convention as data (list, Article 43, lint of the seed)
	@$(UV) run --frozen uncc convention list
	@$(UV) run --frozen uncc convention show 43
	@if [ -f "$(SEED)" ]; then \
	  $(UV) run --frozen uncc convention lint "$(SEED)" || [ $$? -eq 1 ]; \
	fi

test: install lint typecheck imports pytest ## every quality gate and the whole test suite

lint: ## ruff lint and format check
	$(UV) run --frozen ruff check src tests bench
	$(UV) run --frozen ruff format --check src tests bench

typecheck: ## mypy --strict on src
	$(UV) run --frozen mypy

imports: ## import-linter layer contracts
	$(UV) run --frozen lint-imports

pytest: ## the test pyramid (with throw-away PostgreSQL and SeaweedFS (S3) servers and Debian's Chromium when they can be had)
	@scripts/ensure-chromium.sh
	scripts/with-postgres.sh scripts/with-seaweedfs.sh $(UV) run --frozen pytest -q -n 2

fmt: ## format the code
	$(UV) run --frozen ruff format src tests bench
	$(UV) run --frozen ruff check --fix src tests bench

messages: ## extract the web's strings (babel.cfg) and update the English and French catalogs
	$(UV) run --frozen python scripts/messages.py

screenshots: install ## the screenshots of docs/web.md (docs/img/), taken from the demo's nodes in Chromium
	@scripts/ensure-chromium.sh
	$(UV) run --frozen python scripts/screenshots.py

clean:
	rm -rf .venv .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
