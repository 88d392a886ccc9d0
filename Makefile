# Two commands on a fresh machine:  `make run` (install, migrate, demo data, serve)  and  `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app app
HOST   ?= 127.0.0.1
PORT   ?= 8000
WORKERS ?= 2
# Per worker: more threads lose more to the GIL than they gain (bench/quiz.py, bench/pages.py on 2 cores).
THREADS ?= 2
# Login and verification limits must be counted across gunicorn's workers, not per worker: in Redis when one
# answers on 127.0.0.1:6379 and REDIS_URL is not set (in memory otherwise, where each worker counts alone).
LOCAL_REDIS = $(shell $(PYTHON) -c "import socket; socket.create_connection(('127.0.0.1', 6379), 0.3)" 2>/dev/null && echo redis://127.0.0.1:6379/0)
# Debian packages the tests drive: a real browser, PDF tools and a QR scanner.
TEST_APT := chromium poppler-utils zbar-tools
TEST_BINS := chromium pdftoppm zbarimg

.PHONY: run serve install install-dev migrate seed test test-sqlite test-postgres lint bench system-test-deps

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/activate
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/activate
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(FLASK) db upgrade

seed: migrate
	$(FLASK) seed-demo

run: seed
	@echo ""
	@echo "  Hệ thống đào tạo cán bộ công đoàn đang chạy tại http://$(HOST):$(PORT)"
	@echo ""
	@$(FLASK) demo-logins
	@echo "  (Ctrl+C để dừng)"
	@echo ""
	REDIS_URL=$${REDIS_URL:-$(LOCAL_REDIS)} $(BIN)/gunicorn --workers $(WORKERS) --threads $(THREADS) --bind $(HOST):$(PORT) --access-logfile - app:app

system-test-deps:
	@missing=""; for b in $(TEST_BINS); do command -v $$b >/dev/null || missing="$$missing $$b"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian packages for the tests:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(TEST_APT) >/dev/null; \
	  else echo "Missing$$missing: run 'sudo apt-get install $(TEST_APT)'"; exit 1; fi; \
	fi

lint: install-dev
	$(BIN)/ruff check .

test-sqlite: install-dev system-test-deps
	env -u TEST_DATABASE_URL $(BIN)/pytest -q

# Runs only when TEST_DATABASE_URL points at a PostgreSQL database (.ci/run sets it).
test-postgres: install-dev
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
	  echo "== PostgreSQL: $$TEST_DATABASE_URL"; $(BIN)/pytest -q -m "not e2e"; \
	else echo "TEST_DATABASE_URL not set: PostgreSQL run skipped"; fi

test: lint test-sqlite test-postgres

bench: install-dev
	$(BIN)/python bench/registry.py
