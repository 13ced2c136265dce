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

PROVIDERS = ("clerk", "ashby", "workable", "bamboohr", "pinpoint")


# The credentials each provider's variant under test sends (fields set by the tests).
CREDENTIALS = {
    "clerk": {"Authorization": "Bearer sk_test_clerk"},
    # Ashby: the API key as the Basic username, no password.
    "ashby": {"Authorization": "Basic " + base64.b64encode(b"ashby-key:").decode()},
    "workable": {"Authorization": "Bearer workable-token"},
    # BambooHR: the API key as the Basic username, "x" as the password.
    "bamboohr": {"Authorization": "Basic " + base64.b64encode(b"bamboo-key:x").decode()},
    "pinpoint": {"X-API-KEY": "pinpoint-key"},
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


BAMBOO_STATUSES = [{"id": 1, "label": "New"}, {"id": 2, "label": "Reviewed"}, None, {"id": 5, "label": "Offer"}, {"id": 9, "label": "Hired"}]


def bamboohr_application(i):
    applicant = {"id": 300 + i, "firstName": f"Appl{i}", "lastName": f"Icant{i}",
                 "email": None if i == 1 else f"a{i}@acme.example", "source": "LinkedIn" if i % 2 == 0 else None}
    # BambooHR writes ISO 8601 date-times with an offset; one in another time zone.
    applied = "2024-02-29T23:30:00-05:00" if i == 2 else "2024-03-0%dT10:00:00+00:00" % (i + 1)
    return {"id": 700 + i, "appliedDate": applied, "status": BAMBOO_STATUSES[i], "rating": i,
            "applicant": applicant, "job": {"id": 40, "title": {"id": 40, "label": "Drummer"}}}


def serve_bamboohr(method, route, parts, query, body, key, origin):
    # https://documentation.bamboohr.com/reference/get-applications: GET with `page` (1-based) ->
    # {applications, paginationComplete, nextPageUrl}; nextPageUrl is an absolute URL here (the
    # spec notes that BambooHR does not document it) and null on the last page.
    if method == "GET" and route == "/api/gateway.php/acme/v1/applicant_tracking/applications":
        page = int(query.get("page", 1))
        start = (page - 1) * PAGE
        complete = start + PAGE >= TOTAL
        answer = {"applications": [bamboohr_application(i) for i in window(start)], "paginationComplete": complete,
                  "nextPageUrl": None if complete else f"{origin}/k/{key}{route}?page={page + 1}"}
        return 200, answer, {}
    if method == "GET" and route == "/api/gateway.php/acme/v1/meta/fields":
        return 200, [{"id": 1, "name": "First name", "type": "text", "alias": "firstName"}], {}
    return 404, {"error": "Not found"}, {}


def pinpoint_application(i):
    attributes = {"first_name": f"Pin{i}", "last_name": f"Point{i}", "full_name": f"Pin{i} Point{i}",
                  "email": f"p{i}@acme.example", "phone": None if i == 3 else f"+44 20 7946 000{i}",
                  "job_id": str(900 + i % 2), "stage_id": str(50 + i), "channel_source": "Careers site" if i != 4 else None,
                  "rejected_at": "2024-05-01T17:00:00.000+01:00" if i == 2 else None, "hired_at": None,
                  "created_at": "2024-04-0%dT09:00:00.000Z" % (i + 1), "updated_at": "2024-04-10T09:00:00.000Z"}
    return {"id": str(8000 + i), "type": "applications", "attributes": attributes,
            "relationships": {"job": {"data": {"id": attributes["job_id"], "type": "jobs"}}}}


def pinpoint_job(i):
    return {"id": str(900 + i), "type": "jobs",
            "attributes": {"title": None if i == 1 else f"Pinpoint Job {i}", "remote": i == 0,
                           "created_at": "2024-01-15T12:00:00.000Z", "updated_at": "2024-02-01T12:00:00.000Z"},
            "relationships": {}}


def serve_pinpoint(method, route, parts, query, body, key, origin):
    # https://developers.pinpointhq.com/reference/applications_list and jobs_list (JSON:API):
    # page[number] (1-based) and page[size] -> {data: [{id, type, attributes, relationships}],
    # links, meta}; a page after the last is empty.
    lists = {"/api/v1/applications": pinpoint_application, "/api/v1/jobs": pinpoint_job}
    if method == "GET" and route in lists:
        number = int(query.get("page[number]", 1))
        size = min(int(query.get("page[size]", 100)), PAGE)
        start = (number - 1) * size
        data = [lists[route](i) for i in range(start, min(start + size, TOTAL))]
        links = {"self": f"{origin}/k/{key}{route}?page[number]={number}"}
        return 200, {"data": data, "links": links, "meta": {"count": len(data)}}, {}
    # applications_getbyid / jobs_getbyid: GET /applications/{id} -> {data: {...}}.
    if method == "GET" and len(parts) == 4 and "/" + "/".join(parts[:3]) in lists:
        make = lists["/" + "/".join(parts[:3])]
        for i in range(TOTAL):
            if make(i)["id"] == parts[3]:
                return 200, {"data": make(i)}, {}
    return 404, {"errors": [{"status": "404", "title": "Not Found"}]}, {}
