# Resources: the benchmark of the generated list API against a hand-written loop (issue 13).
#   make bench-resources   100,000 records in 1,000 pages, time ratio and peak memory at 100 and
#                          1,000 pages (part of `make bench`; RESOURCES_BENCH_ARGS=--quick for a short run)

BENCH_STEPS += bench-resources
RESOURCES_BENCH_ARGS ?=

.PHONY: bench-resources

bench-resources:
	$(SWIFT) build -c release $(SWIFT_FLAGS) --product resources-bench
	$$($(SWIFT) build -c release --show-bin-path)/resources-bench $(RESOURCES_BENCH_ARGS)
