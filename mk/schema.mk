# The spec format's JSON Schema, generated from the validator's own table.
#   make schema        regenerate Schemas/connector.schema.json (commit the result)
#   make schema-check  the committed schema equals the generator's output, and python jsonschema
#                      agrees with the validator on the fixture corpus (part of make test)

.PHONY: schema schema-check

schema: build
	$(COMPILER) schema > Schemas/connector.schema.json

schema-check: build venv
	@$(COMPILER) schema | diff -u Schemas/connector.schema.json - \
		|| { echo "error: Schemas/connector.schema.json is out of date; run \`make schema\` and commit it"; exit 1; }
	$(PYTHON) mk/check_schema.py

TEST_STEPS += schema-check
