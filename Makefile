# The two commands of the quick start are `make run` and `make test`; everything else is optional.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
STAMP := $(VENV)/.installed-stamp
# Local platform defaults (see README, "Configuration").
CLAIMS_PORT ?= 8765
CLAIMS_MOTO_PORT ?= 5056

.PHONY: help setup run test test-fast lint typecheck bench reset lock clean

help:
	@echo "make run        start the whole platform locally (embedded AWS) and print its URL"
	@echo "make test       lint, type-check and run every test"
	@echo "make test-fast  unit tests only"
	@echo "make bench      print the benchmark figures"
	@echo "make reset      wipe the local platform's saved data"
	@echo "make lock       re-resolve dependencies into requirements*.txt"

# System packages (Debian) first, then the virtual environment from the lock file.
setup: $(STAMP)

$(STAMP): requirements-dev.lock requirements.txt pyproject.toml scripts/system-deps.sh
	bash scripts/system-deps.sh
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check uv
	$(UV) pip sync -q --python $(PY) requirements-dev.lock
	$(UV) pip install -q --python $(PY) --no-deps -e .
	touch $@

run: setup
	$(PY) -m infra.local.devserver --port $(CLAIMS_PORT) --moto-port $(CLAIMS_MOTO_PORT)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: setup
	$(VENV)/bin/mypy chalicelib infra/local

test: lint typecheck
	$(PY) -m pytest -q -p no:cacheprovider

test-fast: setup
	$(PY) -m pytest -q -m "not integration and not e2e and not slow"

bench: setup
	$(PY) -m bench

reset:
	rm -rf .local-data
	@echo "Local data wiped."

# Dependencies are declared in pyproject.toml; these two files are generated, never edited by hand.
# requirements-dev.lock pins everything; requirements.txt (what Chalice packages into the Lambda functions)
# is the runtime subset, resolved under the lock's pins so both always agree.
lock: $(STAMP)
	$(UV) pip compile -q pyproject.toml --extra local --extra dev -o requirements-dev.lock
	$(UV) pip compile -q pyproject.toml -c requirements-dev.lock -o requirements.txt

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache infra/cdk.out infra/chalice.out
