"""Checks the fixture corpus against Schemas/connector.schema.json with python-jsonschema.

Every spec under Fixtures/valid/ and Connectors/ must pass the schema; every spec under
Fixtures/invalid/structural/ must fail it. Specs under Fixtures/invalid/semantic/ break only rules
the schema cannot express (templates, URLs, duplicates...), so they must pass it: that keeps the
structural/semantic split of the corpus honest. Fixtures/invalid/json/ holds JSON syntax errors,
which no schema sees.
Run by `make schema-check` (part of `make test`).
"""
import json
import pathlib
import sys

from jsonschema import Draft202012Validator

root = pathlib.Path(__file__).resolve().parent.parent
schema = json.loads((root / "Schemas/connector.schema.json").read_text())
Draft202012Validator.check_schema(schema)
validator = Draft202012Validator(schema)
fixtures = root / "Tests/ConnectorCompilerCoreTests/Fixtures"

def load(path):
    # Fixtures with JSON syntax errors cannot be checked by a schema; they count as failing it.
    try:
        return json.loads(path.read_text(encoding="utf-8")), True
    except (ValueError, UnicodeDecodeError):
        return None, False

failures = []
checked = 0
passing = sorted((fixtures / "valid").glob("*.json")) + sorted((root / "Connectors").glob("*.json"))
passing += sorted((fixtures / "invalid/semantic").glob("*.json"))
for path in passing:
    instance, parsed = load(path)
    errors = list(validator.iter_errors(instance)) if parsed else ["not JSON"]
    checked += 1
    if errors:
        failures.append(f"{path.relative_to(root)}: should pass the schema but fails: {errors[0]}")
for path in sorted((fixtures / "invalid/structural").glob("*.json")):
    instance, parsed = load(path)
    checked += 1
    if parsed and validator.is_valid(instance):
        failures.append(f"{path.relative_to(root)}: structurally invalid but passes the schema")

for failure in failures:
    print(failure, file=sys.stderr)
print(f"schema-check: {checked} specs checked, {len(failures)} disagreements")
sys.exit(1 if failures else 0)
