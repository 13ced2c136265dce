# The Hub server (Hub/Sources/ConnectorHub, connector-hub): Link Account pages and the app API.
#
#   make hub               build and start connector-hub on 127.0.0.1:8080 with the SQLite store in
#                          .hub/ and the public development key; prints the app API key and a
#                          ready-to-open link URL (HUB_END_USER=demo-user), and how to connect an
#                          MCP client (docs/mcp.md)
#   make hub-server-test   only the Hub server's tests (real routes and stores, the Authlib
#                          emulation); `make test` runs them through `make hub-test` (mk/hub.mk),
#                          which runs every test of the Hub package
#   make hub-browser-test  headless Chromium through connector-hub and the Authlib emulation, axe-core
#                          on every page (part of `make test`); installs Debian's chromium and
#                          chromium-driver when missing, Selenium and axe-selenium-python from PyPI
#   make hub-screenshots   the same run, keeping a screenshot of each page in .hub/screenshots/
#   make hub-schemathesis-test  schemathesis (PyPI, in the venv) against a running connector-hub:
#                          Hub/openapi.json must match what the server answers, for generated valid
#                          and invalid requests and along its declared links; the target starts the
#                          Hub and the Authlib emulation on loopback, links one account, and stops
#                          both (part of `make test`; HUB_SCHEMATHESIS_EXAMPLES=40 per operation)
#   make hub-proxy-bench   the Hub's proxy against nginx, loaded by wrk (part of `make bench`,
#                          release build): nginx serving the upstream directly, nginx `proxy_pass`
#                          adding the credential, and a Hub on each transport (AsyncHTTPClient,
#                          URLSession; AsyncHTTPClient once more with each connection on its event
#                          loop; the NIO pool with the proxy's fast path, rows fast and fast16), in interleaved rounds; req/s, p50, p99, added p50, CPU per
#                          request. Installs Debian's nginx and wrk when missing; starts and stops
#                          its own nginx processes on loopback (Hub/Benchmarks/proxy-bench.py)
#   make hub-proxy-bench-quick  the same rows for 1 s each, one round, on the debug build (make
#                          bench-quick): fails on any non-2xx answer or a proxied request that
#                          reached the token store, never on a time

HUB_STATE := .hub
HUB_END_USER ?= demo-user
HUB_PORT ?= 8080

.PHONY: hub hub-server-test hub-browser-test hub-screenshots browser-tools bench-tools hub-proxy-bench hub-schemathesis-test hub-proxy-bench-quick
HUB_SCHEMATHESIS_EXAMPLES ?= 40

hub:
	cd Hub && $(SWIFT) build $(SWIFT_FLAGS) --product connector-hub
	@mkdir -p $(HUB_STATE)
	@test -s $(HUB_STATE)/app-key || (head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > $(HUB_STATE)/app-key)
	@echo "MCP clients (docs/mcp.md): once the Hub runs, mint a token for $(HUB_END_USER) with"
	@echo "  curl -s -X POST -H \"Authorization: Bearer \$$(cat $(HUB_STATE)/app-key)\" -H 'Content-Type: application/json' \\"
	@echo "       -d '{\"endUserId\": \"$(HUB_END_USER)\"}' http://127.0.0.1:$(HUB_PORT)/v1/mcp-tokens"
	@echo "  and give the client the URL http://127.0.0.1:$(HUB_PORT)/mcp with the header Authorization: Bearer <token>"
	CONNECTOR_HUB_SQLITE=$(abspath $(HUB_STATE))/hub.sqlite CONNECTOR_HUB_APP_KEYS=$$(cat $(HUB_STATE)/app-key) \
		CONNECTOR_HUB_PORT=$(HUB_PORT) $$(cd Hub && $(SWIFT) build --show-bin-path)/connector-hub \
		$(if $(wildcard $(HUB_STATE)/config.json),--config $(HUB_STATE)/config.json) --development --print-link $(HUB_END_USER)

hub-server-test: venv
	cd Hub && $(SWIFT) build --build-tests $(SWIFT_FLAGS)
	cd Hub && CONNECTOR_TEST_PYTHON=$(abspath $(PYTHON)) $(SWIFT) test --skip-build --filter ConnectorHubTests


HUB_BROWSER_REQUIREMENTS := Hub/Tests/Browser/requirements.txt

# Chromium and its driver from Debian; Selenium and axe-core (shipped inside axe-selenium-python)
# from PyPI, into the project's venv.
browser-tools: venv
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null)
	@$(PYTHON) -c "import selenium, axe_selenium_python" 2>/dev/null || \
		$(VENV)/bin/pip install --quiet --disable-pip-version-check -r $(HUB_BROWSER_REQUIREMENTS)

hub-browser-test: browser-tools
	cd Hub && $(SWIFT) build $(SWIFT_FLAGS) --product connector-hub
	$(PYTHON) Hub/Tests/Browser/hub_browser.py --hub $$(cd Hub && $(SWIFT) build --show-bin-path)/connector-hub

hub-screenshots: browser-tools
	cd Hub && $(SWIFT) build $(SWIFT_FLAGS) --product connector-hub
	@mkdir -p $(HUB_STATE)/screenshots
	$(PYTHON) Hub/Tests/Browser/hub_browser.py --hub $$(cd Hub && $(SWIFT) build --show-bin-path)/connector-hub \
		--screenshots $(abspath $(HUB_STATE))/screenshots
	@echo "screenshots: $(HUB_STATE)/screenshots/"

TEST_STEPS += hub-browser-test

hub-schemathesis-test: venv
	cd Hub && $(SWIFT) build $(SWIFT_FLAGS) --product connector-hub
	$(PYTHON) Hub/Tests/Schemathesis/hub_schemathesis.py --hub $$(cd Hub && $(SWIFT) build --show-bin-path)/connector-hub \
		--max-examples $(HUB_SCHEMATHESIS_EXAMPLES)

TEST_STEPS += hub-schemathesis-test

bench-tools:
	@command -v nginx >/dev/null && command -v wrk >/dev/null || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx wrk >/dev/null)

hub-proxy-bench: bench-tools
	cd Hub && $(SWIFT) build -c release $(SWIFT_FLAGS) --product hub-bench
	python3 Hub/Benchmarks/proxy-bench.py $$(cd Hub && $(SWIFT) build -c release --show-bin-path)/hub-bench

hub-proxy-bench-quick: bench-tools
	cd Hub && $(SWIFT) build $(SWIFT_FLAGS) --product hub-bench
	HUB_BENCH_SECONDS=1 HUB_BENCH_ROUNDS=1 HUB_BENCH_WARMUP=1 \
		python3 Hub/Benchmarks/proxy-bench.py $$(cd Hub && $(SWIFT) build --show-bin-path)/hub-bench

BENCH_STEPS += hub-proxy-bench
BENCH_QUICK_STEPS += hub-proxy-bench-quick
