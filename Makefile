# Everyday tasks. `make` builds everything and validates Connectors/; `make test` runs every test.
# Each area adds its own targets in mk/*.mk and appends them to TEST_STEPS / BENCH_STEPS.
SHELL := /bin/bash
.DEFAULT_GOAL := all

SWIFT ?= swift
# Any warning fails the build.
SWIFT_FLAGS ?= -Xswiftc -warnings-as-errors
# Compile-time guards for generated code, passed on the command line (never unsafeFlags: a package
# with unsafe flags cannot be used as a dependency). `make typecheck-generated` builds the catalog
# with them in its own scratch folder, so changing flags never forces a rebuild of .build.
TYPECHECK_FLAGS := -Xswiftc -Xfrontend -Xswiftc -warn-long-expression-type-checking=100 \
	-Xswiftc -Xfrontend -Xswiftc -warn-long-function-bodies=100
BIN := .build/debug
COMPILER := $(BIN)/connector-compiler

# Python tools for tests (jsonschema, Authlib + Flask), installed from PyPI into a venv.
VENV := .venv
PYTHON := $(VENV)/bin/python
PY_REQUIREMENTS := Tests/requirements.txt

TEST_STEPS := typecheck-generated
# Suites that load the machine (several processes): they run in their own step, not in parallel
# with suites that have time limits. Each mk/*.mk adds its own and a step running them.
ALONE_TESTS :=
empty :=
space := $(empty) $(empty)
BENCH_STEPS :=

.PHONY: all build validate test bench venv clean typecheck-generated
all: build validate

build:
	$(SWIFT) build $(SWIFT_FLAGS)

validate: build
	$(COMPILER) validate Connectors

$(PYTHON): $(PY_REQUIREMENTS)
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r $(PY_REQUIREMENTS)
	touch $(PYTHON)

venv: $(PYTHON)

# Generated code must type-check fast: every expression and function body under 100 ms.
typecheck-generated:
	$(SWIFT) build --scratch-path .build-typecheck --target Connectors $(SWIFT_FLAGS) $(TYPECHECK_FLAGS)

include $(sort $(wildcard mk/*.mk))

test: build venv
	$(COMPILER) validate --warnings-as-errors Connectors
	CONNECTOR_TEST_PYTHON=$(abspath $(PYTHON)) $(SWIFT) test $(SWIFT_FLAGS) $(if $(strip $(ALONE_TESTS)),--skip '$(subst $(space),|,$(strip $(ALONE_TESTS)))')
	@for step in $(TEST_STEPS); do echo "== $$step"; $(MAKE) --no-print-directory $$step || exit 1; done
	@echo "make test: all passed"

bench: build venv
	@for step in $(BENCH_STEPS); do $(MAKE) --no-print-directory $$step || exit 1; done

clean:
	rm -rf .build .build-typecheck $(VENV)
