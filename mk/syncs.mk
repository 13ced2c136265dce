# Syncs (docs/syncs.md): the crash suite starts sync-worker processes and SIGKILLs them at random
# moments (SYNC_KILL_TRIALS per store, default 20), so it runs alone, after hub-test's build.
#
#   make hub-sync-crash-test   SyncCrashTests on SQLite and a throwaway PostgreSQL, and SyncRestartTests
#                              (its own PostgreSQL stopped and started mid-sync, after: it would
#                              break the crash suite's workers) (part of make test)

HUB_ALONE_TESTS += SyncCrashTests SyncRestartTests
TEST_STEPS += hub-sync-crash-test

.PHONY: hub-sync-crash-test

hub-sync-crash-test: venv
	cd Hub && $(SWIFT) build --build-tests $(SWIFT_FLAGS)
	cd Hub && scripts/postgres.sh run $(SWIFT) test --skip-build --filter SyncCrashTests
	cd Hub && scripts/postgres.sh run $(SWIFT) test --skip-build --filter SyncRestartTests

# The sync bench: a full sync of SYNC_BENCH_RECORDS records (pages of 1,000) and an incremental sync
# after 1% changed, against a hand-written INSERT … ON CONFLICT page loop into the same PostgreSQL.
#   make hub-sync-bench        release build (part of make bench); SYNC_BENCH_RECORDS=1000000 for the issue's size
#   make hub-sync-bench-quick  2,000 records on the debug build (part of make bench-quick)
SYNC_BENCH_RECORDS ?= 100000
BENCH_STEPS += hub-sync-bench
BENCH_QUICK_STEPS += hub-sync-bench-quick

.PHONY: hub-sync-bench hub-sync-bench-quick

hub-sync-bench:
	cd Hub && $(SWIFT) build -c release $(SWIFT_FLAGS) --product sync-worker
	cd Hub && scripts/postgres.sh run sh -c '$$0 --bench yes --postgres "$$CONNECTOR_TEST_POSTGRES_URL" --records $(SYNC_BENCH_RECORDS) --page-size 1000' \
		$$($(SWIFT) build -c release --show-bin-path)/sync-worker

hub-sync-bench-quick:
	cd Hub && $(SWIFT) build $(SWIFT_FLAGS) --product sync-worker
	cd Hub && scripts/postgres.sh run sh -c '$$0 --bench yes --postgres "$$CONNECTOR_TEST_POSTGRES_URL" --records 2000 --page-size 500' \
		$$($(SWIFT) build --show-bin-path)/sync-worker
