"""A paginated provider API for the resource end-to-end tests: every pagination style of the spec
format, at the paths of Tests/Reference/Specs/acme_resources.json, plus the traps pagers get wrong.

This is an emulation written for the tests (standard library only), not a real provider. Every
request carries a key in its path, `/k/<scenario>.<id>/v1/...`, so tests running in parallel never
share state; the scenario picks the trap:
  ok              5 records per resource, in pages of 2 (the last page short)
  short           offset: the second page holds 1 record although more follow (total 5)
  stall           offset: the second page is empty although the total says 5
  empty-first     every list answers an empty first page (and no cursor)
  cycle           cursor A -> B -> A (also graphql's endCursor); next URL / Link header: page 1 -> 2 -> 3 -> 2
  last-cursor     the last page still carries a cursor: contacts then answer an empty page
                  without one; candidates say moreDataAvailable=false
  foreign         tickets / groups link the second page on another host name (localhost)
  relative        tickets link the next page by path (/k/.../v1/tickets?page=2); relative-query
                  and relative-dots by ?page=2 and ../v1/tickets?page=2
  foreign-network-path  the next link is //localhost:PORT/k/...: relative, but another host
  rate-limit      the second request answers 429 Retry-After: 1 once, then pages continue
  rate-limit-date the same with an HTTP-date Retry-After
  rate-limit-long the same with Retry-After: 3600
  unavailable     the second request answers 503 once
  bad-json        page 3 is not JSON
  missing-field   employees: record 1 of page 2 has no updated_at; contacts: no id
  string-total    employees: "total": "5" (a JSON string, as DocuSign's totalSetSize)
  bad-total       employees: "total": "5.0"; bool-total: "total": true
  null-cursor     graphql: page 2 says hasNextPage true with a null endCursor
  graphql-error   graphql: page 2 answers 200 with "errors" and "data": null
  bad-date        employees: record 1 of page 2 starts on "30/02/2024" (no such day: a unified
                  mapping reading it as dd/MM/yyyy fails there)
  many            employees: ?count= records (default 100,000) for the benchmark, offset style
  hang            users: page 2 never answers (until the client closes the connection, at most 30 s);
                  employees/<id> the same
  quoted-link     groups: another link of the Link header carries title="see; rel=next"
                  (a quoted ';', ',' and rel=next that are text, RFC 8288), pointing at page 9
  overstated      staff: the total says 7 where 5 records exist (the pages after them are empty)
  more-lies       openings: the last page still says has_more true, without a next cursor
  huge            directory and roles: one response of about 12 MiB (over the 10 MiB default cap;
                  five records, then whitespace); large: the same at about 200 KiB
  basic-challenge a wrong key is answered 401 with WWW-Authenticate: Basic (else Bearer, RFC 6750)
  Every scenario: paged-staff answers 400 "page out of range" for a page past the last record
Routes:
  GET  /k/<key>/v1/employees?offset=&limit=      {"data": [...], "total": N}
  GET  /k/<key>/v1/employees/<id>                {"data": {...}} or 404
  GET  /k/<key>/v1/users?page=&per_page=          {"users": [...]}
  GET  /k/<key>/v1/contacts?cursor=&limit=        {"data": [...], "meta": {"next_cursor": ...}}
  GET  /k/<key>/v1/tickets?sort=id[&page=]        {"tickets": [...], "links": {"next": URL}}
  GET  /k/<key>/v1/groups?limit=[&page=]          [...] + Link: <URL>; rel="next"
  POST /k/<key>/v1/candidate.list                 {"results": [...], "nextCursor", "moreDataAvailable"}
  POST /k/<key>/v1/graphql                        {"data": {"members": {"nodes": [...], "pageInfo": {...}}}}
                                                  (variables.first / variables.after; 400 when top-level)
  GET  /k/<key>/v1/sites/<site>/roles             {"roles": [...]}
  GET  /k/<key>/v1/staff?offset=&limit=           {"data": [...], "total": N}
  GET  /k/<key>/v1/paged-staff?page=&per_page=    {"data": [...]} (no total), 400 past the end
  GET  /k/<key>/v1/openings?limit=[&cursor=]      {"data": [...], "next": cursor or null, "has_more": bool}
  GET  /k/<key>/v1/directory                      {"entries": [...]}
  GET  /k/<key>/v1/me/sites                       {"sites": [{"id": ...}]} (discovery of the OAuth variant)
  GET  /k/<key>/v1/regions/<region>/sites/<site>/roles   {"roles": [...]} echoing region and site
  /k/<provider>.<id>/...                          a catalog provider's list endpoints (providerpages.py)
  GET  /_control/requests/<key>                   every request of the key: method, path, body
  GET  /_control/health
Run: python pagingserver.py --port-file PATH   (binds 127.0.0.1 on a free port)
"""

