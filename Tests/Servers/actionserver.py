"""A provider API that takes writes, for the action end-to-end tests: users created, updated and
deleted at the paths of Tests/Reference/Specs/acme_actions.json, with the failures writes must
survive without duplicating anything.

This is an emulation written for the tests (standard library only), not a real provider. Every
request carries a key in its path, `/k/<scenario>.<id>/v1/...`, so tests running in parallel never
share state; the scenario picks the failure:
  ok              writes succeed; invalid inputs are refused like a provider does (below)
  rate-limit      the first write answers 429 Retry-After: 1 without acting, then writes succeed
  unavailable     the first write answers 503 without acting, then writes succeed
  slow            every write acts (the user is created or changed) and answers after 3 s
  fail-after      every write acts, then answers 500 (the provider failed after acting); a retry
                  with the same Idempotency-Key gets the first result
  no-scope        every write answers 403 {"error": "forbidden", "message": "..."}
Validation (every scenario): POST /users needs an `email` containing '@' (422, `errors[].field`
"email"), a `name.givenName` of at most 40 characters (422, field "name.givenName") and an email
not used yet (409, a message only: "a user with this e-mail already exists"); PATCH needs a user
that exists (404). A write with an Idempotency-Key the key already used answers the first answer
again, without acting (Stripe's semantics).
Routes:
  POST   /k/<key>/v1/users              201 {"id", "email", "name": {...}, "role", "groups", "active"}
  PATCH  /k/<key>/v1/users/<id>         200 the user
  DELETE /k/<key>/v1/users/<id>         204
  GET    /_control/requests/<key>       every request of the key: method, path, body, idempotencyKey
  GET    /_control/users/<key>          the users of the key
  GET    /_control/health
The API key must be sent as `X-Api-Key: test-key` (else 401).

The same scenarios under `/k/<key>/api/v1/...` speak Okta's dialect (the catalog's `okta`
connector, whose host the Hub's tests point here), from Okta's Users and Groups API reference:
  GET    /api/v1/users/me                                 200 the token's user (link verification)
  POST   /api/v1/users?activate=                          200 the user {"id", "status", "created", "profile"}
  POST   /api/v1/users/<id>/lifecycle/deactivate          200 {} (status DEPROVISIONED)
  PUT    /api/v1/groups/<groupId>/users/<id>              204
Validation: a `profile.login` without '@' or already used answers 400 with Okta's `errorCauses`
(`"login: ..."`); an unknown user 404 E0000007. The token must be sent as
`Authorization: SSWS test-key` (else 401 E0000011); `no-scope` answers 403 E0000006, and
`rate-limit` a 429 E0000047 with Okta's `X-Rate-Limit-*` headers and no Retry-After.

Under `/k/<key>/scim/v2/...` the same keys speak SCIM 2.0 (the catalog's `scim` connector; RFC 7644):
  GET    /scim/v2/ServiceProviderConfig                   200 (link verification)
  POST   /scim/v2/Users                                   201 the user {"schemas", "id", "userName", "name",
                                                          "displayName", "active": true, "meta"}
  PATCH  /scim/v2/Users/<id>                              200 the user, after a PatchOp's replace operations
Errors are SCIM Error messages (section 3.12): a userName already used 409 scimType
"uniqueness", a missing userName 400 "invalidValue", a PATCH that is not a PatchOp 400
"invalidSyntax", an unknown user 404. The token must be sent as `Authorization: Bearer test-key`
(else 401).
Under `/k/<key>/<connector>/...` the same keys speak the write dialect of one more catalog
connector (the Hub's tests point every host of that connector at this prefix): DIALECTS below,
one table a provider of the routes its documented write API has, each an effect on the key's
records (create, update, delete, member, put), the status it answers and the shape of its answer
(the record, wrapped as the provider wraps it, a constant or no body). The scenarios no-scope
(403 {"message"}), rate-limit (429 Retry-After: 1 once) and slow (acts, answers after 3 s) apply, and
invalid: the dialect's `invalid` answer (the status and body its provider documents for a request it
refuses as invalid, each with its source beside it), without acting. Each dialect checks its
credential (a header value) and answers its token endpoint (any POST ending in /token, for
client-credentials connectors: access token `test-key`) and its verification GET; writes to an
unknown record answer 404. Writes are counted like the others (GET /_control/requests/<key>,
paths without `/k/<key>/<connector>`; token requests are not writes and are left out).
  POST   /_control/records/<key>    {"records": [...]} seeds records (users, groups) a test updates
Run: python actionserver.py --port-file PATH   (binds 127.0.0.1 on a free port)
"""
import argparse
import base64
import copy
import re
import json
import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# The "slow" scenarios: the write acts on receipt, the answer comes this many seconds later.
# `slow-long` leaves a caller whose deadline is a few seconds (the Hub's catalog tests: 3 s)
# room to send its token request and its write on a loaded machine before that deadline.
SLOW_SECONDS = {"slow": 3, "slow-long": 8}

