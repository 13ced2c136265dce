# The spec format's JSON Schema, generated from the validator's own table.
#   make schema        regenerate Schemas/connector.schema.json (commit the result)
#   make schema-check  the committed schema equals the generator's output, and python jsonschema
#                      agrees with the validator on the fixture corpus (part of make test)
#   make validate-cli-check  exit codes and output formats of `validate` (part of make test)

.PHONY: schema schema-check validate-cli-check

schema: build
	$(COMPILER) schema > Schemas/connector.schema.json

schema-check: build venv
	@$(COMPILER) schema | diff -u Schemas/connector.schema.json - \
		|| { echo "error: Schemas/connector.schema.json is out of date; run \`make schema\` and commit it"; exit 1; }
	$(PYTHON) mk/check_schema.py

validate-cli-check: build
	mk/check_validate_cli.sh $(COMPILER)

TEST_STEPS += schema-check validate-cli-check
