"""List endpoints of the HRIS, ATS and IAM connectors added with the unified-model catalog, for
Tests/ConnectorsTests/EndToEnd/PeopleCatalogEndToEnd.swift; served through providerpages.py (same
`/k/<provider>.<id>/...` routes, same rules: at most PAGE records a page whatever the size asked,
TOTAL records, invented data).

An emulation written for the tests (standard library only), not the providers. Each route keeps
the page shape, parameters, pagination and credentials of the provider's reference, as listed in
the connector spec's `sources`.
"""

import base64

PAGE = 2
TOTAL = 5

PROVIDERS = ("auth0", "keycloak", "jumpcloud", "humaans", "namely", "workos_directory", "breathehr", "manatal", "homerun", "slack")

# The credentials each provider's variant under test sends (fields and tokens set by the tests).
CREDENTIALS = {
    "auth0": {"Authorization": "Bearer auth0-access"},
    "keycloak": {"Authorization": "Bearer kc-access"},
    "jumpcloud": {"x-api-key": "jc-key"},
    "humaans": {"Authorization": "Bearer humaans-token"},
    "namely": {"Authorization": "Bearer namely-pat"},
    "workos_directory": {"Authorization": "Bearer sk_test_workos"},
    "breathehr": {"X-API-KEY": "prod-breathe"},
    "manatal": {"Authorization": "Token manatal-token"},
    "homerun": {"Authorization": "Bearer homerun-key"},
    "slack": {"Authorization": "Bearer xoxb-slack-bot"},
}


def window(start):
    return range(start, min(start + PAGE, TOTAL))


def serve_auth0(method, route, parts, query, body, key, origin):
    # GET /api/v2/users?page=<zero-based>&per_page=&include_totals=true
    # -> {start, limit, length, total, users}.
    if method == "GET" and route == "/api/v2/users" and query.get("include_totals") == "true":
        page = int(query.get("page", 0))
        users = [{"user_id": f"auth0|{100 + i}", "email": f"u{i}@acme.example", "email_verified": i != 1,
                  "given_name": f"Given{i}", "family_name": f"Family{i}", "name": f"Given{i} Family{i}",
                  "blocked": i == 4, "created_at": "2024-02-0%dT10:00:00.000Z" % (i + 1),
                  "updated_at": "2025-01-0%dT10:00:00.000Z" % (i + 1),
                  "app_metadata": {"roles": ["reader"]}} for i in window(page * PAGE)]
        return 200, {"start": page * PAGE, "limit": PAGE, "length": len(users), "total": TOTAL, "users": users}, {}
    if method == "GET" and route == "/api/v2/users/auth0%7C102":
        return 200, {"user_id": "auth0|102", "email": "u2@acme.example"}, {}
    return 404, {"statusCode": 404, "error": "Not Found", "message": "The user does not exist."}, {}


def serve_keycloak(method, route, parts, query, body, key, origin):
    # GET /admin/realms/{realm}/users?first=&max= -> an array of UserRepresentation
    # (createdTimestamp in epoch milliseconds); an empty array past the end.
    if method == "GET" and route == "/admin/realms/acme/users":
        first = int(query.get("first", 0))
        users = [{"id": f"kc-{i}", "username": f"user{i}", "firstName": f"F{i}", "lastName": f"L{i}",
                  "email": None if i == 3 else f"user{i}@acme.example", "emailVerified": True, "enabled": i != 2,
                  "createdTimestamp": 1_700_000_000_000 + i, "attributes": {"department": ["R&D"]}} for i in window(first)]
        return 200, users, {}
    return 404, {"error": "HTTP 404 Not Found"}, {}


def serve_jumpcloud(method, route, parts, query, body, key, origin):
    # GET /api/systemusers?limit=&skip= -> {totalCount, results}.
    if method == "GET" and route == "/api/systemusers":
        skip = int(query.get("skip", 0))
        states = ["ACTIVATED", "ACTIVATED", "STAGED", "SUSPENDED", "PENDING_REVIEW"]
        results = [{"_id": f"5f00000000000000000000{i:02d}", "username": f"user{i}", "email": f"user{i}@acme.example",
                    "firstname": f"F{i}", "lastname": f"L{i}", "state": states[i], "activated": i < 2,
                    "jobTitle": "Engineer", "department": "R&D", "manager": "5f0000000000000000000000" if i else None,
                    "created": "2024-03-0%dT09:00:00.000Z" % (i + 1)} for i in window(skip)]
        return 200, {"totalCount": TOTAL, "results": results}, {}
    return 404, {"message": "Not Found"}, {}


