# Runtime: integration servers (Tests/Servers/) and the runtime benchmark (Benchmarks/runtime/).
#
# The integration tests in Tests/ConnectorRuntimeTests/Integration/ start the Python servers
# themselves, with the interpreter in CONNECTOR_TEST_PYTHON (set by `make test` to the venv's).
#   make runtime-integration   only those tests, against Authlib and the quirk mock
#   make runtime-servers-check the servers compile and start (no Swift needed)
#   make runtime-story-test    AppStoryTests alone (part of make test, after the parallel run): its
#                              real tokens live a few seconds, and the parallel run starts dozens of
#                              server processes at once on a fresh machine, which delayed a request
#                              past its token's life (three fresh-clone runs failed that way)
#   make bench-runtime         Connection overhead, single-flight refresh, response-body memory and
#                              time (part of `make bench`; `RUNTIME_BENCH_ARGS=--bodies` for those rows only)
#   make bench-runtime-quick   --smoke on the debug build (make bench-quick): one round of each row,
#                              checks token requests and body outcomes only

BENCH_STEPS += bench-runtime
BENCH_QUICK_STEPS += bench-runtime-quick
RUNTIME_BENCH_ARGS ?=

ALONE_TESTS += AppStoryTests
TEST_STEPS += runtime-story-test

.PHONY: bench-runtime bench-runtime-quick runtime-integration runtime-servers-check runtime-story-test

runtime-story-test: venv
	CONNECTOR_TEST_PYTHON=$(abspath $(PYTHON)) $(SWIFT) test $(SWIFT_FLAGS) --filter AppStoryTests

bench-runtime:
	$(SWIFT) build -c release $(SWIFT_FLAGS) --product runtime-bench
	$$($(SWIFT) build -c release --show-bin-path)/runtime-bench $(RUNTIME_BENCH_ARGS)

bench-runtime-quick:
	$(SWIFT) build $(SWIFT_FLAGS) --product runtime-bench
	$(BIN)/runtime-bench --smoke

runtime-integration: venv
	CONNECTOR_TEST_PYTHON=$(abspath $(PYTHON)) $(SWIFT) test $(SWIFT_FLAGS) \
		--filter 'AuthServerTokenEndpointTests|AuthServerConnectionTests|QuirkMockTests|QuirkHardeningTests|QuirkTokenTimeoutTests|AppStoryTests'

runtime-servers-check: venv
	@set -e; dir=$$(mktemp -d); trap 'kill $$pids 2>/dev/null; rm -rf $$dir' EXIT; pids=; \
	for server in authserver quirkserver; do \
		$(PYTHON) Tests/Servers/$$server.py --port-file $$dir/$$server.port & pids="$$pids $$!"; \
	done; \
	for server in authserver quirkserver; do \
		for i in $$(seq 100); do [ -s $$dir/$$server.port ] && break; sleep 0.1; done; \
		port=$$(cat $$dir/$$server.port); \
		curl -fsS http://127.0.0.1:$$port/_control/health >/dev/null; echo "$$server: listening on $$port"; \
	done
