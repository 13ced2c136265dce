"""More list endpoints of connectors with unified mappings, for the Hub's unified-model tests
(Hub/Tests/ConnectorHubTests/UnifiedRoutesTests.swift); served through providerpages.py (same
`/k/<provider>.<id>/...` routes, same rules: at most PAGE records a page whatever the size asked,
TOTAL records, invented data).

An emulation written for the tests (standard library only), not the providers. Each route keeps
the page shape, parameters, pagination and credentials of the provider's reference, as listed in
the connector spec's `sources`.
"""

PAGE = 2
TOTAL = 5

PROVIDERS = ("clerk",)


# The credentials each provider's variant under test sends (fields set by the tests).
CREDENTIALS = {
    "clerk": {"Authorization": "Bearer sk_test_clerk"},
}


def window(start):
    return range(start, min(start + PAGE, TOTAL))


def clerk_user(i):
    return {"id": f"user_{i}", "username": None if i == 2 else f"user{i}", "first_name": f"F{i}", "last_name": f"L{i}",
            "created_at": 1_700_000_000_000 + i, "updated_at": 1_700_000_500_000 + i,
            "last_sign_in_at": None if i == 1 else 1_709_164_800_000}


def serve_clerk(method, route, parts, query, body, key, origin):
    # GET /v1/users?limit=&offset= -> a JSON array (empty after the last); times in Unix ms.
    if method == "GET" and route == "/v1/users":
        return 200, [clerk_user(i) for i in window(int(query.get("offset", 0)))], {}
    if method == "GET" and len(parts) == 3 and parts[:2] == ["v1", "users"]:
        index = int(parts[2][5:]) if parts[2].startswith("user_") and parts[2][5:].isdigit() else -1
        if 0 <= index < TOTAL:
            return 200, clerk_user(index), {}
        return 404, {"errors": [{"code": "resource_not_found"}]}, {}
    if method == "GET" and route == "/v1/organization_roles":
        data = [{"id": f"role_{i}", "name": f"Role {i}", "key": f"org:role{i}", "description": None,
                 "created_at": 1_700_000_000_000, "updated_at": 1_700_000_000_000} for i in window(int(query.get("offset", 0)))]
        return 200, {"data": data, "total_count": TOTAL}, {}
    return 404, {"errors": [{"code": "resource_not_found"}]}, {}
