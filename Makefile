# Bourse developer commands. Everything runs inside .venv, created on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# The trading core (and the charge arithmetic it calls on every fill) is compiled with mypyc;
# the .so files land beside their sources and take precedence on import. The pure-Python
# sources stay the reference: `make clean-native` runs everything interpreted.
# Modules that define msgspec Structs stay interpreted: mypyc drops Struct options
# (array_like, frozen) of classes it compiles, which would change the snapshot encoding.
INTERPRETED := bourse/core/__init__.py bourse/core/snapshot.py bourse/core/config.py
NATIVE_MODULES := $(filter-out $(INTERPRETED),$(patsubst src/%,%,$(wildcard src/bourse/core/*.py))) \
	bourse/domain/charges.py bourse/domain/money.py
NATIVE_STAMP := build/native.stamp

.PHONY: install native clean-native test lint typecheck importlint pytest bench run clean

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

pytest: $(STAMP) $(NATIVE_STAMP)
	$(VENV)/bin/pytest

test: lint typecheck importlint pytest

bench: $(STAMP) $(NATIVE_STAMP)
	$(PY) bench/core.py
	$(PY) bench/http_orders.py
	$(PY) bench/sim_load.py
	$(PY) bench/search.py
	$(PY) bench/fanout.py

run: $(STAMP) $(NATIVE_STAMP)
	BOURSE_MODE=$${BOURSE_MODE:-development} $(VENV)/bin/bourse run

clean: clean-native
	rm -rf $(VENV) build .mypy_cache .ruff_cache .pytest_cache .hypothesis