LOCK = threading.Lock()
REQUESTS = {}   # key -> [request]
USERS = {}      # key -> {id: user}
ANSWERED = {}   # (key, idempotency key) -> (status, body)
WRITES = {}     # key -> number of writes seen


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body=None, headers=None):
        if getattr(self, "late", False):
            # The SCIM dialect's slow scenarios: whatever was done, the answer comes late.
            delay, self.late = self.late, False
            time.sleep(delay)
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", "application/json")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        parts = self.path.split("?")[0].strip("/").split("/")
        if len(parts) >= 3 and parts[0] == "k" and parts[2] in DIALECTS:
            return self.dialect(parts[1], parts[2], b"")
        if len(parts) >= 4 and parts[0] == "k" and parts[2:4] == ["api", "v1"]:
            return self.okta(parts[1], parts[4:], b"")
        if len(parts) >= 4 and parts[0] == "k" and parts[2:4] == ["scim", "v2"]:
            return self.scim(parts[1], parts[4:], b"")
        if parts == ["_control", "health"]:
            return self.answer(200, {"ok": True})
        if len(parts) == 3 and parts[:2] == ["_control", "requests"]:
            with LOCK:
                return self.answer(200, REQUESTS.get(parts[2], []))
        if len(parts) == 3 and parts[:2] == ["_control", "users"]:
            with LOCK:
                return self.answer(200, list(USERS.get(parts[2], {}).values()))
        if len(parts) == 4 and parts[0] == "k" and parts[2:] == ["v1", "users"]:
            if self.headers.get("X-Api-Key") != "test-key":
                return self.answer(401, {"message": "invalid API key"})
            with LOCK:
                return self.answer(200, {"data": list(USERS.get(parts[1], {}).values())})
        self.answer(404, {"message": "not found"})

    def do_POST(self):
        self.write()

    def do_PATCH(self):
        self.write()

    def do_DELETE(self):
        self.write()

    def do_PUT(self):
        self.write()

    def write(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        parts = self.path.split("?")[0].strip("/").split("/")
        if len(parts) == 3 and parts[:2] == ["_control", "records"]:
            return self.seed(parts[2], raw)
        if len(parts) >= 3 and parts[0] == "k" and parts[2] in DIALECTS:
            return self.dialect(parts[1], parts[2], raw)
        if len(parts) >= 4 and parts[0] == "k" and parts[2:4] == ["api", "v1"]:
            return self.okta(parts[1], parts[4:], raw)
        if len(parts) >= 4 and parts[0] == "k" and parts[2:4] == ["scim", "v2"]:
            return self.scim(parts[1], parts[4:], raw)
        if len(parts) < 4 or parts[0] != "k" or parts[2] != "v1" or parts[3] != "users":
            return self.answer(404, {"message": "not found"})
        key = parts[1]
        scenario = key.split(".")[0]
        idempotency = self.headers.get("Idempotency-Key")
        with LOCK:
            REQUESTS.setdefault(key, []).append({
                "method": self.command, "path": self.path.replace("/k/" + key, ""),
                "body": raw.decode("utf-8", "replace"), "idempotencyKey": idempotency or ""})
            WRITES[key] = WRITES.get(key, 0) + 1
            first = WRITES[key] == 1
            if idempotency and (key, idempotency) in ANSWERED:
                status, body = ANSWERED[(key, idempotency)]
                return self.answer(status, body)
        if self.headers.get("X-Api-Key") != "test-key":
            return self.answer(401, {"message": "invalid API key"})
        if scenario == "no-scope":
            return self.answer(403, {"error": "forbidden", "message": "This API key lacks the users:write permission."})
        if scenario == "rate-limit" and first:
            return self.answer(429, {"message": "slow down"}, {"Retry-After": "1"})
        if scenario == "unavailable" and first:
            return self.answer(503, {"message": "try again"})
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            return self.answer(400, {"message": "body is not JSON"})
        status, answer = self.act(key, parts[4:], body)
        if scenario == "slow":
            time.sleep(3)
        if idempotency and status < 500:
            with LOCK:
                ANSWERED[(key, idempotency)] = (status, answer)
        if scenario == "fail-after":
            return self.answer(500, {"message": "internal error"})
        self.answer(status, answer)

    def act(self, key, rest, body):
        with LOCK:
            users = USERS.setdefault(key, {})
            if self.command == "POST" and not rest:
                errors = []
                email = body.get("email")
                if not isinstance(email, str) or "@" not in email:
                    errors.append({"field": "email", "message": "is not a valid e-mail address"})
                given = (body.get("name") or {}).get("givenName")
                if isinstance(given, str) and len(given) > 40:
                    errors.append({"field": "name.givenName", "message": "is longer than 40 characters"})
                if errors:
                    return 422, {"message": "Validation failed", "errors": errors}
                if any(user["email"] == email for user in users.values()):
                    return 409, {"message": "a user with this e-mail already exists"}
                user_id = "u" + str(len(users) + 1)
                users[user_id] = {
                    "id": user_id, "email": email, "name": body.get("name") or {}, "role": body.get("role", "member"),
                    "groups": body.get("groups", []), "active": True}
                return 201, users[user_id]
            if len(rest) == 1 and rest[0] in users:
                if self.command == "PATCH":
                    user = users[rest[0]]
                    for name in ("email", "role", "active"):
                        if name in body:
                            user[name] = body[name]
                    if "name" in body:
                        user["name"].update(body["name"])
                    return 200, user
                if self.command == "DELETE":
                    del users[rest[0]]
                    return 204, None
            return 404, {"message": "user not found"}

    # MARK: Okta's dialect

    def okta_error(self, status, code, summary, causes=None, headers=None):
        body = {"errorCode": code, "errorSummary": summary, "errorLink": code, "errorId": "oae-test",
                "errorCauses": [{"errorSummary": cause} for cause in causes or []]}
        self.answer(status, body, headers)

    def okta(self, key, rest, raw):
        scenario = key.split(".")[0]
        if self.command == "GET":
            if self.headers.get("Authorization") != "SSWS test-key":
                return self.okta_error(401, "E0000011", "Invalid token provided")
            if rest == ["users", "me"]:
                return self.answer(200, {"id": "00uadmin", "status": "ACTIVE", "profile": {"login": "admin@acme.example"}})
            return self.okta_error(404, "E0000007", "Not found: Resource not found: " + "/".join(rest) + " (User)")
        with LOCK:
            REQUESTS.setdefault(key, []).append({
                "method": self.command, "path": self.path.replace("/k/" + key, ""),
                "body": raw.decode("utf-8", "replace"), "idempotencyKey": self.headers.get("Idempotency-Key") or ""})
            WRITES[key] = WRITES.get(key, 0) + 1
            first = WRITES[key] == 1
        if self.headers.get("Authorization") != "SSWS test-key":
            return self.okta_error(401, "E0000011", "Invalid token provided")
        if scenario == "no-scope":
            return self.okta_error(403, "E0000006", "You do not have permission to perform the requested action")
        if scenario == "rate-limit" and first:
            reset = str(int(time.time()) + 1)
            return self.okta_error(429, "E0000047", "API call exceeded rate limit due to too many requests.", headers={
                "X-Rate-Limit-Limit": "600", "X-Rate-Limit-Remaining": "0", "X-Rate-Limit-Reset": reset})
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            return self.okta_error(400, "E0000003", "The request body was not well-formed.")
        with LOCK:
            users = USERS.setdefault(key, {})
            status, answer, causes = 404, None, None
            if self.command == "POST" and rest == ["users"]:
                profile = body.get("profile") or {}
                login = profile.get("login")
                if not isinstance(login, str) or "@" not in login:
                    status, causes = 400, ["login: Username must be in the form of an email address"]
                elif any(user["profile"].get("login") == login for user in users.values()):
                    status, causes = 400, ["login: An object with this field already exists in the current organization"]
                else:
                    user_id = "00u" + str(len(users) + 1)
                    staged = "activate=false" in self.path
                    users[user_id] = {"id": user_id, "status": "STAGED" if staged else "ACTIVE",
                                      "created": "2026-12-07T10:00:00.000Z", "lastLogin": None, "profile": profile}
                    status, answer = 200, users[user_id]
            elif self.command == "POST" and len(rest) == 4 and rest[0] == "users" and rest[2:] == ["lifecycle", "deactivate"]:
                if rest[1] in users:
                    users[rest[1]]["status"] = "DEPROVISIONED"
                    status, answer = 200, {}
            elif self.command == "PUT" and len(rest) == 4 and rest[0] == "groups" and rest[2] == "users":
                if rest[3] in users:
                    users[rest[3]].setdefault("groups", []).append(rest[1])
                    status = 204
        if scenario == "slow":
            time.sleep(3)
        if status == 400:
            return self.okta_error(400, "E0000001", "Api validation failed: login", causes)
        if status == 404:
            return self.okta_error(404, "E0000007", "Not found: Resource not found: " + "/".join(rest) + " (User)")
        self.answer(status, answer)

    # MARK: SCIM 2.0 (RFC 7644)

    def scim_error(self, status, detail, scim_type=None):
        body = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"], "status": str(status), "detail": detail}
        if scim_type:
            body["scimType"] = scim_type
        self.answer(status, body)

    def scim(self, key, rest, raw):
        first = False
        if self.command != "GET":
            with LOCK:
                REQUESTS.setdefault(key, []).append({
                    "method": self.command, "path": self.path.replace("/k/" + key, ""),
                    "body": raw.decode("utf-8", "replace"), "idempotencyKey": self.headers.get("Idempotency-Key") or ""})
                WRITES[key] = WRITES.get(key, 0) + 1
                first = WRITES[key] == 1
        if self.headers.get("Authorization") != "Bearer test-key":
            return self.scim_error(401, "Authorization failure: the bearer token is not valid.")
        if self.command == "GET":
            if rest == ["ServiceProviderConfig"]:
                return self.answer(200, {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
                                         "patch": {"supported": True}, "filter": {"supported": True, "maxResults": 100}})
            return self.scim_error(404, "Resource not found.")
        scenario = key.split(".")[0]
        if scenario == "no-scope":
            return self.scim_error(403, "The token may not write users.")
        if scenario == "rate-limit" and first:
            # RFC 7644 section 3.12: 429 "too many requests" in an Error message.
            body = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"], "status": "429", "detail": "Too many requests."}
            return self.answer(429, body, {"Retry-After": "1"})
        if scenario in SLOW_SECONDS:
            # Acts first (below), then answers late: the answer is written after the scenario's wait.
            self.late = SLOW_SECONDS[scenario]
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            return self.scim_error(400, "The request body is not JSON.", "invalidSyntax")
        with LOCK:
            users = USERS.setdefault(key, {})
            if self.command == "POST" and rest == ["Users"]:
                name = body.get("userName")
                if not isinstance(name, str) or not name:
                    return self.scim_error(400, "userName is required.", "invalidValue")
                if any(user.get("userName") == name for user in users.values()):
                    return self.scim_error(409, "userName is already in use.", "uniqueness")
                user_id = "2819c223-7f76-453a-919d-41339%07d" % (len(users) + 1)
                user = {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": user_id, "userName": name,
                        "name": body.get("name") or {}, "active": body.get("active", True),
                        "meta": {"resourceType": "User", "created": "2026-12-07T10:00:00Z", "lastModified": "2026-12-07T10:00:00Z",
                                 "location": "/scim/v2/Users/" + user_id}}
                for attribute in ("displayName", "title", "externalId"):
                    if attribute in body:
                        user[attribute] = body[attribute]
                users[user_id] = user
                return self.answer(201, user)
            if self.command == "PATCH" and len(rest) == 2 and rest[0] == "Users":
                if rest[1] not in users:
                    return self.scim_error(404, "Resource %s not found." % rest[1])
                if body.get("schemas") != ["urn:ietf:params:scim:api:messages:2.0:PatchOp"] or not isinstance(body.get("Operations"), list):
                    return self.scim_error(400, "The body is not a PatchOp.", "invalidSyntax")
                user = users[rest[1]]
                for operation in body["Operations"]:
                    if str(operation.get("op", "")).lower() != "replace" or "path" in operation or not isinstance(operation.get("value"), dict):
                        return self.scim_error(400, "Only replace operations without a path are emulated.", "invalidSyntax")
                    user.update(operation["value"])
                user["meta"]["lastModified"] = "2026-12-07T10:05:00Z"
                return self.answer(200, user)
            if self.command == "PUT" and len(rest) == 2 and rest[0] == "Users":
                # Replace (section 3.5.1): the attributes sent replace the user's; id and meta stay.
                if rest[1] not in users:
                    return self.scim_error(404, "Resource %s not found." % rest[1])
                name = body.get("userName")
                if not isinstance(name, str) or not name:
                    return self.scim_error(400, "userName is required.", "invalidValue")
                old = users[rest[1]]
                user = {"schemas": body.get("schemas") or old["schemas"], "id": old["id"], "userName": name,
                        "name": body.get("name") or {}, "active": body.get("active", True), "meta": old["meta"]}
                for attribute in ("displayName", "title", "externalId"):
                    if attribute in body:
                        user[attribute] = body[attribute]
                user["meta"]["lastModified"] = "2026-12-07T10:05:00Z"
                users[rest[1]] = user
                return self.answer(200, user)
            if self.command == "DELETE" and len(rest) == 2 and rest[0] == "Users":
                if users.pop(rest[1], None) is None:
                    return self.scim_error(404, "Resource %s not found." % rest[1])
                return self.answer(204)
            if self.command == "PATCH" and len(rest) == 2 and rest[0] == "Groups":
                # Group membership (section 3.5.2.1): an add operation at the path members.
                group = users.get(rest[1])
                if group is None or "members" not in group:
                    return self.scim_error(404, "Resource %s not found." % rest[1])
                if body.get("schemas") != ["urn:ietf:params:scim:api:messages:2.0:PatchOp"] or not isinstance(body.get("Operations"), list):
                    return self.scim_error(400, "The body is not a PatchOp.", "invalidSyntax")
                for operation in body["Operations"]:
                    if str(operation.get("op", "")).lower() != "add" or operation.get("path") != "members" or not isinstance(operation.get("value"), list):
                        return self.scim_error(400, "Only add operations at members are emulated for groups.", "invalidSyntax")
                    for member in operation["value"]:
                        if not isinstance(member, dict) or member.get("value") not in users:
                            return self.scim_error(400, "A member is not a user of the service provider.", "invalidValue")
                        group["members"].append({"value": member["value"]})
                return self.answer(200, group)
        self.scim_error(404, "Resource not found.")

    # MARK: The catalog's other connectors (DIALECTS)

    def seed(self, key, raw):
        records = json.loads(raw or b"{}").get("records") or []
        with LOCK:
            store = USERS.setdefault(key, {})
            for record in records:
                store[str(record.get("id", record.get("_id")))] = record
        self.answer(200, {"seeded": len(records)})

    def dialect(self, key, name, raw):
        spec = DIALECTS[name]
        full = self.path.replace("/k/%s/%s" % (key, name), "", 1)
        path = full.split("?")[0]
        if self.command == "POST" and path.endswith("/token"):
            # The client-credentials token endpoint: not a write, not counted.
            form = raw.decode("utf-8", "replace")
            if "grant_type=" not in form:
                return self.answer(400, {"error": "invalid_request"})
            return self.answer(200, {"access_token": "test-key", "token_type": "bearer", "expires_in": 3600})
        if self.command == "POST" and path == spec.get("verifyPost"):
            # A verification request sent as a POST (Ashby's apiKey.info): not a write, not counted.
            for header, value in spec["auth"].items():
                if self.headers.get(header) != value:
                    return self.answer(401, {"message": "invalid credentials"})
            return self.answer(200, spec.get("verify", {}))
        first = False
        if self.command != "GET":
            with LOCK:
                REQUESTS.setdefault(key, []).append({
                    "method": self.command, "path": full, "body": raw.decode("utf-8", "replace"),
                    "idempotencyKey": self.headers.get("Idempotency-Key") or "",
                    "contentType": self.headers.get("Content-Type") or ""})
                WRITES[key] = WRITES.get(key, 0) + 1
                first = WRITES[key] == 1
        for header, value in spec["auth"].items():
            sent = self.headers.get(header) or ""
            # An OAuth dialect linked through the Hub's pages takes the token the Authlib
            # emulation issued (its value unknown here): any bearer token, never none.
            issued = spec.get("issuedBearer") and sent.startswith("Bearer ") and len(sent) > len("Bearer ")
            if sent != value and not issued:
                return self.answer(401, {"message": "invalid credentials"})
        if self.command == "GET":
            return self.answer(200, spec.get("verify", {}))
        # The key's scenario, as for the other dialects: refused for a missing permission, or
        # rate limited once, before acting; or acting, then answering after 3 s.
        scenario = key.split(".")[0]
        if scenario == "no-scope":
            return self.answer(403, {"message": "The credential lacks the permission this write needs."})
        if scenario == "rate-limit" and first:
            return self.answer(429, {"message": "Too many requests"}, {"Retry-After": "1"})
        if spec.get("contentType") and (self.headers.get("Content-Type") or "").split(";")[0] != spec["contentType"]:
            return self.answer(415, {"errors": [{"status": "415", "title": "Unsupported Media Type"}]})
        for route in spec["routes"]:
            match = route["pattern"].fullmatch(path)
            if route["method"] == self.command and match:
                break
        else:
            return self.answer(404, {"message": "no such route"})
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            return self.answer(400, {"message": "body is not JSON"})
        if scenario == "invalid":
            status, answer = spec["invalid"]
            if spec.get("echo"):
                # A provider that quotes what it was sent (the test that its text is redacted).
                answer = json.loads(json.dumps(answer).replace("{echo}", str(pointer(body, spec["echo"]))))
            return self.answer(status, answer)
        params = match.groupdict()
        with LOCK:
            status, answer, headers = self.act_dialect(key, route, params, body)
        if scenario in SLOW_SECONDS:
            time.sleep(SLOW_SECONDS[scenario])
        self.answer(status, answer, headers)

    def act_dialect(self, key, route, params, body):
        """Acts on the key's records: (status, answer, headers)."""
        records = USERS.setdefault(key, {})
        fields = pointer(body, route.get("from", "")) if route.get("merge", True) else {}
        effect = route["effect"]
        record = None
        if effect == "create":
            number = len(records) + 1
            fmt = route.get("id", "%d")
            new_id = (1000 + number) if fmt == "int" else fmt % number
            record = copy.deepcopy(route.get("template", {}))
            record.update(fields if isinstance(fields, dict) else {})
            record[route.get("idField", "id")] = new_id
            for name in route.get("drop", []):
                # What the provider never answers or keeps readable (an initial password).
                record.pop(name, None)
            if route.get("jsonapi"):
                # A JSON:API resource object: the id beside type and attributes.
                record["type"] = route["jsonapi"]
            records[str(new_id)] = record
        elif effect in ("update", "delete"):
            record = records.get(record_key(params))
            if record is None:
                return 404, {"message": "not found"}, {}
            if effect == "update":
                record.update(fields if isinstance(fields, dict) else {})
                record.update(route.get("set", {}))
            else:
                del records[record_key(params)]
        elif effect == "member":
            group = records.get(params["group"])
            member = params.get("user") or pointer(body, route.get("member", "/id"))
            if route.get("memberBy"):
                # Google's members.insert names the member by e-mail: the record holding it.
                member = next((rid for rid, rec in records.items() if rec.get(route["memberBy"]) == member), member)
            if route.get("memberURL") and isinstance(member, str):
                # Microsoft Graph's @odata.id: .../directoryObjects/{id}.
                member = member.rsplit("/", 1)[-1]
            if group is None or str(member) not in records:
                return 404, {"message": "not found"}, {}
            group.setdefault("members", []).append(member)
            if route.get("membership"):
                # An answer describing the membership (Google's Member resource).
                record = dict(route["membership"], id=member, email=pointer(body, route.get("member", "/id")),
                              role=body.get("role", "MEMBER"))
        elif effect == "stage":
            # Ashby's application.changeStage: the application and the stage are in the body.
            record = records.get(str(body.get("applicationId")))
            if record is None:
                return 200, {"success": False, "errorInfo": {"code": "application_not_found",
                                                             "message": "Application not found"}}, {}
            record["currentInterviewStage"] = {"id": body.get("interviewStageId")}
        elif effect == "put":
            record = copy.deepcopy(route.get("template", {}))
            record.update(params)
            record.update(fields if isinstance(fields, dict) else {})
            records[record_key(params)] = record
        answer = route.get("answer", "record")
        if answer == "record":
            answer = record
            for wrapper in route.get("wrap", []):
                answer = dict(wrapper[1], **{wrapper[0]: answer})
        headers = {}
        if route.get("location") and record is not None:
            headers["Location"] = "%s/%s" % (self.path.split("?")[0], record[route.get("idField", "id")])
        return route["status"], answer, headers


def pointer(value, path):
    """The value at a JSON pointer (no escapes), or None."""
    for token in [part for part in path.split("/") if part]:
        if isinstance(value, dict):
            value = value.get(token)
        elif isinstance(value, list) and token.isdigit() and int(token) < len(value):
            value = value[int(token)]
        else:
            return None
    return value


def record_key(params):
    """A record's key: its {id}, else its path's names joined (GitHub's org/username)."""
    return params["id"] if "id" in params else "/".join(params[name] for name in sorted(params))


def basic(user, password):
    return "Basic " + base64.b64encode((user + ":" + password).encode()).decode()


def route(method, path, effect, status, **options):
    """One write route: `path` with {id}, {group}, {user} (and any other name) for one segment."""
    pattern = re.compile(re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path))
    return dict(options, method=method, pattern=pattern, effect=effect, status=status)


