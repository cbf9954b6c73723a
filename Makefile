# Bourse developer commands. Everything runs inside .venv, created on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# The trading core (and the charge arithmetic it calls on every fill), the ledger's bookkeeping
# and the stream fan-out's per-connection loop are compiled with mypyc; the .so files land
# beside their sources and take precedence on import. The pure-Python sources stay the
# reference: `make clean-native` runs everything interpreted.
# Modules that define msgspec Structs stay interpreted: mypyc drops Struct options
# (array_like, frozen) of classes it compiles, which would change the snapshot encoding.
INTERPRETED := bourse/core/__init__.py bourse/core/snapshot.py bourse/core/config.py
NATIVE_MODULES := $(filter-out $(INTERPRETED),$(patsubst src/%,%,$(wildcard src/bourse/core/*.py))) \
	bourse/domain/charges.py bourse/domain/money.py \
	bourse/ledger/bookkeeper.py bourse/ledger/mirror.py bourse/ledger/entries.py bourse/ledger/chart.py \
	bourse/api/stream_hub.py bourse/api/stream_connection.py bourse/api/text_frames.py
NATIVE_STAMP := build/native.stamp
# The web terminal (web/): see the targets at the end.
WEB_NODE_STAMP := web/node_modules/.installed
WEB_SCHEMA := web/src/api/schema.d.ts
WEB_STAMP := web/dist/.built
WEB_SOURCES := $(filter-out $(WEB_SCHEMA),$(shell find web/src web/scripts -type f 2>/dev/null)) web/index.html \
	web/vite.config.ts web/tsconfig.json web/package.json web/package-lock.json

.PHONY: install native clean-native test lint typecheck importlint pytest bench run clean
.PHONY: web weblint webunit chromium

$(STAMP): pyproject.toml requirements/constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c requirements/constraints.txt -e '.[dev,bench]'
	touch $(STAMP)

install: $(STAMP)

$(NATIVE_STAMP): $(STAMP) $(addprefix src/,$(NATIVE_MODULES))
	cd src && ../$(VENV)/bin/mypyc --no-warn-unused-configs $(NATIVE_MODULES) > ../build-native.log 2>&1 || (cat ../build-native.log; exit 1)
	rm -f build-native.log
	@# The per-module .so files are shims that keep their old mtimes when the shared library
	@# behind them changes; date them all so the test-time staleness guard sees the build.
	find src -name '*.so' -exec touch {} +
	mkdir -p build && touch $(NATIVE_STAMP)

native: $(NATIVE_STAMP)

clean-native:
	find src -name '*.so' -delete
	rm -rf src/build $(NATIVE_STAMP)

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench

typecheck: $(STAMP)
	$(VENV)/bin/mypy

importlint: $(STAMP)
	$(VENV)/bin/lint-imports

# Two workers (pytest-xdist): the suite spends much of its time waiting on real servers, and
# CI machines have two cores. PYTEST_WORKERS=0 runs it in one process.
PYTEST_WORKERS ?= 2

pytest: $(STAMP) $(NATIVE_STAMP) $(WEB_STAMP) chromium
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS)

test: lint typecheck importlint weblint webunit pytest

bench: $(STAMP) $(NATIVE_STAMP) $(WEB_STAMP) chromium
	$(PY) bench/core.py
	$(PY) bench/http_orders.py
	$(PY) bench/order_instructions.py
	$(PY) bench/sim_load.py
	$(PY) bench/search.py
	$(PY) bench/fanout.py
	$(PY) bench/web_watch.py

run: $(STAMP) $(NATIVE_STAMP) $(WEB_STAMP)
	BOURSE_MODE=$${BOURSE_MODE:-development} $(VENV)/bin/bourse run

clean: clean-native
	rm -rf $(VENV) build .mypy_cache .ruff_cache .pytest_cache .hypothesis
	rm -rf web/node_modules web/dist web/openapi.json web/src/api/schema.d.ts

# --- the web terminal (web/): npm ci from the lockfile, a typed client generated from the
# OpenAPI document (`bourse openapi`, no server), a Vite build into web/dist (served at /).

$(WEB_NODE_STAMP): web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	touch $(WEB_NODE_STAMP)

# Rewritten only when the document changes, so the steps after it rerun only then.
web/openapi.json: $(STAMP) $(shell find src/bourse -name '*.py')
	$(VENV)/bin/bourse openapi -o web/openapi.json

$(WEB_SCHEMA): web/openapi.json $(WEB_NODE_STAMP)
	cd web && npm run --silent gen:api

$(WEB_STAMP): $(WEB_NODE_STAMP) $(WEB_SCHEMA) $(WEB_SOURCES)
	cd web && npm run --silent build
	touch $(WEB_STAMP)

web: $(WEB_STAMP)

weblint: $(WEB_NODE_STAMP) $(WEB_SCHEMA)
	cd web && npm run --silent lint && npm run --silent typecheck

webunit: $(WEB_NODE_STAMP) $(WEB_SCHEMA)
	cd web && npm run --silent test

# The browser tests drive Debian's Chromium (Playwright's own download cannot be fetched).
chromium:
	@test -x /usr/bin/chromium || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
		else echo "make: /usr/bin/chromium is missing: apt-get install chromium (as root)"; exit 1; fi; }
