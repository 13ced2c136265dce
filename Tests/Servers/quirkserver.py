"""MOCK provider quirks for the ConnectorRuntime integration tests.

This is NOT a real OAuth server (that is authserver.py, built on Authlib). It is a small threaded
http.server that reproduces provider behaviour Authlib cannot: `expires_in` as a numeric string,
as null or absent; an error inside a 200; form-encoded and text/plain token responses; a
cross-host redirect; 429 with Retry-After; 503; a slow endpoint; a resource that answers 401
`invalid_token` once; a 403 `insufficient_scope`. Every request is recorded (method, path,
headers, form fields) so tests can assert what the client put on the wire.

Routes. `<key>` is any name a test picks, so tests running in parallel never share state.
  POST /token/<mode>/<key>    a token endpoint; modes:
      json            {"access_token", "token_type": "Bearer", "expires_in": 3600 (or ?expires_in=),
                       "refresh_token", "instance_url"}  (a well-behaved response with an extra field)
      expires-string  "expires_in": "3600"      (PayPal, Azure AD)
      expires-null    "expires_in": null
      expires-absent  no expires_in              (Salesforce)
      no-refresh      json without refresh_token (rotation off: keep the old one)
      error-in-200    200 {"error": "invalid_grant", ...}
      form            200 application/x-www-form-urlencoded body (GitHub without Accept)
      text-plain      200 text/plain form body (Facebook)
      invalid-grant   400 {"error": "invalid_grant"}
      invalid-client  401 {"error": "invalid_client"} + WWW-Authenticate: Basic
      status-429      429 + Retry-After (?retry_after=, default 7)
      status-503      503
  ANY /api/<mode>/<key>       a resource; modes:
      ok                  200 {"ok": true}
      once-401            401 + WWW-Authenticate: Bearer error="invalid_token" on the first request
                          of the key, 200 afterwards
      insufficient-scope  403 + WWW-Authenticate: Bearer error="insufficient_scope", scope="admin write"
      status-429          429 + Retry-After (?retry_after=, default 7)
      status-503          503
      slow                sleeps ?seconds= (default 5) then 200
      basic-401           401 + WWW-Authenticate: Basic (hangs FoundationNetworking)
      redirect            302 to http://localhost:<port>/api/ok/<key>-landing: a different host name
                          for the same server, so the landing request shows which headers followed
  GET  /_control/requests/<key>   every recorded request of the key, oldest first (JSON)
  GET  /_control/health

Run: python quirkserver.py --port-file PATH   (binds 127.0.0.1 on a free port)
It exits when its parent process goes away.
"""

import argparse
import json
import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

lock = threading.Lock()
recorded = {}
counters = {}


