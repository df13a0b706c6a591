# Two commands do everything: `make run` and `make test`. See README.md.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PIP_INSTALL := $(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --only-binary=:all:
HOST ?= 127.0.0.1
PORT ?= 8000
WORKER_CONCURRENCY ?= 2
WEB_CONCURRENCY ?= 2

.PHONY: run test audit bench journeys install install-dev static migrate demo-users lock clean

run: install static migrate demo-users
	@echo "Serving http://$(HOST):$(PORT)/ with the Procfile's processes (web, worker, beat, outbox relay). Ctrl-C stops them all."
	@HOST=$(HOST) PORT=$(PORT) WEB_CONCURRENCY=$(WEB_CONCURRENCY) WORKER_CONCURRENCY=$(WORKER_CONCURRENCY) \
	exec $(BIN)/python -m config.procfile

# Tests keep their SQLite database and broker folder apart from `make run`'s (var/test).
TEST_VAR_DIR ?= $(CURDIR)/var/test
# CI collects the static files once, then runs two halves of the suite at once with STATIC= (.ci/run).
STATIC ?= static
test: install-dev $(STATIC)
	VAR_DIR=$(TEST_VAR_DIR) $(BIN)/python -m pytest $(PYTEST_ARGS)

# Known vulnerabilities in requirements/*.txt and package-lock.json (.ci/audit.py).
audit: install-dev
	$(BIN)/python .ci/audit.py

# Speed and throughput figures (docs/BENCHMARKS.md); a few minutes on two cores.
bench: install-dev static
	$(BIN)/python bench/identity_check_cpu.py
	$(BIN)/python bench/identity_throughput.py 40
	$(BIN)/python bench/gallery_search.py
	$(BIN)/python bench/casework_pages.py
	$(BIN)/python bench/management_information.py
	$(BIN)/python bench/journeys.py
	$(BIN)/python bench/case_search_and_audit.py
	$(BIN)/python bench/eta_decisions.py 30
	$(BIN)/python bench/api_status_checks.py

# Synthetic journeys (README.md): against TARGET, e.g. `make journeys TARGET=http://127.0.0.1:8000 JOURNEYS=50`,
# or, without TARGET, against a fresh service of their own.
JOURNEYS ?= 7
journeys: install-dev
	$(BIN)/python manage.py run_journeys --journeys $(JOURNEYS) $(if $(TARGET),--target $(TARGET)) $(JOURNEYS_ARGS)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The lock is complete and exact, so pip installs it with --no-deps and never
# resolves or builds anything; --only-binary makes a missing wheel an error.
$(VENV)/.installed-base: requirements/base.txt | $(BIN)/python
	$(PIP_INSTALL) -r requirements/base.txt
	$(BIN)/python -c "import face_recognition, dlib"
	@touch $@

$(VENV)/.installed-dev: requirements/dev.txt $(VENV)/.installed-base
	$(PIP_INSTALL) -r requirements/dev.txt
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: $(VENV)/.installed-base node_modules/.installed
install-dev: install $(VENV)/.installed-dev

static: install
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo-users: migrate
	$(BIN)/python manage.py create_demo_users

# Re-resolve the lock from pyproject.toml's direct dependencies in a scratch venv.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	$(PYTHON) requirements/direct.py base | xargs .lock-venv/bin/pip install --quiet --only-binary=:all:
	.lock-venv/bin/pip install --quiet --only-binary=:all: --no-deps face-recognition-ng==1.4.2
	.lock-venv/bin/pip freeze --exclude-editable > requirements/base.txt
	$(PYTHON) requirements/direct.py dev | xargs .lock-venv/bin/pip install --quiet --only-binary=:all:
	.lock-venv/bin/pip freeze --exclude-editable | grep -vxF -f requirements/base.txt > requirements/dev.txt
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) node_modules staticfiles var
