# Resources: the benchmark of the generated list API against a hand-written loop (issue 13).
#   make bench-resources   100,000 records in 1,000 pages, time ratio and peak memory at 100 and
#                          1,000 pages (part of `make bench`; RESOURCES_BENCH_ARGS=--quick for a short run)
#   make bench-resources-quick  --smoke on the debug build (make bench-quick): 10 pages, one round,
#                          checks counts and checksums only

BENCH_STEPS += bench-resources
BENCH_QUICK_STEPS += bench-resources-quick
RESOURCES_BENCH_ARGS ?=

.PHONY: bench-resources bench-resources-quick

bench-resources:
	$(SWIFT) build -c release $(SWIFT_FLAGS) --product resources-bench
	$$($(SWIFT) build -c release --show-bin-path)/resources-bench $(RESOURCES_BENCH_ARGS)

bench-resources-quick:
	$(SWIFT) build $(SWIFT_FLAGS) --product resources-bench
	$(BIN)/resources-bench --smoke