def next_count(key):
    with lock:
        counters[key] = counters.get(key, 0) + 1
        return counters[key]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "quirkserver/1"

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        self.handle_any()

    def do_POST(self):
        self.handle_any()

    def do_PUT(self):
        self.handle_any()

    def do_DELETE(self):
        self.handle_any()

    def do_PATCH(self):
        self.handle_any()

    def handle_any(self):
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        segments = [s for s in parts.path.split("/") if s]

        if segments[:1] == ["_control"]:
            return self.control(segments[1:])
        if len(segments) != 3 or segments[0] not in ("token", "api"):
            return self.send_json(404, {"error": "not_found"})
        kind, mode, key = segments
        self.record(key, parts, body)
        if kind == "token":
            return self.token(mode, key, query)
        return self.api(mode, key, query)

    def record(self, key, parts, body):
        form = {}
        content_type = self.headers.get("Content-Type", "")
        if content_type.startswith("application/x-www-form-urlencoded"):
            form = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
        entry = {
            "method": self.command,
            "path": parts.path,
            "query": parts.query,
            "host": self.headers.get("Host", ""),
            "headers": [[name, value] for name, value in self.headers.items()],
            "form": form,
            "body": body.decode("utf-8", "replace"),
            "time": time.time(),
        }
        with lock:
            recorded.setdefault(key, []).append(entry)

    def control(self, segments):
        if segments == ["health"]:
            return self.send_json(200, {"ok": True})
        if len(segments) == 2 and segments[0] == "requests":
            with lock:
                return self.send_json(200, recorded.get(segments[1], []))
        return self.send_json(404, {"error": "not_found"})

    def token(self, mode, key, query):
        n = next_count("token:" + key)
        token = {
            "access_token": f"at-{key}-{n}",
            "token_type": "Bearer",
            "expires_in": int(query.get("expires_in", "3600")),
            "refresh_token": f"rt-{key}-{n}",
        }
        if mode == "json":
            token["instance_url"] = "https://example.my.salesforce.com"
            return self.send_json(200, token)
        if mode == "expires-string":
            token["expires_in"] = str(token["expires_in"])
            return self.send_json(200, token)
        if mode == "expires-null":
            token["expires_in"] = None
            return self.send_json(200, token)
        if mode == "expires-absent":
            del token["expires_in"]
            return self.send_json(200, token)
        if mode == "no-refresh":
            del token["refresh_token"]
            return self.send_json(200, token)
        if mode == "error-in-200":
            return self.send_json(200, {"error": "invalid_grant", "error_description": "The refresh token is invalid."})
        if mode == "form":
            return self.send_body(200, urlencode(token).encode(), "application/x-www-form-urlencoded")
        if mode == "text-plain":
            return self.send_body(200, urlencode(token).encode(), "text/plain; charset=utf-8")
        if mode == "invalid-grant":
            return self.send_json(400, {"error": "invalid_grant", "error_description": "Token revoked."})
        if mode == "invalid-client":
            return self.send_json(401, {"error": "invalid_client"}, {"WWW-Authenticate": 'Basic realm="token"'})
        return self.common_status(mode, query) or self.send_json(404, {"error": "unknown_mode"})

    def api(self, mode, key, query):
        if mode == "ok":
            return self.send_json(200, {"ok": True, "key": key})
        if mode == "once-401":
            if next_count("api:" + key) == 1:
                return self.send_json(401, {"error": "invalid_token"},
                                      {"WWW-Authenticate": 'Bearer error="invalid_token", error_description="expired"'})
            return self.send_json(200, {"ok": True})
        if mode == "insufficient-scope":
            return self.send_json(403, {"error": "insufficient_scope"},
                                  {"WWW-Authenticate": 'Bearer error="insufficient_scope", scope="admin write"'})
        if mode == "slow":
            time.sleep(float(query.get("seconds", "5")))
            return self.send_json(200, {"ok": True, "slow": True})
        if mode == "basic-401":
            return self.send_json(401, {"error": "unauthorized"}, {"WWW-Authenticate": 'Basic realm="api"'})
        if mode == "redirect":
            port = self.server.server_address[1]
            status = int(query.get("status", "302"))
            location = f"http://localhost:{port}/api/ok/{key}-landing"
            return self.send_body(status, b"", "text/plain", {"Location": location})
        return self.common_status(mode, query) or self.send_json(404, {"error": "unknown_mode"})

    def common_status(self, mode, query):
        if mode == "status-429":
            self.send_json(429, {"error": "rate_limited"}, {"Retry-After": query.get("retry_after", "7")})
            return True
        if mode == "status-503":
            self.send_json(503, {"error": "temporarily_unavailable"})
            return True
        return False

    def send_json(self, status, payload, headers=None):
        self.send_body(status, json.dumps(payload).encode(), "application/json", headers)

    def send_body(self, status, body, content_type, headers=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


def exit_on_signals():
    """Exit at once on SIGTERM/SIGINT. The test runner may start us with those signals blocked
    (inherited mask), so unblock them first."""
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: os._exit(0))
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})


def watch_parent(parent_pid):
    while True:
        time.sleep(0.5)
        if os.getppid() != parent_pid:
            os._exit(0)


def main():
    parser = argparse.ArgumentParser(description="MOCK provider quirks for integration tests")
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()

    ThreadingHTTPServer.daemon_threads = True
    httpd = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    temporary = args.port_file + ".tmp"
    with open(temporary, "w") as handle:
        handle.write(str(httpd.server_address[1]))
    os.replace(temporary, args.port_file)
    exit_on_signals()
    threading.Thread(target=watch_parent, args=(os.getppid(),), daemon=True).start()
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
