# dspygen: `make demo` sets everything up and runs the typed Rust -> DSPy example;
# `make test` runs the whole suite, Rust builds included. Both work on a fresh clone.

PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
CRATES := $(wildcard generated/crates/*)

# One target directory for the generated workspace, the demo and maturin.
export CARGO_TARGET_DIR := $(CURDIR)/generated/target
export PYO3_PYTHON := $(BIN)/python
export VIRTUAL_ENV := $(CURDIR)/$(VENV)
# Test binaries and the demo embed Python: they need libpython at run time.
export LD_LIBRARY_PATH := $(shell $(PYTHON) -c 'import sysconfig; print(sysconfig.get_config_var("LIBDIR") or "")'):$(LD_LIBRARY_PATH)
export CARGO_TERM_COLOR := never

.PHONY: venv generate check develop demo test lint typecheck pytest rust bindings e2e clean

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

generate: venv
	$(BIN)/dspygen build

check: venv
	$(BIN)/dspygen check

# Build and install every generated extension module into the virtualenv.
develop: venv
	for crate in $(CRATES); do \
		(cd $$crate && $(BIN)/maturin develop --quiet) || exit 1; \
	done

demo: venv generate develop
	cd demo && PYTHONPATH=$(CURDIR)/fixtures:$(CURDIR)/fixtures/rag:$$($(BIN)/python -c 'import site; print(site.getsitepackages()[0])') \
		cargo run --quiet --bin qa_demo

lint: venv
	$(BIN)/ruff check codegen tests
	$(BIN)/ruff format --check codegen tests

typecheck: venv
	$(BIN)/mypy

pytest: venv
	$(BIN)/python -m pytest -q tests

rust: venv
	cd generated && cargo fmt --all --check
	cd generated && cargo clippy --workspace --all-targets --quiet -- -D warnings
	cd generated && cargo test --workspace --quiet

bindings: develop
	$(BIN)/python -m pytest -q $(addsuffix /tests,$(CRATES))

e2e: develop
	cd demo && cargo fmt --check
	cd demo && cargo clippy --all-targets --quiet -- -D warnings
	cd demo && PYTHONPATH=$(CURDIR)/fixtures:$(CURDIR)/fixtures/rag:$$($(BIN)/python -c 'import site; print(site.getsitepackages()[0])') \
		cargo test --quiet

test: lint typecheck check pytest rust bindings e2e

clean:
	rm -rf $(VENV) generated/target