import argparse
import json
import os
import select
import signal
import socket
import sys
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

import providerpages

lock = threading.Lock()
recorded = {}
counters = {}
TOTAL = 5
PAGE = 2
HANG_SECONDS = 30
_huge = {}


def huge_entries(key, size):
    """A page of `size` bytes and more under `key`: five records, then JSON whitespace (cheap to
    parse once a test raises the cap)."""
    with lock:
        if size not in _huge:
            entries = [person(i, "huge", "directory") for i in range(TOTAL)]
            _huge[size] = json.dumps(entries).encode() + b" " * size
    return b'{"' + key.encode() + b'": ' + _huge[size] + b"}"


def person(index, scenario, resource):
    record = {"id": f"{resource[0]}{index}", "email": f"person{index}@acme.example", "first_name": f"Person {index}"}
    if resource == "employees":
        record.update({
            "status": ["active", "inactive", "on_leave", "contractor"][index % 4],
            "hired_on": "2024-02-29",
            "updated_at": "2025-01-0%dT10:00:00Z" % (index % 9 + 1),
            "salary": 1000.5 + index,
            "level": index,
            "remote": index % 2 == 0,
            "address": {"city": "Lyon"},
            "tags": ["a", "b"],
            "created": 1700000000 + index,
            "nickname": f"p{index}",
            "start": "29/02/2024",
        })
        if scenario == "bad-date" and index == 3:
            record["start"] = "30/02/2024"
        if scenario == "missing-field" and index == 3:
            del record["updated_at"]
    if resource == "contacts" and scenario == "missing-field" and index == 3:
        del record["id"]
    return record