def serve_humaans(method, route, parts, query, body, key, origin):
    # GET /api/people?$limit=&$skip= -> {total, limit, skip, data}; dates as YYYY-MM-DD.
    if method == "GET" and route == "/api/people":
        skip = int(query.get("$skip", 0))
        statuses = ["active", "active", "newHire", "offboarded", "active"]
        data = [{"id": f"hm{i}", "firstName": f"F{i}", "lastName": f"L{i}", "email": f"p{i}@acme.example",
                 "personalEmail": None if i == 1 else f"p{i}@home.example", "status": statuses[i],
                 "employmentStartDate": "2023-0%d-01" % (i + 1),
                 "employmentEndDate": "2025-06-30" if i == 3 else None,
                 "updatedAt": "2025-02-0%dT08:00:00.000Z" % (i + 1)} for i in window(skip)]
        if ".edge-" in key:
            humaans_edges(data)
        return 200, {"total": TOTAL, "limit": PAGE, "skip": skip, "data": data}, {}
    # GET /api/people/<id> -> the person (404 for an id it does not have).
    if method == "GET" and len(parts) == 3 and parts[:2] == ["api", "people"]:
        found = [person for person in serve_humaans("GET", "/api/people", [], {"$skip": parts[2][2:] or "x"}, body, key, origin)[1]["data"]
                 if person["id"] == parts[2]] if parts[2][2:].isdigit() else []
        return (200, found[0], {}) if found else (404, {"message": "Not found"}, {})
    return 404, {"message": "Not found"}, {}


def humaans_edges(data):
    """Keys `humaans.edge-<id>` (the Hub's unified tests): a leap day, an impossible day and a
    status the mapping does not list."""
    for person in data:
        if person["id"] == "hm0":
            person["employmentStartDate"] = "2024-02-29"
        if person["id"] == "hm3":
            person["employmentStartDate"] = "2023-02-30"
        if person["id"] == "hm4":
            person["status"] = "sabbatical"


def serve_namely(method, route, parts, query, body, key, origin):
    # GET /api/v1/profiles?page=&per_page= -> {profiles, meta: {count, total_count, status}};
    # created_at and updated_at in epoch seconds, departure_date blank when unset.
    if method == "GET" and route == "/api/v1/profiles":
        page = int(query.get("page", 1))
        statuses = ["active", "active", "pending", "inactive", "active"]
        profiles = [{"id": f"nm-{i}", "email": f"n{i}@acme.example", "first_name": f"F{i}", "last_name": f"L{i}",
                     "user_status": statuses[i], "job_title": {"id": "jt1", "title": "Analyst"},
                     "reports_to": [{"id": "nm-0"}] if i else [], "start_date": "2022-01-1%d" % i,
                     "departure_date": "2025-01-31" if i == 3 else "",
                     "created_at": 1_600_000_000 + i, "updated_at": 1_700_000_000 + i} for i in window((page - 1) * PAGE)]
        return 200, {"profiles": profiles, "meta": {"count": len(profiles), "total_count": TOTAL, "status": 200}}, {}
    return 404, {"message": "not found"}, {}


def serve_workos_directory(method, route, parts, query, body, key, origin):
    # GET /directory_users?directory=&limit=&after= -> {data, list_metadata: {before, after}}.
    if method == "GET" and route == "/directory_users" and query.get("directory") == "directory_01":
        start = int(query["after"][len("directory_user_"):]) + 1 if "after" in query else 0
        data = [{"id": f"directory_user_{i}", "directory_id": "directory_01", "first_name": f"F{i}", "last_name": f"L{i}",
                 "emails": [{"primary": True, "type": "work", "value": f"d{i}@acme.example"}],
                 "state": "inactive" if i == 4 else "active", "groups": [{"id": "directory_group_1", "name": "Engineering"}],
                 "created_at": "2024-04-0%dT00:00:00.000Z" % (i + 1), "updated_at": "2025-04-0%dT00:00:00.000Z" % (i + 1)}
                for i in window(start)]
        after = f"directory_user_{start + len(data) - 1}" if start + PAGE < TOTAL else None
        return 200, {"object": "list", "data": data, "list_metadata": {"before": None, "after": after}}, {}
    return 422, {"message": "Validation failed"}, {}


def serve_breathehr(method, route, parts, query, body, key, origin):
    # GET /v1/employees?page=&per_page= -> {employees}; the next page in the Link header.
    if method == "GET" and route == "/v1/employees":
        page = int(query.get("page", 1))
        employees = [{"id": 700 + i, "first_name": f"F{i}", "last_name": f"L{i}", "email": f"b{i}@acme.example",
                      "job_title": "Consultant", "status": "Former employee" if i == 4 else "Current employee",
                      "join_date": "2021-0%d-01" % (i + 1), "department": {"id": 3, "name": "Delivery"},
                      "line_manager": {"id": 700} if i else None} for i in window((page - 1) * PAGE)]
        headers = {}
        if page * PAGE < TOTAL:
            headers["Link"] = f'<{origin}/k/{key}/v1/employees?page={page + 1}&per_page={query.get("per_page", 100)}>; rel="next"'
        return 200, {"employees": employees}, headers
    return 404, {"error": "not found"}, {}


