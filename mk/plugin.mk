# Connection guides, the build-tool plugin integration test and the code-generation benchmark.
#   make docs          regenerate docs/connectors/ from Connectors/*.json
#   make docs-check    fail when the committed docs/connectors/ is out of date (part of make test)
#   make plugin-test   scratch package that uses the plugin by path (part of make test)
#   make bench-codegen plugin scaling at 100 and 1,000 specs, generated lines and build time per
#                      spec, compiler CPU of a clean build and an edit (-stats-output-dir in its
#                      scratch package only; part of make bench)
#   make bench-codegen-quick  120 specs (per-file peer 10), one round, checks only that it ran sanely (make bench-quick)

DOCS_DIR := docs/connectors
DOCS_CALLBACK_BASE ?=
DOCS_FLAGS := $(if $(DOCS_CALLBACK_BASE),--callback-base $(DOCS_CALLBACK_BASE))

.PHONY: docs docs-check plugin-test bench-codegen bench-codegen-quick

docs: build
	$(COMPILER) docs --output $(DOCS_DIR) $(DOCS_FLAGS) Connectors

docs-check: build
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(COMPILER) docs --output "$$tmp" $(DOCS_FLAGS) Connectors >/dev/null || exit 1; \
	if ! diff -ru $(DOCS_DIR) "$$tmp" > "$$tmp.diff" 2>&1; then \
		cat "$$tmp.diff"; rm -f "$$tmp.diff"; \
		echo "error: $(DOCS_DIR) is out of date with Connectors/; run \`make docs\` and commit the result"; exit 1; \
	fi; rm -f "$$tmp.diff"; echo "docs-check: $(DOCS_DIR) is up to date"

plugin-test:
	Tests/PluginIntegration/run.sh

bench-codegen:
	Benchmarks/codegen-bench.sh

bench-codegen-quick:
	BENCH_QUICK=1 BENCH_SCRATCH=.build-bench/codegen Benchmarks/codegen-bench.sh

TEST_STEPS += docs-check plugin-test
BENCH_STEPS += bench-codegen
BENCH_QUICK_STEPS += bench-codegen-quick