def records(scenario, resource, start, count, total=TOTAL):
    return [person(i, scenario, resource) for i in range(start, min(start + count, total))]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send_json(self, status, value, headers=None):
        body = value if isinstance(value, (bytes, bytearray)) else json.dumps(value).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, text in (headers or {}).items():
            self.send_header(name, text)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def do_PUT(self):
        self.handle_any("PUT")

    def do_DELETE(self):
        self.handle_any("DELETE")

    def handle_any(self, method):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        url = urlsplit(self.path)
        parts = url.path.strip("/").split("/")
        if parts[:2] == ["_control", "health"]:
            return self.send_json(200, {"ok": True})
        if parts[:2] == ["_control", "requests"] and len(parts) == 3:
            with lock:
                return self.send_json(200, recorded.get(parts[2], []))
        if len(parts) >= 3 and parts[0] == "k" and parts[1].split(".")[0] in providerpages.PROVIDERS:
            return self.handle_provider(method, url, parts, raw)
        if len(parts) < 4 or parts[0] != "k" or parts[2] != "v1":
            return self.send_json(404, {"error": "not_found"})
        key = parts[1]
        scenario = key.split(".")[0]
        with lock:
            recorded.setdefault(key, []).append({
                "method": method, "path": self.path, "body": raw.decode("utf-8", "replace"),
                "authorization": self.headers.get("Authorization") or "", "host": self.headers.get("Host") or ""})
            counters[key] = counters.get(key, 0) + 1
            count = counters[key]
        if self.headers.get("Authorization") != "Bearer test-key":
            # As APIs answer a wrong key (RFC 6750 section 3): the challenge must not make the client retry.
            challenge = 'Basic realm="acme"' if scenario == "basic-challenge" else 'Bearer realm="acme", error="invalid_token"'
            return self.send_json(401, {"error": "unauthorized"}, {"WWW-Authenticate": challenge})
        if count == 2 and scenario in ("rate-limit", "rate-limit-date", "rate-limit-long", "unavailable"):
            if scenario == "unavailable":
                return self.send_json(503, {"error": "unavailable"})
            after = {"rate-limit": "1", "rate-limit-long": "3600"}.get(scenario) or formatdate(time.time() + 2, usegmt=True)
            return self.send_json(429, {"error": "slow down"}, {"Retry-After": after})
        query = {name: values[0] for name, values in parse_qs(url.query).items()}
        prefix = "/".join(parts[:3])
        rest = parts[3:]
        body = json.loads(raw) if raw else {}
        return self.route(method, scenario, key, prefix, rest, query, body)

    def handle_provider(self, method, url, parts, raw):
        # A catalog provider's own paths and page shapes (providerpages.py).
        key = parts[1]
        with lock:
            recorded.setdefault(key, []).append({
                "method": method, "path": self.path, "body": raw.decode("utf-8", "replace"),
                "authorization": "present" if self.headers.get("Authorization") else "",
                "host": self.headers.get("Host") or ""})
        query = {name: values[0] for name, values in parse_qs(url.query).items()}
        body = json.loads(raw) if raw else {}
        route = url.path[len("/k/" + key):]
        status, value, headers = providerpages.handle(self, method, key, route, query, body)
        return self.send_json(status, value, headers)

    def page_index(self, query, name, first):
        return int(query.get(name, first))

    def hang(self):
        """A page that never answers: the client's timeout (or cancellation) must end the wait.
        Returns True as soon as the client closes the connection (so no thread, here or in the
        client's HTTP stack, waits on a socket nobody uses); False after HANG_SECONDS."""
        deadline = time.time() + HANG_SECONDS
        while time.time() < deadline:
            readable, _, _ = select.select([self.connection], [], [], 0.1)
            if readable:
                try:
                    if not self.connection.recv(1, socket.MSG_PEEK):
                        return True
                except OSError:
                    return True
                time.sleep(0.1)  # bytes of another request: not a close
        return False

    def route(self, method, scenario, key, prefix, rest, query, body):
        origin = "http://" + (self.headers.get("Host") or "127.0.0.1")
        resource = rest[0]
        if scenario == "hang" and ((resource == "users" and query.get("page") == "2")
                                   or (resource == "employees" and len(rest) == 2)):
            if self.hang():
                # The client gave up: close without an answer.
                self.close_connection = True
                return None
        if scenario in ("huge", "large") and (resource == "directory" or (resource == "sites" and len(rest) == 3)):
            size = (12 << 20) if scenario == "huge" else (200 << 10)
            return self.send_json(200, huge_entries("entries" if resource == "directory" else "roles", size))
        if resource == "staff":
            offset, limit = int(query.get("offset", 0)), int(query.get("limit", PAGE))
            total = 7 if scenario == "overstated" else TOTAL
            return self.send_json(200, {"data": records(scenario, "staff", offset, limit), "total": total})
        if resource == "paged-staff":
            page, size = int(query.get("page", 1)), int(query.get("per_page", PAGE))
            if page > 1 and (page - 1) * size >= TOTAL:
                return self.send_json(400, {"error": "page out of range"})
            return self.send_json(200, {"data": records(scenario, "paged", (page - 1) * size, size)})
        if resource == "openings":
            cursor, size = query.get("cursor"), int(query.get("limit", PAGE))
            start = int(cursor[1:]) if cursor else 0
            more = start + size < TOTAL
            nxt = f"o{start + size}" if more else None
            return self.send_json(200, {"data": records(scenario, "openings", start, size), "next": nxt,
                                        "has_more": more or scenario == "more-lies"})
        if resource == "directory":
            return self.send_json(200, {"entries": records(scenario, "directory", 0, TOTAL)})
        if resource == "employees" and len(rest) == 2:
            index = rest[1][1:]
            if rest[1].startswith("e") and index.isdigit() and int(index) < TOTAL:
                return self.send_json(200, {"data": person(int(index), scenario, "employees")})
            return self.send_json(404, {"error": "not_found"})
        if resource == "employees":
            offset, limit = int(query.get("offset", 0)), int(query.get("limit", PAGE))
            total = int(query.get("count", 100000)) if scenario == "many" else TOTAL
            page = offset // PAGE + 1
            if scenario == "bad-json" and page == 3:
                return self.send_json(200, b'{"data": [oops')
            if scenario == "empty-first" or (scenario == "stall" and page == 2):
                return self.send_json(200, {"data": [], "total": 0 if scenario == "empty-first" else total})
            if scenario == "short" and offset == 2:
                limit = 1
            # DocuSign-style totals sent as JSON strings; then strings and values that are not totals.
            sent = {"string-total": str(total), "bad-total": "5.0", "bool-total": True}.get(scenario, total)
            return self.send_json(200, {"data": records(scenario, "employees", offset, limit, total), "total": sent})
        if resource == "users":
            page, size = int(query.get("page", 1)), int(query.get("per_page", PAGE))
            if scenario == "empty-first":
                return self.send_json(200, {"users": []})
            return self.send_json(200, {"users": records(scenario, "users", (page - 1) * size, size)})
        if resource == "contacts":
            cursor = query.get("cursor")
            if scenario == "empty-first":
                return self.send_json(200, {"data": [], "meta": {}})
            if scenario == "cycle":
                nxt = {None: "A", "A": "B", "B": "A"}[cursor]
                start = {None: 0, "A": 2, "B": 4}[cursor]
                return self.send_json(200, {"data": records(scenario, "contacts", start, PAGE), "meta": {"next_cursor": nxt}})
            if cursor == "end":
                return self.send_json(200, {"data": [], "meta": {"next_cursor": None}})
            start = int(cursor[1:]) if cursor else 0
            if scenario == "bad-json" and start == 4:
                return self.send_json(200, b"<html>oops</html>")
            nxt = f"c{start + PAGE}" if start + PAGE < TOTAL else ("end" if scenario == "last-cursor" else None)
            meta = {"next_cursor": nxt} if nxt else {}
            return self.send_json(200, {"data": records(scenario, "contacts", start, PAGE), "meta": meta})
        if resource in ("tickets", "groups"):
            page = int(query.get("page", 1))
            items = records(scenario, resource, (page - 1) * PAGE, PAGE)
            nxt_page = page + 1 if page * PAGE < TOTAL else None
            if scenario == "cycle":
                nxt_page = {1: 2, 2: 3, 3: 2}[page]
            link = None
            if nxt_page:
                host = origin
                if scenario == "foreign":
                    host = host.replace("127.0.0.1", "localhost")
                path = f"/{prefix}/{resource}?" + ("sort=id&" if resource == "tickets" else "limit=2&") + f"page={nxt_page}"
                link = path if scenario == "relative" else host + path
                # Relative to the page that holds them (RFC 3986 section 5), not to the base URL.
                query_part = path.split("?", 1)[1]
                if scenario == "relative-query":
                    link = "?" + query_part
                if scenario == "relative-dots":
                    link = f"../v1/{resource}?" + query_part
                if scenario == "foreign-network-path":
                    # A network-path reference (RFC 3986 section 4.2): relative, yet another host.
                    link = "//" + origin.replace("127.0.0.1", "localhost").split("//", 1)[1] + path
            if resource == "tickets":
                return self.send_json(200, {"tickets": items, "links": {"next": link}})
            headers = {}
            if link:
                headers["Link"] = f'<{origin}/{prefix}/groups?page=1>; rel="first", <{link}>; rel="next"'
                if scenario == "quoted-link":
                    # RFC 8288: the ';', ',' and rel=next inside the quoted title are text.
                    headers["Link"] = (f'<{origin}/{prefix}/groups?limit=2&page=9>; rel="last"; '
                                       f'title="see; rel=next", <{link}>; rel="next"')
            return self.send_json(200, items, headers)
        if resource == "candidate.list":
            cursor = body.get("cursor")
            start = int(cursor[1:]) if cursor else 0
            if scenario == "empty-first":
                return self.send_json(200, {"results": [], "moreDataAvailable": False})
            items = records(scenario, "candidates", start, int(body.get("limit", PAGE)))
            more = start + PAGE < TOTAL
            nxt = f"n{start + PAGE}" if more or scenario == "last-cursor" else None
            return self.send_json(200, {"results": items, "nextCursor": nxt, "moreDataAvailable": more,
                                        "echo": {k: v for k, v in body.items() if k != "cursor"}})
        if resource == "graphql" and method == "POST":
            return self.graphql(scenario, body)
        if resource == "tenants" and len(rest) in (3, 4) and rest[2] == "workers":
            # The tenant segment arrives percent-encoded: echo it decoded, so a test sees that a
            # '/' in the tenant stayed inside its segment.
            worker = {"id": "w1", "email": None, "first_name": unquote(rest[1])}
            if len(rest) == 4:
                return self.send_json(200, {"data": dict(worker, id=unquote(rest[3]))})
            return self.send_json(200, {"data": [worker]})
        if resource == "me" and rest[1:] == ["sites"]:
            # The OAuth variant's discovery: the site whose id its resource paths insert.
            return self.send_json(200, {"sites": [{"id": "site 7/b", "name": "Main"}]})
        if resource == "regions" and len(rest) == 5 and rest[2] == "sites" and rest[4] == "roles":
            # Echo the decoded region and site, so a test sees each stayed inside its segment.
            name = unquote(rest[1]) + "|" + unquote(rest[3]) + "|active=" + query.get("active", "-")
            return self.send_json(200, {"roles": [{"id": "r1", "email": None, "first_name": name}]})
        if resource == "sites" and len(rest) == 3 and rest[2] == "roles":
            return self.send_json(200, {"roles": [{"id": "r1", "email": None, "first_name": unquote(rest[1])}]})
        return self.send_json(404, {"error": "not_found"})

    def graphql(self, scenario, body):
        """A GraphQL connection (Relay style, as Linear's): the page size and the cursor arrive in
        `variables` (`first`, `after`), never as top-level body keys; records at
        /data/members/nodes, `pageInfo { hasNextPage endCursor }`. Like Relay servers, the last
        page still carries its endCursor (only hasNextPage says the list ended)."""
        variables = body.get("variables")
        if not isinstance(body.get("query"), str) or not isinstance(variables, dict) \
                or "after" in body or "first" in body:
            return self.send_json(400, {"errors": [{"message": "bad GraphQL request"}]})
        cursor = variables.get("after")
        first = int(variables.get("first", 50))
        if scenario == "empty-first":
            return self.send_json(200, {"data": {"members": {"nodes": [], "pageInfo": {"hasNextPage": False, "endCursor": None}}}})
        if scenario == "graphql-error" and cursor:
            return self.send_json(200, {"errors": [{"message": "rate limited", "extensions": {"code": "RATELIMITED"}}], "data": None})
        if scenario == "cycle":
            start, more, end = {None: (0, True, "A"), "A": (2, True, "B"), "B": (4, True, "A")}[cursor]
        else:
            start = int(cursor[1:]) if cursor else 0
            more = start + first < TOTAL
            end = f"g{min(start + first, TOTAL)}"
            if scenario == "null-cursor" and start > 0:
                end = None
        page = {"nodes": records(scenario, "members", start, first), "pageInfo": {"hasNextPage": more, "endCursor": end}}
        return self.send_json(200, {"data": {"members": page}})


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port-file", required=True)
    args = parser.parse_args()
    # socketserver's default listen backlog is 5; the suites open many connections at once.
    ThreadingHTTPServer.request_queue_size = 128
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
