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
Run: python actionserver.py --port-file PATH   (binds 127.0.0.1 on a free port)
"""
import argparse
import json
import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

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

    def write(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        parts = self.path.split("?")[0].strip("/").split("/")
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
