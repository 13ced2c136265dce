"""Catalog providers' list endpoints for the end-to-end tests of the generated `Connectors` module
(Tests/ConnectorsTests/EndToEnd/ResourcesEndToEnd.swift), served by pagingserver.py when a key's
scenario names a provider: `/k/<provider>.<id>/...`, where `/k/<key>` stands for the provider's
host (the tests point the connector's hosts there with the runtime's endpoint override).

An emulation written for the tests (standard library only), not the providers. Each route keeps
the page shape, parameters, pagination and credentials of the provider's API reference (URLs in
the connector spec's `sources` and next to each route); the records are invented. Pages hold at
most 2 records whatever the page size asked for, so 5 records take several pages; providers may
return fewer records than asked, and the specs' stop rules do not depend on full pages.
"""

import base64
import json
from urllib.parse import unquote

import unifiedpages
import catalogpages

PROVIDERS = ("zelt", "smartsheet", "spotdraft", "hibob", "workday", "salesforce", "confluence", "scim") + catalogpages.PROVIDERS
PROVIDERS += unifiedpages.PROVIDERS
PAGE = 2
TOTAL = 5


def basic(user, password):
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


# The credentials each provider's variant under test sends (fields and tokens set by the tests).
CREDENTIALS = {
    "zelt": {"Authorization": "Bearer zelt-access"},
    "smartsheet": {"Authorization": "Bearer smartsheet-pat"},
    "spotdraft": {"client-id": "sd-client", "client-secret": "sd-secret"},
    "hibob": {"Authorization": basic("SERVICE-42", "bob-token")},
    "workday": {"Authorization": basic("isu_reader@acme_tenant", "wd-password")},
    "salesforce": {"Authorization": "Bearer sf-access"},
    "confluence": {"Authorization": basic("admin@acme.example", "atl-token")},
    "scim": {"Authorization": "Bearer scim-token"},
}
CREDENTIALS.update(catalogpages.CREDENTIALS)
CREDENTIALS.update(unifiedpages.CREDENTIALS)


def authorized(provider, headers):
    return all(headers.get(name) == value for name, value in CREDENTIALS[provider].items())


def window(start):
    return range(start, min(start + PAGE, TOTAL))


def handle(handler, method, key, route, query, body):
    """`route`: the path after /k/<key> (trailing '/' kept). Returns (status, body, headers)."""
    provider = key.split(".")[0]
    if not authorized(provider, handler.headers):
        return 401, {"error": "unauthorized"}, {}
    origin = "http://" + (handler.headers.get("Host") or "127.0.0.1")
    parts = route.strip("/").split("/")
    serve = globals().get("serve_" + provider) or getattr(catalogpages, "serve_" + provider, None) or getattr(unifiedpages, "serve_" + provider)
    answer = serve(method, route, parts, query, body, key, origin)
    if answer[0] == 404 and method == "GET" and any(route.rstrip("/").endswith(path) for path in VERIFY.get(provider, ())):
        return 200, {"verified": True}, {}
    return answer


# The verification request each spec sends when the Hub links an account (`verify.path`, with
# the tests' field values): answered 200 when the provider's routes above do not serve it, so
# Hub/Tests/ConnectorHubTests/UnifiedRoutesTests.swift links accounts through the Hub itself.
VERIFY = {
    "hibob": ("/company/named-lists",),
    "workday": ("/staffing/v7/acme_tenant/workers",),
    "spotdraft": ("/v2.1/public/contract_types",),
    "scim": ("/scim/v2/ServiceProviderConfig",),
    "humaans": ("/me",),
    "namely": ("/profiles/me",),
    "breathehr": ("/account",),
    "jumpcloud": ("/systemusers",),
    "manatal": ("/candidates",),
}


def serve_zelt(method, route, parts, query, body, key, origin):
    # GET /apiv2/users: the company's users as one JSON array (Zelt documents no paging).
    if method == "GET" and route == "/apiv2/users":
        users = [{"userId": 1, "firstName": "Ada", "lastName": "Lovelace", "emailAddress": "ada@acme.example",
                  "displayName": "Ada Lovelace", "customField": "kept in raw"},
                 {"userId": 2, "firstName": None, "emailAddress": "grace@acme.example"}]
        return 200, users, {}
    return 404, {"error": "not_found"}, {}


SMARTSHEET_STATUS = ["ACTIVE", "PENDING", "DECLINED", "DEACTIVATED", "ACTIVE"]


