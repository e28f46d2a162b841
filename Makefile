# The two commands of the quick start are `make run` and `make test`; everything else is optional.
SHELL := /bin/bash
# Let Python cache the bytecode of what it imports (__pycache__, git-ignored; never packaged: infra/aws/staging.py
# leaves it out). Some machines set PYTHONDONTWRITEBYTECODE=1: every process (each test worker, each local
# platform a test starts) then compiles every module it imports again, about 1.5 s of CPU each.
unexport PYTHONDONTWRITEBYTECODE
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
STAMP := $(VENV)/.installed-stamp
# Local platform defaults (see README, "Configuration").
CLAIMS_PORT ?= 8765
CLAIMS_MOTO_PORT ?= 5056
# Test workers (pytest-xdist, one test file per worker at a time, long files first: tests/conftest.py orders
# them, --no-loadscope-reorder keeps that order; 0 = in one process). The suite waits a lot (end-to-end
# platforms, browsers, the escalation's scaled waits), so three workers keep the 2 cores busier than two.
# Each worker provisions the embedded AWS once (tests/embedded_aws.py) and empties it between tests.
TEST_WORKERS ?= 3

# AWS (infra/aws, README "Deploying to AWS"): the stage from infra/aws/config.json.
STAGE ?= dev
CDK_DIR := infra/aws
CDK_STAMP := $(CDK_DIR)/node_modules/.installed-stamp
CDK_ENV := PATH="$(abspath $(VENV))/bin:$$PATH" AWS_DEFAULT_REGION="$${AWS_DEFAULT_REGION:-eu-west-3}" \
	CDK_DISABLE_VERSION_CHECK=1 JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1

.PHONY: help setup run test test-fast lint typecheck bench reset lock clean synth deploy bootstrap pdf-layer pdf-layer-docker

help:
	@echo "make run        start the whole platform locally (embedded AWS) and print its URL"
	@echo "make test       lint, type-check and run every test"
	@echo "make test-fast  unit tests only"
	@echo "make bench      print the benchmark figures"
	@echo "make reset      wipe the local platform's saved data"
	@echo "make lock       re-resolve dependencies into requirements*.txt"
	@echo "make synth      synthesise the AWS stack offline (STAGE=dev) and lint it with cfn-lint"
	@echo "make pdf-layer  build the WeasyPrint layer on AWS (CodeBuild; STAGE=dev; needs AWS credentials)"
	@echo "make deploy     deploy the AWS stack and the web pages (STAGE=dev; needs AWS credentials)"

# System packages (Debian only: scripts/system-deps.sh does nothing elsewhere), then the virtual environment
# from the lock file.
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
	$(VENV)/bin/lint-imports --no-cache

typecheck: setup
	$(VENV)/bin/mypy chalicelib infra/local

test: lint typecheck $(CDK_STAMP)
	CLAIMS_LAMBDA_PYTHON="$$(bash scripts/lambda-python.sh)" CLAIMS_AXE_JS="$$(bash scripts/axe-core.sh)" \
	$(PY) -m pytest -q -p no:cacheprovider -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

test-fast: setup
	$(PY) -m pytest -q -m "not integration and not e2e and not slow"

bench: setup
	CLAIMS_LAMBDA_PYTHON="$$(bash scripts/lambda-python.sh)" $(PY) -m bench

reset:
	rm -rf .local-data
	@echo "Local data wiped."

# Dependencies are declared in pyproject.toml; these two files are generated, never edited by hand.
# requirements-dev.lock pins everything; requirements.txt (the Lambda dependency layer, infra/aws/packaging.py)
# is the runtime subset, resolved under the lock's pins so both always agree.
lock: $(STAMP)
	$(UV) pip compile -q pyproject.toml --extra local --extra dev -o requirements-dev.lock
	$(UV) pip compile -q pyproject.toml -c requirements-dev.lock -o requirements.txt

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache infra/cdk.out infra/chalice.out
	rm -rf $(CDK_DIR)/cdk.out $(CDK_DIR)/chalice.out $(CDK_DIR)/build $(CDK_DIR)/node_modules

# --- AWS -------------------------------------------------------------------------------------------------
# The CDK command line, pinned in infra/aws/package-lock.json (aws-cdk@2: v3 cannot read aws-cdk-lib 2's output).
$(CDK_STAMP): $(CDK_DIR)/package.json $(CDK_DIR)/package-lock.json
	cd $(CDK_DIR) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Offline: no credentials needed. The first run builds Chalice's dependency layer (minutes), later ones reuse it.
# scripts/lambda-python.sh finds (or on Debian fetches) a python3.13 to compile the packages' bytecode with.
synth: setup $(CDK_STAMP)
	rm -rf $(CDK_DIR)/cdk.out
	export CLAIMS_LAMBDA_PYTHON="$$(bash scripts/lambda-python.sh)" && \
	cd $(CDK_DIR) && $(CDK_ENV) node_modules/.bin/cdk synth --quiet --no-notices -c stage=$(STAGE)
	$(VENV)/bin/cfn-lint $(CDK_DIR)/cdk.out/$(STAGE).template.json $(CDK_DIR)/cdk.out/$(STAGE)-pdf-layer.template.json
	@echo "Templates: $(CDK_DIR)/cdk.out/$(STAGE).template.json, $(STAGE)-pdf-layer.template.json"

# Once per account and region.
bootstrap: setup $(CDK_STAMP)
	cd $(CDK_DIR) && $(CDK_ENV) node_modules/.bin/cdk bootstrap --no-notices -c stage=$(STAGE)

deploy: setup
	$(PY) -m infra.aws.config $(STAGE)
	$(MAKE) synth STAGE=$(STAGE)
	cd $(CDK_DIR) && $(CDK_ENV) node_modules/.bin/cdk deploy --app cdk.out --no-notices \
		--require-approval broadening --outputs-file cdk.out/outputs.json $(STAGE)
	$(PY) -m infra.aws.backfill $(CDK_DIR)/cdk.out/outputs.json $(STAGE)
	$(PY) -m infra.aws.publish_frontend $(CDK_DIR)/cdk.out/outputs.json

# WeasyPrint's native libraries and fonts as a Lambda layer, built on AWS (no Docker here): deploys the
# stage's CodeBuild project (stack claims-<stage>-pdf-layer), runs it and waits; the layer's ARN lands in
# the SSM parameter the stack reads. Once per stage, and again when WeasyPrint's version changes.
pdf-layer: synth
	cd $(CDK_DIR) && $(CDK_ENV) node_modules/.bin/cdk deploy --app cdk.out --no-notices \
		--require-approval broadening $(STAGE)-pdf-layer
	AWS_DEFAULT_REGION="$${AWS_DEFAULT_REGION:-eu-west-3}" $(PY) -m infra.aws.pdf_layer --stage $(STAGE)

# The same layer built in an Amazon Linux 2023 container on this machine (Docker or Podman); then set
# weasyprint_layer_zip in infra/aws/config.json.
pdf-layer-docker:
	bash $(CDK_DIR)/layers/weasyprint/build.sh