BEARER = {"Authorization": "Bearer test-key"}

# Each connector's write dialect, from its documented API (the specs' sources): the routes the
# catalog's actions call, relative to the connector's host. `from`: where in the request body the
# record's fields are; `wrap`: (member, other members) around the answered record, innermost
# first; `answer`: "record" (default), None (no body) or a constant.
DIALECTS = {
    # Ashby (https://developers.ashbyhq.com/docs/responses): RPC-style POSTs answered 200
    # {"success": true, "results": ...}; candidate.create creates the candidate, application.changeStage
    # moves a seeded application (its currentInterviewStage). The key is verified with POST /apiKey.info.
    "ashby": {"auth": {"Authorization": basic("test-key", "")}, "verifyPost": "/apiKey.info",
              "verify": {"success": True, "results": {"title": "Hub"}}, "routes": [
        route("POST", "/candidate.create", "create", 200, id="5b591aac-0000-4000-8000-%012d",
              template={"createdAt": "2026-12-07T10:00:00.000Z", "applicationIds": []}, wrap=[("results", {"success": True})]),
        route("POST", "/application.changeStage", "stage", 200, wrap=[("results", {"success": True})]),
    ],
        # Responses & Errors: "What would be 4XX errors will return 200 with success being false", with
        # an errorInfo object (code, message, requestId); the example's code and message are the page's.
        "invalid": (200, {"success": False, "errorInfo": {
            "code": "application_not_found",
            "message": "Application not found - are you lacking permissions to edit candidates?",
            "requestId": "01JSJ8FEK5ZN4XQBZP7DBKK7ZC"}}),
    },
    # BambooHR: Create Employee answers 201 with the new employee's URL in Location, no body;
    # Update Employee (POST to the employee's URL) changes the fields sent and answers 200, no body.
    "bamboohr": {"auth": {"Authorization": basic("test-key", "x")}, "verify": [], "routes": [
        route("POST", "/api/gateway.php/{company}/v1/employees/", "create", 201, answer=None, location=True),
        route("POST", "/api/gateway.php/{company}/v1/employees/{id}", "update", 200, answer=None),
    ],
        # Technical Overview (https://documentation.bamboohr.com/docs/api-details): 400 "The request was
        # invalid or could not be understood by the server"; it documents no error body, so a plain message.
        "invalid": (400, {"message": "The request was invalid or could not be understood by the server."}),
    },
    # Clerk Backend API: users are answered as User objects; a ban answers the user, banned.
    "clerk": {"auth": BEARER, "verify": [], "routes": [
        route("POST", "/v1/users", "create", 200, id="user_%d",
              template={"object": "user", "banned": False, "created_at": 1765101600000, "updated_at": 1765101600000}),
        route("POST", "/v1/users/{id}/ban", "update", 200, merge=False, set={"banned": True}),
        route("DELETE", "/v1/users/{id}", "delete", 200, answer={"object": "user", "deleted": True}),
    ],
        # ClerkAPIError (https://clerk.com/docs/reference/javascript/types/clerk-api-error): errors[] of
        # code, message, long_message and meta.paramName, the parameter at fault (`param_name` on the wire,
        # the Backend API's ClerkError schema); 422 for invalid parameters is the Backend API's status as
        # its SDKs read it (Create a user's own response list is not among the stored pages).
        "invalid": (422, {"errors": [{
            "message": "That email address is taken. Please try another.",
            "long_message": "That email address is taken. Please try another.",
            "code": "form_identifier_exists", "meta": {"param_name": "email_address"}}],
            "clerk_trace_id": "2f9c0e7a5b1d4c3e"}),
    },
    # FusionAuth User API: {"user": {...}} in and out; a delete answers 200 without a body.
    "fusionauth": {"auth": {"Authorization": "test-key"}, "verify": {"groups": []}, "routes": [
        route("POST", "/api/user", "create", 200, id="00000000-0000-0001-0000-%012d", **{"from": "/user"},
              template={"active": True, "insertInstant": 1765101600000, "verified": False}, wrap=[("user", {})]),
        route("DELETE", "/api/user/{id}", "delete", 200, answer=None),
    ],
        # API errors (https://fusionauth.io/docs/apis/errors): 400 with fieldErrors, a map of the request's
        # field to a list of {code, message}, and generalErrors.
        "invalid": (400, {"fieldErrors": {"user.email": [{
            "code": "[blank]user.email",
            "message": "You must specify either the [user.email] or [user.username] property."}]}}),
    },
    # GitHub REST: Set organization membership answers the membership (state pending for an
    # invitation); removing it answers 204.
    "github": {"auth": BEARER, "verify": {"login": "octo-admin"}, "routes": [
        route("PUT", "/orgs/{org}/memberships/{username}", "put", 200, template={"state": "pending", "role": "member"}),
        route("DELETE", "/orgs/{org}/memberships/{username}", "delete", 204, answer=None),
    ],
        # Client errors (https://docs.github.com/en/rest/using-the-rest-api/troubleshooting-the-rest-api):
        # 422 "Validation Failed" with errors[] of resource, field and code (missing, missing_field,
        # invalid, already_exists), no message; Set organization membership documents its 422.
        "invalid": (422, {"message": "Validation Failed", "errors": [
            {"resource": "Membership", "field": "role", "code": "invalid"}],
            "documentation_url": "https://docs.github.com/rest/orgs/members#set-organization-membership-for-a-user"}),
    },
    # HiBob: Create employee answers 200 with the created employee; Update company employee (a PUT
    # applied like a PATCH) changes the fields sent and answers 200, no body documented.
    "hibob": {"auth": {"Authorization": basic("SERVICE-ADA", "test-key")}, "verify": {"values": []}, "routes": [
        route("POST", "/v1/people", "create", 200, id="3%08d"),
        route("PUT", "/v1/people/{id}", "update", 200, answer=None),
    ],
        # Error handling (https://apidocs.hibob.com/reference/error-handling): 400 for an invalid request,
        # missing fields or a duplicate on create; the people APIs answer "a simpler key and error pair",
        # with no example of a field-level error, so a plain message under `error`.
        "invalid": (400, {"error": "The request is invalid, missing fields or results in a duplicate record."}),
    },
    # JumpCloud: API 1.0 systemusers (ids in `_id`; a delete answers the deleted user), API 2.0
    # group members (op add, type user, id; 204).
    "jumpcloud": {"auth": {"x-api-key": "test-key"}, "verify": {"totalCount": 0, "results": []}, "routes": [
        route("POST", "/api/systemusers", "create", 200, id="5f0c%020x", idField="_id",
              template={"state": "ACTIVATED", "activated": True, "created": "2026-12-07T10:00:00.000Z"}),
        route("DELETE", "/api/systemusers/{id}", "delete", 200),
        route("POST", "/api/v2/usergroups/{group}/members", "member", 204, member="/id", answer=None),
    ],
        # The stored JumpCloud API 1.0 pages give no error status or body for POST /systemusers: HTTP's
        # 400 with a plain message.
        "invalid": (400, {"message": "Bad Request"}),
    },
    # Keycloak Admin REST API: a created user is 201 with Location, no body; updates, group
    # membership and deletes 204.
    "keycloak": {"auth": BEARER, "verify": [], "routes": [
        route("POST", "/admin/realms/{realm}/users", "create", 201, id="6f3c2b9e-0000-4000-8000-%012d", answer=None, location=True),
        route("PUT", "/admin/realms/{realm}/users/{id}", "update", 204, answer=None),
        route("PUT", "/admin/realms/{realm}/users/{user}/groups/{group}", "member", 204, answer=None),
        route("DELETE", "/admin/realms/{realm}/users/{id}", "delete", 204, answer=None),
    ],
        # ErrorRepresentation (https://www.keycloak.org/docs-api/latest/javadocs/org/keycloak/representations/
        # idm/ErrorRepresentation.html): field, errorMessage, params, errors; creating a user whose
        # username is taken answers 409 with its errorMessage and no field.
        "invalid": (409, {"errorMessage": "User exists with same username"}),
    },
    # Lever: Create an opportunity answers 201 {"data": {...}}.
    "lever": {"auth": {"Authorization": basic("test-key", "")}, "verify": {"data": []}, "routes": [
        route("POST", "/v1/opportunities", "create", 201, id="250d8f03-0000-4000-8000-%012d",
              template={"stage": "lead-new", "archived": None, "createdAt": 1765101600000}, wrap=[("data", {})]),
    ],
        # The stored Lever pages (https://hire.lever.co/developer/documentation, "Responses and Errors")
        # give no error body: HTTP's 400 with a plain message.
        "invalid": (400, {"message": "Bad Request"}),
    },
    # Microsoft Graph v1.0 (the catalog's microsoft_entra_id, application variant): create user 201 the
    # user (passwordProfile is never answered), update user 204, add member ($ref) 204.
    "microsoft_entra_id": {"auth": BEARER, "verify": {"value": []}, "echo": "/passwordProfile/password", "routes": [
        route("POST", "/v1.0/users", "create", 201, id="6e7b768e-07e2-4810-8459-%012d", drop=["passwordProfile"],
              template={"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users/$entity"}),
        route("PATCH", "/v1.0/users/{id}", "update", 204, answer=None),
        route("POST", "/v1.0/groups/{group}/members/\\$ref", "member", 204, member="/@odata.id", memberURL=True, answer=None),
    ],
        # Error responses (https://learn.microsoft.com/en-us/graph/errors): {"error": {"code", "message",
        # "innerError"}}; 400 Bad Request. The message is the emulation's, quoting the password it was sent
        # (Graph's own complexity message does not): the Hub and the runtime must redact it.
        "invalid": (400, {"error": {"code": "Request_BadRequest",
                                    "message": "The password {echo} does not comply with the password complexity requirements.",
                                    "innerError": {"request-id": "5a0a6d0c-0000-4000-8000-000000000000"}}}),
    },
    # Google Admin SDK Directory API v1 (the catalog's google_workspace, oauth_admin variant): users.insert
    # answers the user (the password never), users.update the updated user (patch semantics),
    # members.insert the membership (its member named by e-mail). Base path /admin/directory/v1.
    "google_workspace": {"auth": BEARER, "issuedBearer": True, "verify": {"kind": "admin#directory#users", "users": []}, "echo": "/password", "routes": [
        route("POST", "/admin/directory/v1/users", "create", 200, id="1182345678901234%05d", drop=["password"],
              template={"kind": "admin#directory#user", "suspended": False}),
        route("PUT", "/admin/directory/v1/users/{id}", "update", 200),
        route("POST", "/admin/directory/v1/groups/{group}/members", "member", 200, member="/email", memberBy="primaryEmail",
              membership={"kind": "admin#directory#member", "type": "USER", "status": "ACTIVE"}),
    ],
        # Google's JSON error body (https://developers.google.com/admin-sdk/directory/v1/limits and the
        # Google JSON style errors): {"error": {"code", "message", "errors": [{"domain", "reason", "message"}]}}.
        # The message is the emulation's, quoting the password it was sent: it must come back redacted.
        "invalid": (400, {"error": {"code": 400, "message": "Invalid Password: {echo}",
                                    "errors": [{"domain": "global", "reason": "invalid", "message": "Invalid Password: {echo}"}]}}),
    },
    # OneLogin API v2: users answered as the user (integer ids); a delete answers 204.
    "onelogin": {"auth": BEARER, "verify": [], "routes": [
        route("POST", "/api/2/users", "create", 200, id="int", template={"state": 1, "status": 1}),
        route("PUT", "/api/2/users/{id}", "update", 200),
        route("DELETE", "/api/2/users/{id}", "delete", 204, answer=None),
    ],
        # The stored OneLogin pages give no error body for POST /api/2/users: 422 (the v2 API's status for a
        # refused user) with a plain message.
        "invalid": (422, {"message": "Unprocessable Entity"}),
    },
    # Smartsheet: results wrapped in {"message": "SUCCESS", "resultCode": 0, "result": ...}.
    "smartsheet_iam": {"auth": BEARER, "verify": {"id": 1, "email": "admin@acme.example"}, "routes": [
        route("PUT", "/2.0/users/{id}", "update", 200, wrap=[("result", {"message": "SUCCESS", "resultCode": 0})]),
        route("DELETE", "/2.0/users/{id}", "delete", 200, answer={"message": "SUCCESS", "resultCode": 0}),
    ],
        # Error codes (https://developers.smartsheet.com/api/smartsheet/error-codes) and the Error object
        # (errorCode, message, refId): 400 / 1032 "The attribute(s) {0} are not allowed for this operation."
        "invalid": (400, {"errorCode": 1032, "message": "The attribute(s) admin are not allowed for this operation.",
                          "refId": "1q2w3e4r5t6y"}),
    },
    # SpotDraft public API (V1 User APIs): create 201 the user, roles PATCH 200, deactivate 204.
    "spotdraft": {"auth": {"client-id": "sd-client", "client-secret": "test-key"}, "verify": [], "routes": [
        route("POST", "/api/v1/public/auth/users", "create", 201, id="int", template={"is_active": True}),
        route("PATCH", "/api/v1/public/auth/users/{id}", "update", 200),
        route("DELETE", "/api/v1/public/auth/users/{id}", "update", 204, merge=False, set={"is_active": False}, answer=None),
    ],
        # No SpotDraft error reference is among the stored pages: HTTP's 400 with a plain message.
        "invalid": (400, {"message": "Bad Request"}),
    },
    # Teamtailor (https://docs.teamtailor.com/, JSON:API): POST /v1/candidates takes
    # {"data": {"type": "candidates", "attributes": {...}}} as application/vnd.api+json (anything else
    # answers 415, as JSON:API servers must) and answers the candidate as a resource object under data
    # (JSON:API's 201 Created; the stored pages give no status).
    "teamtailor": {"auth": {"Authorization": "Token token=test-key", "X-Api-Version": "20210218"},
                   "verify": {"data": []}, "contentType": "application/vnd.api+json", "routes": [
        route("POST", "/v1/candidates", "create", 201, id="%d", jsonapi="candidates", **{"from": "/data"},
              wrap=[("data", {})]),
    ],
        # JSON:API's error objects (https://jsonapi.org/format/#error-objects): 422 with errors[].source.pointer
        # at the attribute; Teamtailor's own error page is not among the stored pages.
        "invalid": (422, {"errors": [{"status": "422", "title": "is invalid", "detail": "email - is invalid",
                                      "source": {"pointer": "/data/attributes/email"}}]}),
    },
    # Workable: Create a candidate answers 201 {"status": "created", "candidate": {...}}.
    "workable": {"auth": BEARER, "verify": {"jobs": []}, "routes": [
        route("POST", "/spi/v3/jobs/{shortcode}/candidates", "create", 201, id="ce4%04d", **{"from": "/candidate"},
              template={"stage": "Applied", "created_at": "2026-12-07T10:00:00Z"}, wrap=[("candidate", {"status": "created"})]),
    ],
        # Workable's reference pages are not among the stored pages; the shape is the one a Workable
        # client reads from its 422 (github.com/rwojsznis/workable, lib/workable/client.rb:
        # `validation_errors`, a map of field to messages, beside `error`).
        "invalid": (422, {"error": "Validation failed", "validation_errors": {"email": ["candidate already exists"]}}),
    },
    # Zoom Users API: create 201 the user, status and delete 204.
    "zoom": {"auth": BEARER, "verify": {"id": "admin", "type": 2}, "routes": [
        route("POST", "/v2/users", "create", 201, id="KDcuGIm1QgePTO8WbOq%03d", **{"from": "/user_info"}),
        route("PUT", "/v2/users/{id}/status", "update", 204, merge=False, set={"status": "inactive"}, answer=None),
        route("DELETE", "/v2/users/{id}", "delete", 204, answer=None),
    ],
        # Error codes (https://developers.zoom.us/docs/api/errors): "Error response when sending invalid
        # fields", 400 {"code": 300, "message": "Validation Failed.", "errors": [{"field", "message"}]}.
        "invalid": (400, {"code": 300, "message": "Validation Failed.", "errors": [
            {"field": "user_info.email", "message": "Invalid field."}]}),
    },
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port-file", required=True)
    args = parser.parse_args()
    ThreadingHTTPServer.request_queue_size = 64
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    with open(args.port_file + ".tmp", "w") as handle:
        handle.write(str(server.server_address[1]))
    os.replace(args.port_file + ".tmp", args.port_file)
    parent = os.getppid()

    def watch_parent():
        while True:
            if os.getppid() != parent:
                os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.5)

    threading.Thread(target=watch_parent, daemon=True).start()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server.serve_forever()


if __name__ == "__main__":
    main()