def serve_manatal(method, route, parts, query, body, key, origin):
    # GET /open/v3/candidates/?page_size= -> {count, next, previous, results}; `next` absolute.
    if method == "GET" and route == "/open/v3/candidates/":
        page = int(query.get("page", 1))
        results = [{"id": 9000 + i, "full_name": f"Candidate {i}", "email": f"c{i}@acme.example",
                    "phone_number": None if i == 2 else f"+1555000{i}", "created_at": "2025-05-0%dT12:00:00Z" % (i + 1),
                    "updated_at": "2025-05-0%dT13:00:00Z" % (i + 1)} for i in window((page - 1) * PAGE)]
        nxt = None
        if page * PAGE < TOTAL:
            nxt = f"{origin}/k/{key}/open/v3/candidates/?page={page + 1}&page_size={query.get('page_size', 100)}"
        return 200, {"count": TOTAL, "next": nxt, "previous": None, "results": results}, {}
    # GET /open/v3/jobs/ and /open/v3/matches/ (a match: a candidate in a job's pipeline), same shape.
    if method == "GET" and route in ("/open/v3/jobs/", "/open/v3/matches/"):
        page = int(query.get("page", 1))
        if route == "/open/v3/jobs/":
            results = [{"id": 300 + i, "position_name": None if i == 3 else f"Position {i}", "status": "active",
                        "address": "Berlin", "created_at": "2025-04-0%dT08:00:00Z" % (i + 1)} for i in window((page - 1) * PAGE)]
        else:
            results = [{"id": 500 + i, "candidate": 9000 + i, "job": 300, "is_active": i != 4, "stage": {"id": 1, "name": "New"},
                        "created_at": "2025-06-0%dT08:00:00Z" % (i + 1)} for i in window((page - 1) * PAGE)]
        nxt = None
        if page * PAGE < TOTAL:
            nxt = f"{origin}/k/{key}{route}?page={page + 1}&page_size={query.get('page_size', 100)}"
        return 200, {"count": TOTAL, "next": nxt, "previous": None, "results": results}, {}
    return 404, {"detail": "Not found."}, {}


def serve_homerun(method, route, parts, query, body, key, origin):
    # GET /v2/job-applications?page=<from 1>&perPage= -> {data: [...]} until an empty page; the
    # applicant under personal_info, the stage and sources as objects (the shape of the
    # developers.homerun.co sample the spec cites).
    if method == "GET" and route == "/v2/job-applications":
        page = int(query.get("page", 1))
        data = [{"id": f"app-{i}", "vacancy_id": f"vac-{i % 2}", "created_at": "2024-03-0%dT08:00:00Z" % (i + 1),
                 "disqualified": i == 3, "hired_at": None,
                 "personal_info": {"first_name": f"First{i}", "last_name": f"Last{i}", "email": f"a{i}@mail.example",
                                   "phone_number": None if i == 1 else f"+31 20 555 000{i}", "city": "Utrecht", "country": "NL"},
                 "stage": {"name": "Interview" if i % 2 else "Applied"},
                 "sources": [{"name": "Homerun Career Page"}] if i != 2 else [],
                 "disqualification_reason": {"name": "Too junior"} if i == 3 else None}
                for i in window((page - 1) * PAGE)]
        return 200, {"data": data}, {}
    if method == "GET" and route == "/v2/vacancies":
        page = int(query.get("page", 1))
        data = [{"id": f"vac-{i}", "title": f"Vacancy {i}", "created_at": "2024-01-01T00:00:00Z"} for i in range(2) if page == 1]
        return 200, {"data": data}, {}
    return 404, {"message": "Not found"}, {}


def slack_user(i):
    return {"id": f"U0{i}", "team_id": "T01", "name": f"member{i}", "real_name": f"Member {i}", "deleted": False,
            "is_admin": i == 0, "is_bot": False, "updated": 1_733_000_000 + i,
            "profile": {"email": f"m{i}@acme.example", "real_name": f"Member {i}", "display_name": f"m{i}"}}


def serve_slack(method, route, parts, query, body, key, origin):
    # https://api.slack.com/methods/users.list: cursor and limit in, {ok, members,
    # response_metadata: {next_cursor}} out; next_cursor is "" on the last page (Slack's
    # pagination guide). The cursor here is an opaque token for the next offset.
    if method == "GET" and route == "/api/users.list":
        start = int(base64.b64decode(query["cursor"]).decode()[7:]) if query.get("cursor") else 0
        following = start + PAGE
        cursor = base64.b64encode(f"offset:{following}".encode()).decode() if following < TOTAL else ""
        return 200, {"ok": True, "members": [slack_user(i) for i in window(start)], "cache_ts": 1_733_000_100,
                     "response_metadata": {"next_cursor": cursor}}, {}
    # auth.test: the workspace of the token (the Hub's verification request; label from team and url).
    if route == "/api/auth.test":
        return 200, {"ok": True, "url": "https://acme.slack.com/", "team": "Acme", "user": "bot", "team_id": "T01"}, {}
    return 200, {"ok": False, "error": "unknown_method"}, {}
