# safecity — the two commands a new machine needs are `make demo` and `make test`.
SHELL := /bin/bash
PORT ?= 8000
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
DEMO_ENV := SAFECITY_DEMO_MODE=true SAFECITY_CJI_MODE=false SAFECITY_CITY_NAME=Riverton
PYTEST_ARGS ?=

.PHONY: demo test lint bench install chromium serve openapi clean-demo help

help:
	@echo "make demo   - install, build the demo city and serve it at http://127.0.0.1:$(PORT)"
	@echo "make test   - install and run every test (unit, API, browser)"
	@echo "make lint   - ruff, mypy, migrations check"
	@echo "make bench  - performance benchmarks"

.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check "uv>=0.5"

install: $(if $(findstring .tools,$(UV)),.tools/bin/uv)
	$(UV) sync --frozen --quiet
	@if [ ! -d node_modules/@uswds/uswds ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then \
		npm ci --no-audit --no-fund --loglevel=error; fi

chromium:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests..."; \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
		else sudo apt-get update -qq && sudo apt-get install -y -qq chromium; fi; }

demo: install
	$(DEMO_ENV) $(UV) run safecity manage migrate --noinput -v 0
	$(DEMO_ENV) $(UV) run safecity demo
	@echo "Serving the demo city at http://127.0.0.1:$(PORT)  (Ctrl-C to stop)"
	$(DEMO_ENV) PORT=$(PORT) $(UV) run safecity serve

test: install chromium
	$(UV) run pytest $(PYTEST_ARGS); rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests collected"; exit 0; fi; exit $$rc

lint: install
	$(UV) run ruff check src
	$(UV) run mypy src/safecity
	SAFECITY_CJI_MODE=true $(UV) run safecity manage makemigrations --check --dry-run
	$(UV) run safecity manage check

openapi: install
	$(UV) run python -m safecity.openapi_export > docs/openapi.json

bench: install
	$(UV) run python benchmarks/run.py
