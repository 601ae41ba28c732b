# dspygen: `make demo` sets everything up and runs the typed Rust -> DSPy example;
# `make test` runs the whole suite, Rust builds included. Both work on a fresh clone.

PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
CRATES := $(wildcard generated/crates/*)

# One target directory for the generated workspace and the demo (two Cargo workspaces, whose
# dependency features differ): safe because the generated crates are plain rlibs, whose files
# carry a hash per build configuration. maturin gets its own (see `develop`).
export CARGO_TARGET_DIR := $(CURDIR)/generated/target
export PYO3_PYTHON := $(BIN)/python
export VIRTUAL_ENV := $(CURDIR)/$(VENV)
# Test binaries and the demo embed Python: they need libpython at run time.
export LD_LIBRARY_PATH := $(shell $(PYTHON) -c 'import sysconfig; print(sysconfig.get_config_var("LIBDIR") or "")'):$(LD_LIBRARY_PATH)
export CARGO_TERM_COLOR := never
# Line tables rather than full debug info: a panic's backtrace still names file and line, and the
# target directory of a whole `make test` shrinks by gigabytes (a CI run ran out of disk).
export CARGO_PROFILE_DEV_DEBUG ?= line-tables-only

.PHONY: venv bytecode generate check develop demo test lint typecheck pytest runtime rust bindings e2e fuzz bench corpus clean

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	$(MAKE) bytecode
	touch $@

# dspygen's own modules compiled ahead, as pip compiles an installed package's: an editable
# install run under PYTHONDONTWRITEBYTECODE (set on the machines this was measured on) compiles
# the ninety-odd it imports on every run, about 0.09 s of each `dspygen` process. A module edited
# since is compiled in memory as before; `make bench` recompiles first, to time dspygen as installed.
bytecode:
	$(BIN)/python -m compileall -q codegen

generate: venv
	$(BIN)/dspygen build

check: venv
	$(BIN)/dspygen check

# Build and install every generated extension module into the virtualenv. maturin builds pyo3 as
# an extension module (PYO3_BUILD_EXTENSION_MODULE changes its build script's output), and asks
# for each crate's cdylib, whose file name carries no hash: in cargo's target directory the two
# would rebuild each other's pyo3 on every switch, so maturin gets its own.
develop: venv
	for crate in $(CRATES); do \
		(cd $$crate && CARGO_TARGET_DIR=$(CURDIR)/generated/target/maturin $(BIN)/maturin develop --quiet) || exit 1; \
	done

demo: venv generate develop
	cd demo && PYTHONPATH=$(CURDIR)/fixtures:$(CURDIR)/fixtures/rag:$(CURDIR)/fixtures/imports:$$($(BIN)/python -c 'import site; print(site.getsitepackages()[0])') \
		cargo run --quiet --bin qa_demo

lint: venv
	$(BIN)/ruff check codegen tests corpus bench
	$(BIN)/ruff format --check codegen tests corpus bench

typecheck: venv
	$(BIN)/mypy

# tests/types needs the generated extension modules: `make bindings` runs it after building them.
# DSPYGEN_CRASH_QUICK: the kill-at-every-step test on the crate's files alone (`make fuzz`: with
# a runtime folder of its own too).
pytest: venv
	DSPYGEN_CRASH_QUICK=1 $(BIN)/python -m pytest -q tests --ignore=tests/types

# The runtime's features but abi3 (tests/unit/test_runtime_crate.py keeps the list whole).
RUNTIME_FEATURES = datetime uuid decimal bytes ip path url secret email floats json unions constraints regex dspy-types embed async

# The runtime every generated crate depends on: with every feature, and with none (each
# family's `cfg` must stand alone).
runtime: venv
	cd runtime && cargo fmt --check
	cd runtime && cargo clippy --all-targets --all-features --quiet -- -D warnings
	cd runtime && cargo clippy --all-targets --quiet -- -D warnings
	# each family's feature alone, as a generated crate turns it on (a workspace unifies them)
	cd runtime && for feature in $(RUNTIME_FEATURES); do \
		cargo clippy --all-targets --quiet --features $$feature -- -D warnings || exit 1; \
	done
	cd runtime && cargo test --all-features --quiet

rust: venv runtime
	cd generated && cargo fmt --all --check
	cd generated && cargo clippy --workspace --all-targets --quiet -- -D warnings
	cd generated && cargo test --workspace --quiet

bindings: develop
	$(BIN)/python -m pytest -q $(addsuffix /tests,$(CRATES)) tests/types

e2e: develop
	cd demo && cargo fmt --check
	cd demo && cargo clippy --all-targets --quiet -- -D warnings
	cd demo && PYTHONPATH=$(CURDIR)/fixtures:$(CURDIR)/fixtures/rag:$(CURDIR)/fixtures/imports:$$($(BIN)/python -c 'import site; print(site.getsitepackages()[0])') \
		cargo test --quiet

test: lint typecheck check pytest rust bindings e2e

# A long, random fuzz run (not part of `make test`, which runs 16 derandomized examples):
# hypothesis writes DSPYGEN_FUZZ_EXAMPLES random model / signature files, each built alone, the
# valid ones into one crate (clippy, maturin build, its pytest), then round trips of random
# instances; and the 10,000-line file is compiled too. Repeat a run: FUZZ_ARGS=--hypothesis-seed=N.
DSPYGEN_FUZZ_EXAMPLES ?= 200
FUZZ_ARGS ?=

fuzz: venv
	DSPYGEN_FUZZ_EXAMPLES=$(DSPYGEN_FUZZ_EXAMPLES) DSPYGEN_SCALE_COMPILE=1 \
		$(BIN)/python -m pytest -q tests/hostile/test_fuzz.py tests/hostile/test_scale.py \
		tests/hostile/test_crash_safety.py $(FUZZ_ARGS)

# Benchmarks (not part of `make test`): the compiler against `import dspy`, its scaling, and the
# generated bindings against pydantic; prints a table, writes bench/out/. Release builds for timing.
# `make bench BENCH_ARGS=--record` also writes the run into docs/benchmarks.md; `--quick` for a smoke run.
BENCH_ARGS ?=

bench: venv bytecode
	$(BIN)/dspygen build bench/models.py bench/signatures.py --out bench/bindings --crate-name bench_rs
	cd bench/bindings && $(BIN)/maturin develop --release --quiet
	cd bench/native && $(BIN)/maturin develop --release --quiet
	$(BIN)/python -m bench $(BENCH_ARGS)

# dspygen on published packages built on dspy and pydantic (not part of `make test`, which runs the
# small subset in tests/corpus/): the files pinned by sha256 in corpus/packages.toml are downloaded
# into ~/.cache/dspygen-corpus ($$XDG_CACHE_HOME, or DSPYGEN_CORPUS_CACHE), every file holding a
# signature or a model goes through `dspygen schema`, a crate is built from each file that reads, and
# one `cargo check` covers them all. `make corpus CORPUS_ARGS=--record` also writes docs/corpus.md.
CORPUS_ARGS ?=

corpus: venv
	$(BIN)/python -m corpus $(CORPUS_ARGS)

clean:
	rm -rf $(VENV) generated/target runtime/target