def smartsheet_user(i, include=""):
    user = {"id": 1000 + i, "email": f"user{i}@acme.example", "name": f"User {i}", "firstName": f"User{i}",
            "admin": i == 0, "licensedSheetCreator": i % 2 == 0, "groupAdmin": False, "resourceViewer": i == 1,
            "status": SMARTSHEET_STATUS[i], "sheetCount": i}
    # lastLogin only with include=lastLogin (and never for a user who has not logged in).
    if i != 2 and "lastLogin" in include.split(","):
        user["lastLogin"] = "2025-03-0%dT08:15:00Z" % (i + 1)
    return user


def serve_smartsheet(method, route, parts, query, body, key, origin):
    # https://developers.smartsheet.com/api/smartsheet/openapi/users/list-users and the
    # pagination guide: page / pageSize in, {pageNumber, pageSize, totalPages, totalCount, data} out.
    if method == "GET" and route == "/2.0/users":
        page, size = int(query.get("page", 1)), min(int(query.get("pageSize", 100)), PAGE)
        start = (page - 1) * size
        return 200, {"pageNumber": page, "pageSize": size, "totalPages": -(-TOTAL // size), "totalCount": TOTAL,
                     "data": [smartsheet_user(i, query.get("include", "")) for i in window(start)]}, {}
    # GET /users/me: the caller's own profile (the Hub's verification request when linking).
    if method == "GET" and route == "/2.0/users/me":
        return 200, smartsheet_user(0), {}
    if method == "GET" and len(parts) == 3 and parts[:2] == ["2.0", "users"]:
        index = int(parts[2]) - 1000 if parts[2].isdigit() else -1
        if 0 <= index < TOTAL:
            return 200, smartsheet_user(index), {}
        return 404, {"errorCode": 1006, "message": "Not Found"}, {}
    # POST /users (Add User): the new user under result; DELETE /users/{id} (Remove User). Nothing
    # is stored: the list stays the same (the MCP tests count the requests instead).
    if method == "POST" and route == "/2.0/users":
        user = {"id": 2000, "email": body.get("email", ""), "name": " ".join(filter(None, [body.get("firstName"), body.get("lastName")])),
                "firstName": body.get("firstName"), "lastName": body.get("lastName"), "admin": bool(body.get("admin")),
                "licensedSheetCreator": bool(body.get("licensedSheetCreator")), "status": "PENDING"}
        return 200, {"message": "SUCCESS", "resultCode": 0, "result": user}, {}
    if method == "DELETE" and len(parts) == 3 and parts[:2] == ["2.0", "users"]:
        index = int(parts[2]) - 1000 if parts[2].isdigit() else -1
        if 0 <= index < TOTAL:
            return 200, {"message": "SUCCESS", "resultCode": 0}, {}
        return 404, {"errorCode": 1006, "message": "Not Found"}, {}
    return 404, {"error": "not_found"}, {}


def serve_spotdraft(method, route, parts, query, body, key, origin):
    # https://api.spotdraft.com/api/docs/: contracts are paged with an absolute `next` URL
    # ({count, next, previous, results}); users by page and limit ({results}).
    if method == "GET" and route == "/api/v2.1/public/contracts/":
        page = int(query.get("page", 1))
        start = (page - 1) * PAGE
        results = [{"composite_id": f"T-{100 + i}", "name": f"Contract {i}", "contract_type": "NDA",
                    "status": "EXECUTED" if i % 2 else "DRAFT", "created_at": "2025-02-01T09:00:00.123456Z",
                    "effective_date": "2025-02-0%d" % (i + 1), "expiration_date": None if i == 1 else "2026-02-01",
                    "owner": {"email": "legal@acme.example"}, "counterparties": [{"name": "Globex"}], "tags": ["sales"]}
                   for i in window(start)]
        nxt = None
        if start + PAGE < TOTAL:
            nxt = f"{origin}/k/{key}/api/v2.1/public/contracts/?limit={query.get('limit', 100)}&page={page + 1}"
        prev = None if page == 1 else f"{origin}/k/{key}/api/v2.1/public/contracts/?page={page - 1}"
        return 200, {"count": TOTAL, "next": nxt, "previous": prev, "results": results}, {}
    if method == "GET" and route == "/api/v1/public/auth/users":
        page = int(query.get("page", 1))
        results = [{"id": 10 + i, "email": f"u{i}@acme.example", "first_name": f"U{i}", "is_active": True,
                    "roles": [{"id": 1, "name": "Admin"}]} for i in window((page - 1) * PAGE)]
        return 200, {"results": results}, {}
    # GET /v1/public/auth/roles: every role in one array, without paging.
    if method == "GET" and route == "/api/v1/public/auth/roles":
        return 200, [{"id": 1, "name": "Admin"}, {"id": 2, "name": "Legal reviewer"}, {"id": 3, "name": None}], {}
    return 404, {"error": "not_found"}, {}


def serve_hibob(method, route, parts, query, body, key, origin):
    # https://apidocs.hibob.com/reference/post_people-search: POST /v1/people/search with a JSON
    # body (`showInactive` ...), one response {employees: [...]} without paging.
    if method == "POST" and route == "/v1/people/search":
        employees = [{"id": "3332883884017713238", "displayName": "Ada Lovelace", "firstName": "Ada",
                      "surname": "Lovelace", "email": "ada@acme.example", "companyId": 601,
                      "work": {"title": "Engineer", "department": "209192163", "site": "1742093",
                               "startDate": "2020-02-29", "manager": "3332883884017713200"},
                      "creationDateTime": "2024-05-01T10:00:00.511947"}]
        # List fields are item ids; humanReadable APPEND adds their names in a "humanReadable" node
        # (https://apidocs.hibob.com/docs/how-to-work-with-lists-public-api).
        if body.get("humanReadable") == "APPEND":
            employees[0]["humanReadable"] = {"work": {"department": "R&D", "site": "London"}}
        if body.get("showInactive") is True:
            employees.append({"id": "3332883884017713239", "displayName": "Former Employee", "surname": "Gone",
                              "creationDateTime": "2019-01-01T00:00:00"})
        return 200, {"employees": employees}, {}
    return 404, {"error": "not_found"}, {}


def serve_workday(method, route, parts, query, body, key, origin):
    # Workday REST staffing v7: GET /ccx/api/staffing/v7/{tenant}/workers?offset=&limit=
    # -> {total, data}; the tenant is a path segment.
    if method == "GET" and len(parts) == 6 and parts[:4] == ["ccx", "api", "staffing", "v7"] and parts[5] == "workers":
        tenant = unquote(parts[4])
        offset = int(query.get("offset", 0))
        data = [{"id": "3aa5550b7fe348b98d7b5741afc65534%d" % i, "descriptor": f"Worker {i} ({tenant})",
                 "href": f"https://wd2-impl-services1.workday.com/ccx/api/staffing/v7/{tenant}/workers/{i}",
                 "primaryWorkEmail": f"w{i}@acme.example", "businessTitle": "Analyst", "isManager": i == 0,
                 "primarySupervisoryOrganization": {"descriptor": "Finance"}} for i in window(offset)]
        return 200, {"total": TOTAL, "data": data}, {}
    return 404, {"error": "not_found"}, {}


SALESFORCE_USER_TYPES = ["Standard", "Standard", "PowerPartner", "CsnOnly", "AutomatedProcess"]


def serve_salesforce(method, route, parts, query, body, key, origin):
    # https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_query.htm:
    # GET /services/data/vXX.X/query?q=SOQL -> {totalSize, done, nextRecordsUrl, records}; the
    # next batch is GET nextRecordsUrl, a path from the instance's root
    # (/services/data/v60.0/query/01gD0000002HU6KIAW-2000). Here the root is /k/<key>.
    version = "/services/data/v60.0"
    start = None
    if method == "GET" and route == version + "/query" and query.get("q", "").startswith("SELECT Id, Username"):
        start = 0
    elif method == "GET" and route.startswith(version + "/query/01gRO0000016PIAYA2-"):
        start = int(route.rsplit("-", 1)[1])
    if start is not None:
        records = [{"attributes": {"type": "User", "url": f"{version}/sobjects/User/005RO00000{i}"},
                    "Id": f"005RO00000{i}", "Username": f"u{i}@acme.example", "Email": f"u{i}@acme.example",
                    "FirstName": None if i == 3 else f"First{i}", "LastName": f"Last{i}", "Name": f"First{i} Last{i}",
                    "IsActive": i != 4, "UserType": SALESFORCE_USER_TYPES[i],
                    "CreatedDate": "2024-01-15T10:00:00.000+0000",
                    "LastLoginDate": None if i == 2 else "2025-03-01T08:00:00.000+0000"} for i in window(start)]
        page = {"totalSize": TOTAL, "done": start + PAGE >= TOTAL, "records": records}
        if start + PAGE < TOTAL:
            page["nextRecordsUrl"] = f"/k/{key}{version}/query/01gRO0000016PIAYA2-{start + PAGE}"
        return 200, page, {}
    return 404, [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}], {}


