"""Writes the unified models into Hub/openapi.json: one schema per model of Schemas/models/*.json
(`UnifiedHRISEmployee`...), the page and conversion-failure schemas, and the two operations
`GET /v1/accounts/{id}/unified/{model}` and `.../{remoteId}`. Everything else in the document is
left as it is. `--check` changes nothing and fails while the document is stale (`make
hub-openapi-check`, part of `make test`). Standard library only.
"""

import glob
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOCUMENT = os.path.join(ROOT, "Hub", "openapi.json")
MODELS = os.path.join(ROOT, "Schemas", "models")


def schema_name(model):
    category, name = model["model"].split(".", 1)
    return "Unified" + category.upper() + model["title"].replace(" ", "")


def field_schema(field, names):
    kind = field["type"]
    text = field["description"]
    if kind in ("string", "email"):
        schema = {"type": "string"}
        if kind == "email":
            text += " An email address, as the provider wrote it."
    elif kind == "date":
        schema = {"type": "string", "format": "date"}
    elif kind == "date-time":
        schema = {"type": "string", "format": "date-time"}
    elif kind in ("boolean", "integer", "number"):
        schema = {"type": kind}
    elif kind == "reference":
        schema = {"type": "string"}
        text += " The provider's id of the %s." % field["model"]
    elif kind == "enum":
        schema = {
            "type": "object",
            "required": ["value", "sourceValue"],
            "properties": {
                "value": {"type": "string", "enum": field["values"] + ["unknown"],
                          "description": "The model's value; unknown when the mapping does not list the provider's."},
                "sourceValue": {"type": "string", "description": "The provider's value."},
            },
        }
    elif kind == "array":
        schema = {"type": "array", "items": {"type": "string"}}
        if field.get("items") == "reference":
            text += " The provider's ids of the %s records." % field["model"]
    else:
        raise SystemExit("%s: unknown field type %s" % (field["name"], kind))
    schema["description"] = text
    return schema


def model_schema(model, names):
    properties = {field["name"]: field_schema(field, names) for field in model["fields"]}
    properties["remote"] = {"type": "object", "description": "The provider's record as received."}
    required = [field["name"] for field in model["fields"] if field.get("required")] + ["remote"]
    return {
        "type": "object",
        "description": "%s (`%s`, version %d): %s Fields without a value are left out." % (
            model["title"], model["model"], model["version"], model["description"]),
        "required": required,
        "properties": properties,
    }


def error(description):
    return {"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def operations(models):
    ids = [model["model"] for model in models]
    account = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
    model = {"name": "model", "in": "path", "required": True, "schema": {"type": "string", "enum": ids},
             "description": "The unified model. 400 when the account's connector variant does not map it."}
    shared = {
        "401": error("Missing or wrong app key."),
        "403": error("The provider refused the account's credentials or scopes (error provider_error)."),
        "404": None,
        "405": error("A method the path does not serve (the Allow header lists those it does)."),
        "409": error("The account needs reconnecting (status reconnect_required; error reconnect_required)."),
        "429": error("The provider is rate limiting the account (error provider_error)."),
        "502": error("The provider is unavailable or answered in a way the Hub could not use (error provider_error)."),
    }
    records = {"anyOf": [{"$ref": "#/components/schemas/" + schema_name(m)} for m in models]}
    list_responses = {
        "200": {"description": "A page of records.", "content": {"application/json": {"schema": {
            "type": "object", "required": ["model", "records"],
            "properties": {
                "model": {"type": "string", "enum": ids},
                "records": {"type": "array", "items": records},
                "nextCursor": {"type": "string", "description": "Send as cursor for the next page; absent on the last page."},
                "unconverted": {"type": "array", "items": {"$ref": "#/components/schemas/UnifiedConversionFailure"},
                                "description": "Records of this page the mapping could not convert (left out of records)."},
                "skipped": {"type": "integer", "description": "Records that did not match the connector's declared fields."},
            }}}}},
        "400": error("A model the account's connector variant does not map, a cursor not made for this account and "
                     "model, or a limit out of range (error bad_request)."),
    }
    get_responses = {
        "200": {"description": "The record.", "content": {"application/json": {"schema": records}}},
        "400": error("A model the account's connector variant does not map (error bad_request)."),
        "422": {"description": "The record cannot be converted to the model (error unconvertible_record): where, never the value.",
                "content": {"application/json": {"schema": {
                    "type": "object", "required": ["error", "message", "sourceField", "targetField"],
                    "properties": {"error": {"type": "string"}, "message": {"type": "string"},
                                   "sourceField": {"type": "string"}, "targetField": {"type": "string"}}}}}},
    }
    for responses, missing in ((list_responses, "No such account."), (get_responses, "No such account, or the provider has no such record.")):
        for status, value in shared.items():
            responses[status] = value or error(missing)
    return {
        "/v1/accounts/{id}/unified/{model}": {"get": {
            "operationId": "listUnifiedRecords",
            "summary": "List an account's records as a unified model",
            "description": "The connector's mapped resource, read page by page through its own pager and converted with its "
                           "`unified` mapping. See docs/unified.md.",
            "parameters": [account, model,
                           {"name": "limit", "in": "query", "required": False,
                            "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}},
                           {"name": "cursor", "in": "query", "required": False, "schema": {"type": "string"},
                            "description": "nextCursor of the previous page (sealed for this account and model)."}],
            "responses": list_responses,
        }},
        "/v1/accounts/{id}/unified/{model}/{remoteId}": {"get": {
            "operationId": "getUnifiedRecord",
            "summary": "Get one record of an account as a unified model",
            "description": "The mapped resource's get by id, or for a resource without one, the first record of its list "
                           "with this id. See docs/unified.md.",
            "parameters": [account, model, {"name": "remoteId", "in": "path", "required": True, "schema": {"type": "string"},
                                            "description": "The provider's id of the record."}],
            "responses": get_responses,
        }},
    }


def build(document):
    models = [json.load(open(path)) for path in sorted(glob.glob(os.path.join(MODELS, "*.json")))]
    names = {model["model"]: schema_name(model) for model in models}
    schemas = document["components"]["schemas"]
    # Only the schemas this script writes are replaced: other `Unified*` schemas (the unified
    # operations' `UnifiedOperationResult`) belong to hand-written parts of the document. A model
    # file removed from Schemas/models leaves its schema behind: delete it by hand.
    for name in set(names.values()) | {"UnifiedConversionFailure"}:
        schemas.pop(name, None)
    for model in models:
        schemas[names[model["model"]]] = model_schema(model, names)
    schemas["UnifiedConversionFailure"] = {
        "type": "object", "required": ["page", "index", "sourceField", "targetField", "reason", "message"],
        "description": "A record the mapping could not convert: where the runtime located it, never the value.",
        "properties": {
            "page": {"type": "integer", "description": "The provider page in the run, from 1."},
            "index": {"type": "integer", "description": "The record's position in that page, from 0."},
            "sourceField": {"type": "string"}, "targetField": {"type": "string"}, "reason": {"type": "string"},
            "message": {"type": "string"},
        },
    }
    paths = document["paths"]
    for path, item in operations(models).items():
        paths[path] = item
    return document


def main():
    text = open(DOCUMENT).read()
    updated = json.dumps(build(json.loads(text)), indent=2, ensure_ascii=False) + "\n"
    if "--check" in sys.argv[1:]:
        if updated != text:
            sys.exit("Hub/openapi.json is stale for Schemas/models: run `make hub-openapi`.")
        return
    if updated != text:
        open(DOCUMENT, "w").write(updated)


if __name__ == "__main__":
    main()
