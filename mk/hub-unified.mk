# The Hub's unified endpoints (issue 20, docs/unified.md): Hub/openapi.json holds a schema per
# unified model, generated from Schemas/models/*.json.
#   make hub-openapi        rewrite the unified schemas and operations in Hub/openapi.json
#   make hub-openapi-check  fail while Hub/openapi.json is stale (part of `make test`)

.PHONY: hub-openapi hub-openapi-check

TEST_STEPS += hub-openapi-check

hub-openapi:
	python3 Hub/scripts/unified_openapi.py

hub-openapi-check:
	python3 Hub/scripts/unified_openapi.py --check