def serve_confluence(method, route, parts, query, body, key, origin):
    # https://developer.atlassian.com/cloud/confluence/rest/v2/intro/ (pagination) and
    # api-group-space: GET /wiki/api/v2/spaces?limit=&cursor= -> {results, _links: {next, base}},
    # `_links.next` (and the Link header) a path from the site's root: /wiki/api/v2/spaces?cursor=...
    if method == "GET" and route == "/wiki/api/v2/spaces":
        cursor = query.get("cursor")
        start = int(cursor[len("cGFnZT"):]) if cursor else 0
        kinds = ["global", "personal", "collaboration", "global", "knowledge_base"]
        results = [{"id": str(98300 + i), "key": f"SP{i}", "name": f"Space {i}", "type": kinds[i],
                    "status": "archived" if i == 4 else "current", "authorId": "5b10ac8d82e05b22cc7d4ef5",
                    "createdAt": "2024-06-0%dT12:00:00.000Z" % (i + 1),
                    "homepageId": None if i == 1 else str(65000 + i)} for i in window(start)]
        links = {"base": f"{origin}/k/{key}/wiki"}
        headers = {}
        if start + PAGE < TOTAL:
            token = f"cGFnZT{start + PAGE}"
            extra = "".join(f"&{name}={query[name]}" for name in ("type", "status") if name in query)
            links["next"] = f"/k/{key}/wiki/api/v2/spaces?limit={query.get('limit', 25)}{extra}&cursor={token}"
            headers["Link"] = f'<{links["next"]}>; rel="next", <{links["base"]}>; rel="base"'
        return 200, {"results": results, "_links": links}, headers
    return 404, {"error": "not_found"}, {}


ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


