# Hub/: the second SwiftPM package (SQL token stores now, the Hub server next). It depends on the
# root package by path and on PostgresNIO, GRDB, swift-crypto and AsyncHTTPClient, so the root stays
# dependency-free.
#
#   make store-processes-test  the file store's multi-process tests (root package), run alone
#   make hub-build   build the Hub package
#   make hub-test    its tests, against a throwaway PostgreSQL (Hub/scripts/postgres.sh installs
#                    Debian's postgresql when missing, initdb's a temp folder, starts it on a free
#                    loopback port and stops it afterwards) and SQLite files (part of `make test`)
#   make hub-bench   sends and refreshes through each store, token requests per expiry (part of `make bench`)
#   make hub-transport-bench  URLSessionTransport against AsyncHTTPClientTransport: peak RSS while a
#                    2,000 MiB chunked body is refused, a 9 MiB body, requests/s (part of `make bench`;
#                    HUB_TRANSPORT_BENCH_ARGS=--quick for fewer runs)
#   make hub-bench-quick, hub-transport-bench-quick  --smoke on the debug build (make bench-quick:
#                    the release build of the Hub takes too long for make test); sanity only

TEST_STEPS += store-processes-test hub-test
BENCH_STEPS += hub-bench hub-transport-bench
BENCH_QUICK_STEPS += hub-bench-quick hub-transport-bench-quick
# The file store's multi-process suite (4 worker processes x 250 sends) runs alone.
ALONE_TESTS += MultiProcessFileStoreTests
HUB_BENCH_ARGS ?=
HUB_TRANSPORT_BENCH_ARGS ?=

.PHONY: hub-build hub-test hub-bench hub-transport-bench hub-bench-quick hub-transport-bench-quick store-processes-test

store-processes-test: venv
	CONNECTOR_TEST_PYTHON=$(abspath $(PYTHON)) $(SWIFT) test $(SWIFT_FLAGS) --filter MultiProcessFileStoreTests

hub-build:
	cd Hub && $(SWIFT) build $(SWIFT_FLAGS)

hub-test: venv
	cd Hub && $(SWIFT) build --build-tests $(SWIFT_FLAGS)
	cd Hub && CONNECTOR_TEST_PYTHON=$(abspath $(PYTHON)) scripts/postgres.sh run $(SWIFT) test --skip-build \
		$(if $(strip $(HUB_ALONE_TESTS)),--skip '$(subst $(space),|,$(strip $(HUB_ALONE_TESTS)))')
	cd Hub && CONNECTOR_TEST_PYTHON=$(abspath $(PYTHON)) scripts/postgres.sh run $(SWIFT) test --skip-build \
		--filter aRestartedDatabaseKeepsCachedSendsWorkingAndRefreshesResume

# The token store's restart test stops and starts the test PostgreSQL: it runs alone, after the
# others. A sync store's query in flight during the stop no longer hangs (it fails at the store's
# deadline, docs/syncs.md), but the test it belongs to then fails instead of passing.
HUB_ALONE_TESTS += aRestartedDatabaseKeepsCachedSendsWorkingAndRefreshesResume

hub-bench: venv
	cd Hub && $(SWIFT) build -c release $(SWIFT_FLAGS) --product hub-store-worker
	cd Hub && $(SWIFT) build -c release $(SWIFT_FLAGS) --product store-bench
	cd Hub && CONNECTOR_TEST_PYTHON=$(abspath $(PYTHON)) scripts/postgres.sh run \
		$$($(SWIFT) build -c release --show-bin-path)/store-bench $(HUB_BENCH_ARGS)

hub-transport-bench:
	cd Hub && $(SWIFT) build -c release $(SWIFT_FLAGS) --product transport-bench
	cd Hub && $$($(SWIFT) build -c release --show-bin-path)/transport-bench $(HUB_TRANSPORT_BENCH_ARGS)

hub-bench-quick: venv
	cd Hub && $(SWIFT) build $(SWIFT_FLAGS) --product hub-store-worker
	cd Hub && $(SWIFT) build $(SWIFT_FLAGS) --product store-bench
	cd Hub && CONNECTOR_TEST_PYTHON=$(abspath $(PYTHON)) scripts/postgres.sh run \
		$$($(SWIFT) build --show-bin-path)/store-bench --smoke

hub-transport-bench-quick:
	cd Hub && $(SWIFT) build $(SWIFT_FLAGS) --product transport-bench
	cd Hub && $$($(SWIFT) build --show-bin-path)/transport-bench --smoke

# make hub-test-nio   the Hub's suite (ConnectorHubTests) with the Hub on the `nio` transport
#                     (PooledHTTP1Transport, docs/hub.md "Transport"): every proxy, linking and
#                     token rule against it. Not part of `make test` (hub-test runs the default).
.PHONY: hub-test-nio
hub-test-nio: venv
	cd Hub && $(SWIFT) build --build-tests $(SWIFT_FLAGS)
	cd Hub && CONNECTOR_HUB_TEST_TRANSPORT=nio CONNECTOR_TEST_PYTHON=$(abspath $(PYTHON)) scripts/postgres.sh run \
		$(SWIFT) test --skip-build --filter ConnectorHubTests \
		$(if $(strip $(HUB_ALONE_TESTS)),--skip '$(subst $(space),|,$(strip $(HUB_ALONE_TESTS)))')

# make hub-test-fast  the Hub's suite (ConnectorHubTests) with the proxy's fast path on (the `nio`
#                     transport, HubConfiguration.proxyFastPath, docs/hub.md "Fifth pass on issue
#                     19"), each harness served on a live loopback port: every proxy rule and
#                     fall-through case against it. Not part of `make test`. Skips the OpenAPI
#                     test that sends every documented path with its `{model}` placeholders
#                     (Hummingbird's live test client refuses `{` in a request target).
HUB_FAST_SKIPPED := $(HUB_ALONE_TESTS) everyDocumentedOperationIsServedAndNeedsTheAppKey
.PHONY: hub-test-fast
hub-test-fast: venv
	cd Hub && $(SWIFT) build --build-tests $(SWIFT_FLAGS)
	cd Hub && CONNECTOR_HUB_TEST_PROXY_FAST_PATH=1 CONNECTOR_TEST_PYTHON=$(abspath $(PYTHON)) scripts/postgres.sh run \
		$(SWIFT) test --skip-build --filter ConnectorHubTests --skip '$(subst $(space),|,$(strip $(HUB_FAST_SKIPPED)))'
