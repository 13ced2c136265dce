# The Hub's MCP endpoint (Hub/Sources/ConnectorHub/MCP/, docs/mcp.md).
#
#   make hub-mcp-test   the Python `mcp` SDK (PyPI, pinned in Hub/Tests/MCP/requirements.txt, into
#                       the project's venv) as a real peer client of a connector-hub process, with
#                       the paging and Authlib emulations as Smartsheet and Zelt on loopback:
#                       initialize, tools/list, list/get, cursors, byte cap, scope and expiry
#                       refusals, search-then-call, reconnect_required (part of `make test`)
#   make mcp-bench      tokens of the MCP tool lists: seed providers and the whole catalog, with
#                       and without search mode, and beside peers' published tool lists
#                       (Hub/Benchmarks/mcp-peer: StackOne's SDK, GitHub's MCP server) (part of
#                       `make bench`; counts, not times), then MCP call latency over the proxy's
#                       in one run (HUB_MCP_BENCH_CALLS=200)

HUB_MCP_REQUIREMENTS := Hub/Tests/MCP/requirements.txt
HUB_MCP_BENCH_CALLS ?= 200

.PHONY: mcp-tools hub-mcp-test mcp-bench mcp-bench-quick

mcp-tools: venv
	@$(PYTHON) -c "import importlib.metadata as m, sys; sys.exit(m.version('mcp') != open('$(HUB_MCP_REQUIREMENTS)').read().split('==')[1].strip())" 2>/dev/null || \
		$(VENV)/bin/pip install --quiet --disable-pip-version-check -r $(HUB_MCP_REQUIREMENTS)

hub-mcp-test: mcp-tools
	cd Hub && $(SWIFT) build $(SWIFT_FLAGS) --product connector-hub
	$(PYTHON) Hub/Tests/MCP/hub_mcp.py --hub $$(cd Hub && $(SWIFT) build --show-bin-path)/connector-hub

mcp-bench: mcp-tools
	cd Hub && $(SWIFT) build $(SWIFT_FLAGS) --product mcp-bench
	cd Hub && $(SWIFT) build $(SWIFT_FLAGS) --product connector-hub
	$$(cd Hub && $(SWIFT) build --show-bin-path)/mcp-bench Connectors Hub/Benchmarks/mcp-peer/peer-tool-tokens.json
	$(PYTHON) Hub/Tests/MCP/hub_mcp.py --hub $$(cd Hub && $(SWIFT) build --show-bin-path)/connector-hub --bench $(HUB_MCP_BENCH_CALLS)

mcp-bench-quick: mcp-tools
	cd Hub && $(SWIFT) build $(SWIFT_FLAGS) --product mcp-bench
	$$(cd Hub && $(SWIFT) build --show-bin-path)/mcp-bench Connectors Hub/Benchmarks/mcp-peer/peer-tool-tokens.json

TEST_STEPS += hub-mcp-test
BENCH_STEPS += mcp-bench
BENCH_QUICK_STEPS += mcp-bench-quick
