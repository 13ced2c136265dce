# Everyday tasks. `make` builds everything and validates Connectors/; `make test` runs every test.
# Each area adds its own targets in mk/*.mk and appends them to TEST_STEPS / BENCH_STEPS.
SHELL := /bin/bash
.DEFAULT_GOAL := all

SWIFT ?= swift
# Any warning fails the build.
SWIFT_FLAGS ?= -Xswiftc -warnings-as-errors
BIN := .build/debug
COMPILER := $(BIN)/connector-compiler

# Python tools for tests (jsonschema, Authlib + Flask), installed from PyPI into a venv.
VENV := .venv
PYTHON := $(VENV)/bin/python
PY_REQUIREMENTS := Tests/requirements.txt

# No step of `make test` asserts a time: a shared or loaded machine fails such limits at random.
# How long things take is a figure of `make bench`; `make bench-quick` (a test step) runs every
# benchmark at its smallest size once and checks only that it ran and its outputs are sane.
TEST_STEPS :=
# Suites that load the machine (several processes): they run in their own step, not in parallel
# with suites that have time limits. Each mk/*.mk adds its own and a step running them.
ALONE_TESTS :=
empty :=
space := $(empty) $(empty)
BENCH_STEPS :=
# Each benchmark's quick mode, run by `make bench-quick` (mk/bench-quick.mk).
BENCH_QUICK_STEPS :=

.PHONY: all build validate test bench bench-quick check-no-time-limits venv clean
all: build validate

build:
	$(SWIFT) build $(SWIFT_FLAGS)

validate: build
	$(COMPILER) validate Connectors

# The stamp is a plain file: .venv/bin/python is a symlink, and touching it touches the shared
# interpreter, so every other venv made from it looked up to date with a newer requirements file.
VENV_STAMP := $(VENV)/.requirements-installed
$(VENV_STAMP): $(PY_REQUIREMENTS)
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r $(PY_REQUIREMENTS)
	touch $(VENV_STAMP)

venv: $(VENV_STAMP)

include $(sort $(wildcard mk/*.mk))

test: build venv
	$(COMPILER) validate --warnings-as-errors Connectors
	CONNECTOR_TEST_PYTHON=$(abspath $(PYTHON)) $(SWIFT) test $(SWIFT_FLAGS) $(if $(strip $(ALONE_TESTS)),--skip '$(subst $(space),|,$(strip $(ALONE_TESTS)))')
	@for step in $(TEST_STEPS); do echo "== $$step"; start=$$(date +%s); $(MAKE) --no-print-directory $$step || exit 1; \
		echo "== $$step: $$(( $$(date +%s) - start )) s"; done
	@echo "make test: all passed"

bench: build venv
	@for step in $(BENCH_STEPS); do $(MAKE) --no-print-directory $$step || exit 1; done

# Every benchmark once at its smallest size (a step of `make test`, last, so it reuses the builds
# of the steps before it): a benchmark that no longer runs fails `make test`. Times are printed,
# never asserted. `make check-no-time-limits` keeps type-checking time limits out of `make test`.
bench-quick: build venv
	@for step in $(BENCH_QUICK_STEPS); do echo "== $$step"; start=$$(date +%s); $(MAKE) --no-print-directory $$step || exit 1; \
		echo "== $$step: $$(( $$(date +%s) - start )) s"; done
	@echo "bench-quick: every benchmark ran ($(words $(BENCH_QUICK_STEPS)) quick steps)"

check-no-time-limits:
	python3 mk/check_no_time_limits.py .

TEST_STEPS += check-no-time-limits bench-quick

clean:
	rm -rf .build .build-typecheck .build-bench $(VENV)
