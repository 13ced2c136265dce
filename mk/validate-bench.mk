# Validate benchmark ("Bad input, fast", issue 2), part of `make bench`:
#   make bench-validate        1,000 synthetic specs (Benchmarks/validate/gen_specs.py): release
#                              `connector-compiler validate` vs python jsonschema (compiled once,
#                              validation only) vs `jq empty`; medians, ratios, peak memory
#   make bench-validate-tools  installs jq, hyperfine and GNU time with apt-get when missing
#   make bench-validate-quick  100 specs, one run, with the debug build (make bench-quick): checks that
#                              the specs validate and every tool ran; no time is asserted
# BENCH_VALIDATE_COUNT, BENCH_VALIDATE_RUNS and BENCH_VALIDATE_ROUNDS change the size and repetitions.

VALIDATE_BENCH_SCRATCH := .build-release
BENCH_VALIDATE_COUNT ?= 1000
BENCH_VALIDATE_RUNS ?= 10
BENCH_VALIDATE_ROUNDS ?= 5

.PHONY: bench-validate bench-validate-tools bench-validate-quick

bench-validate-tools:
	@missing=; \
	command -v jq >/dev/null || missing="$$missing jq"; \
	command -v hyperfine >/dev/null || missing="$$missing hyperfine"; \
	test -x /usr/bin/time || missing="$$missing time"; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" != 0 ]; then \
			echo "error: bench-validate needs:$$missing; install them (e.g. sudo apt-get install -y$$missing) or run make as root"; exit 1; \
		fi; \
		echo "installing$$missing"; \
		apt-get install -y $$missing >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y $$missing >/dev/null; } \
			|| { echo "error: apt-get install$$missing failed"; exit 1; }; \
	fi

bench-validate: bench-validate-tools venv
	$(SWIFT) build -c release $(SWIFT_FLAGS) --product connector-compiler --scratch-path $(VALIDATE_BENCH_SCRATCH)
	BENCH_COUNT=$(BENCH_VALIDATE_COUNT) BENCH_RUNS=$(BENCH_VALIDATE_RUNS) BENCH_ROUNDS=$(BENCH_VALIDATE_ROUNDS) \
		Benchmarks/validate/bench.sh $(VALIDATE_BENCH_SCRATCH)/release/connector-compiler $(abspath $(PYTHON))

bench-validate-quick: bench-validate-tools venv build
	BENCH_COUNT=100 BENCH_RUNS=1 BENCH_ROUNDS=1 Benchmarks/validate/bench.sh $(COMPILER) $(abspath $(PYTHON))

BENCH_STEPS += bench-validate
BENCH_QUICK_STEPS += bench-validate-quick
