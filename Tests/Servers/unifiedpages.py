"""More list endpoints of connectors with unified mappings, for the Hub's unified-model tests
(Hub/Tests/ConnectorHubTests/UnifiedRoutesTests.swift); served through providerpages.py (same
`/k/<provider>.<id>/...` routes, same rules: at most PAGE records a page whatever the size asked,
TOTAL records, invented data).

An emulation written for the tests (standard library only), not the providers. Each route keeps
the page shape, parameters, pagination and credentials of the provider's reference, as listed in
the connector spec's `sources`.
"""

import base64
import json

PAGE = 2
TOTAL = 5

PROVIDERS = ("clerk", "ashby", "workable")


# The credentials each provider's variant under test sends (fields set by the tests).
CREDENTIALS = {
    "clerk": {"Authorization": "Bearer sk_test_clerk"},
    # Ashby: the API key as the Basic username, no password.
    "ashby": {"Authorization": "Basic " + base64.b64encode(b"ashby-key:").decode()},
    "workable": {"Authorization": "Bearer workable-token"},
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


def ashby_page(body, make):
    # https://developers.ashbyhq.com/docs/pagination-and-incremental-sync: POST {limit, cursor}
    # -> {success, results, moreDataAvailable, nextCursor}; the cursor is opaque (here the offset).
    start = int(body.get("cursor") or 0)
    results = [make(i) for i in window(start)]
    more = start + PAGE < TOTAL
    page = {"success": True, "results": results, "moreDataAvailable": more}
    if more:
        page["nextCursor"] = str(start + PAGE)
    return 200, page, {}


ASHBY_STATUSES = ["Active", "Lead", "Hired", "Archived", "Active"]


def ashby_candidate(i):
    return {"id": f"cand-{i}", "name": f"Candidate {i}",
            "primaryEmailAddress": None if i == 3 else {"value": f"c{i}@acme.example", "type": "Personal", "isPrimary": True},
            "emailAddresses": [] if i == 3 else [{"value": f"c{i}@acme.example", "type": "Personal", "isPrimary": True},
                                                 {"value": f"c{i}@work.example", "type": "Work", "isPrimary": False}],
            "phoneNumbers": [], "applicationIds": [f"app-{i}"],
            # Ashby writes milliseconds; one record a whole second.
            "createdAt": "2024-02-29T10:00:00Z" if i == 1 else "2024-02-29T10:00:00.%03dZ" % (100 + i),
            "updatedAt": "2024-03-01T10:00:00.000Z"}


def ashby_job(i):
    return {"id": f"job-{i}", "title": None if i == 2 else f"Job {i}", "status": ["Open", "Closed", "Draft", "Archived", "Open"][i],
            "employmentType": "FullTime", "createdAt": "2024-01-0%dT08:30:00.250Z" % (i + 1), "updatedAt": None}


def ashby_application(i):
    return {"id": f"app-{i}", "status": ASHBY_STATUSES[i], "candidate": {"id": f"cand-{i}", "name": f"Candidate {i}"},
            "job": {"id": "job-0", "title": "Job 0"},
            "currentInterviewStage": None if i == 4 else {"id": f"st-{i}", "title": ["Application Review", "Lead", "Offer", "Archived"][i], "type": "Active"},
            "source": None, "archiveReason": {"id": "r1", "text": "Too junior"} if i == 3 else None,
            "archivedAt": "2024-04-01T00:00:00.999Z" if i == 3 else None,
            "createdAt": "2024-03-0%dT09:00:00.123456Z" % (i + 1), "updatedAt": "2024-03-10T09:00:00Z"}


def serve_ashby(method, route, parts, query, body, key, origin):
    # https://developers.ashbyhq.com/reference/candidatelist, joblist, applicationlist: every call
    # is a POST with a JSON body; the verification call is POST /apiKey.info.
    if method != "POST":
        return 405, {"success": False, "errors": ["method_not_allowed"]}, {}
    if route == "/apiKey.info":
        return 200, {"success": True, "results": {"title": "Tests", "createdAt": "2024-01-01T00:00:00.000Z"}}, {}
    makers = {"/candidate.list": ashby_candidate, "/job.list": ashby_job, "/application.list": ashby_application}
    if route in makers:
        return ashby_page(body, makers[route])
    return 404, {"success": False, "errors": ["not_found"]}, {}


def workable_candidate(i):
    return {"id": f"ce{i:05x}", "name": f"First{i} Last{i}", "firstname": f"First{i}", "lastname": f"Last{i}",
            "headline": "Engineer", "account": {"subdomain": "acme", "name": "Acme"},
            "job": {"shortcode": "GROOV00%d" % (i % 2), "title": "Groove Tester"},
            "stage": ["Applied", "Phone Screen", "Interview", "Offer", "Hired"][i], "disqualified": i == 2,
            "disqualification_reason": "Not a fit" if i == 2 else None, "sourced": i == 4,
            "email": None if i == 4 else f"w{i}@acme.example", "domain": "linkedin.com" if i else None,
            "created_at": "2024-02-29T23:59:59.000Z" if i == 0 else "2024-03-0%dT12:00:00.500Z" % i,
            "updated_at": "2024-03-15T08:00:00Z"}


def workable_job(i):
    return {"id": f"61{i:04d}", "title": f"Groove Tester {i}", "full_title": f"Groove Tester {i} - GT{i}",
            "shortcode": "GROOV00%d" % i, "code": f"GT{i}" if i != 1 else None,
            "state": ["published", "draft", "closed", "archived", "published"][i], "department": "Music",
            "url": f"https://acme.workable.com/jobs/{i}",
            "location": {"location_str": "Berlin, Germany", "country": "Germany", "city": "Berlin", "telecommuting": i == 4,
                         "workplace_type": "remote" if i == 4 else "on_site"},
            "created_at": "2024-01-0%dT00:00:00Z" % (i + 1)}


def serve_workable(method, route, parts, query, body, key, origin):
    # https://workable.readme.io/reference/job-candidates-index and /jobs: GET with limit and
    # since_id -> {candidates|jobs, paging: {next}}; `next` is an absolute URL, absent on the last page.
    lists = {"/spi/v3/candidates": ("candidates", workable_candidate), "/spi/v3/jobs": ("jobs", workable_job)}
    if method == "GET" and route in lists:
        name, make = lists[route]
        # since_id: records with an id at or after it; the next URL names the next page's first id.
        ids = [make(i)["id"] for i in range(TOTAL)]
        since = query.get("since_id")
        start = ids.index(since) if since in ids else 0
        page = {name: [make(i) for i in window(start)]}
        if start + PAGE < TOTAL:
            page["paging"] = {"next": f"{origin}/k/{key}{route}?limit={query.get('limit', 100)}&since_id={ids[start + PAGE]}"}
        return 200, page, {}
    return 404, {"error": "Not found"}, {}