def scim_user(i):
    user = {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": f"u-{i}", "userName": f"user{i}@acme.example",
            "name": {"givenName": f"Given{i}", "familyName": f"Family{i}", "formatted": f"Given{i} Family{i}"},
            "active": i != 3, "emails": [{"value": f"user{i}@acme.example", "type": "work", "primary": True}],
            "meta": {"resourceType": "User", "created": "2024-02-29T12:00:00Z", "lastModified": "2025-01-0%dT00:00:00.5Z" % (i + 1)}}
    # groups[].value (RFC 7643 section 4.1.2): user 0 in two groups, user 1's second entry without a value.
    user["groups"] = [{"value": f"g-{i}", "display": f"Group {i}"}] + ([{"value": "g-1", "display": "Group 1"}] if i == 0 else [])
    if i == 1:
        user["groups"].append({"display": "No value"})
    if i == 0:
        user[ENTERPRISE] = {"employeeNumber": "701984", "department": "Tour Operations", "manager": {"value": "u-4"}}
        user["schemas"].append(ENTERPRISE)
    if i == 2:
        del user["name"], user["emails"]
        user["displayName"] = "Service Account"
    return user


def serve_scim(method, route, parts, query, body, key, origin):
    # RFC 7644 section 3.4.2: GET /Users?startIndex=&count= (startIndex counts from 1) ->
    # {schemas, totalResults, itemsPerPage, startIndex, Resources}; GET /Users/<id>; /Groups alike.
    list_schema = ["urn:ietf:params:scim:api:messages:2.0:ListResponse"]
    if method == "GET" and route in ("/scim/v2/Users", "/scim/v2/Groups"):
        start = max(int(query.get("startIndex", 1)), 1)
        rows = range(start - 1, min(start - 1 + min(int(query.get("count", 100)), PAGE), TOTAL))
        if route.endswith("Users"):
            resources = [scim_user(i) for i in rows]
        else:
            resources = [{"id": f"g-{i}", "displayName": f"Group {i}", "members": [{"value": f"u-{i}"}] + ([{"value": "u-0"}] if i == 1 else []),
                          "meta": {"created": "2023-06-0%dT09:30:00Z" % (i + 1)}} for i in rows]
        return 200, {"schemas": list_schema, "totalResults": TOTAL, "itemsPerPage": len(resources), "startIndex": start,
                     "Resources": resources}, {}
    if method == "GET" and len(parts) == 4 and parts[:3] == ["scim", "v2", "Users"]:
        index = int(parts[3][2:]) if parts[3].startswith("u-") and parts[3][2:].isdigit() else -1
        if 0 <= index < TOTAL:
            return 200, scim_user(index), {}
        return 404, {"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"], "status": "404"}, {}
    return 404, {"error": "not_found"}, {}
