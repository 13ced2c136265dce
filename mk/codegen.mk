# Code generator: reference outputs, the hostile-input test and the type-checking benchmark.
#   make bench-typecheck        slowest generated function body and expression, generated lines and
#                               build time per spec, for the catalog (Connectors/), the 220
#                               hostile-test specs and 1,000 synthetic specs (part of `make bench`)
#   make bench-typecheck-quick  the same at 20 hostile and 20 synthetic specs (make bench-quick)
.PHONY: reference hostile-test bench-typecheck bench-typecheck-quick

REFERENCE_DIR := Tests/Reference

# Regenerates the committed reference outputs; review them with `git diff`.
reference: build
	rm -f $(REFERENCE_DIR)/Generated/*.swift
	$(COMPILER) generate --no-cache --output $(REFERENCE_DIR)/Generated --catalog --source-root . $(REFERENCE_DIR)/Specs

# 200+ seeded random specs with hostile strings in every slot: all must compile in one build and
# every string must round-trip byte for byte. No type-checking time limit (make bench-typecheck
# reports those times).
hostile-test: build
	python3 Tests/Hostile/hostile_test.py --compiler $(COMPILER) --package $(CURDIR) --count 220 --seed 20261123

TEST_STEPS += hostile-test

# The scratch package and its build folder are kept in .build-bench/ so the runtime is built once.
bench-typecheck: build
	python3 Benchmarks/typecheck/bench.py --compiler $(COMPILER) --package $(CURDIR) --scratch .build-bench/typecheck

bench-typecheck-quick: build
	python3 Benchmarks/typecheck/bench.py --compiler $(COMPILER) --package $(CURDIR) --scratch .build-bench/typecheck --quick

BENCH_STEPS += bench-typecheck
BENCH_QUICK_STEPS += bench-typecheck-quick
