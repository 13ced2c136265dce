# Two connector-hub OS processes on one PostgreSQL (Hub/Tests/Processes/hub_processes.py): a link
# started on one completes on the other, both serve and proxy the same accounts, one token request
# per expiry across both, and a change made on one (status, removal, reconnect) is seen by the
# other through PostgreSQL's change notifications.
#
#   make hub-processes-test   part of `make test`; Hub/scripts/postgres.sh starts a throwaway
#                             PostgreSQL, the authserver comes from the project's venv

.PHONY: hub-processes-test

hub-processes-test: venv
	cd Hub && $(SWIFT) build $(SWIFT_FLAGS) --product connector-hub
	cd Hub && scripts/postgres.sh run $(abspath $(PYTHON)) Tests/Processes/hub_processes.py \
		--hub $$($(SWIFT) build --show-bin-path)/connector-hub

TEST_STEPS += hub-processes-test
