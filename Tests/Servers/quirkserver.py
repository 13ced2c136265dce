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
      token-type      json with "token_type": ?token_type= (default MAC): not a bearer token
      echo-secrets    400 {"error": "invalid_grant", "error_description": <every credential the
                      request carried: form values, the Authorization header, decoded Basic>}
                      (providers that quote what they were sent)
      echo-client     the same with "error": "invalid_client" and status 401
      slow            sleeps ?seconds= (default 5) then answers like json
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
      redirect-loop       302 to itself, forever
      echo-scope          403 insufficient_scope whose challenge scope= quotes every credential the
                          request carried (the Authorization header, decoded Basic, X-* headers,
                          the query)
      expiring            200 while the bearer token (issued by this server for the key) is valid,
                          else 401 invalid_token; the first ?slow= requests (default 0) of the key
                          sleep ?delay= seconds first, like a request queued behind others
      chunked             200 with a Transfer-Encoding: chunked body of ?mib= MiB (default 256),
                          at most ?mib_per_s= MiB per second (default: as fast as it can);
                          GET /_control/progress/<key> tells how many bytes were written and
                          whether the body ended (finished, or the client went away)
  GET  /_control/requests/<key>   every recorded request of the key, oldest first (JSON)
  GET  /_control/health

Run: python quirkserver.py --port-file PATH   (binds 127.0.0.1 on a free port)
It exits when its parent process goes away.
"""

import argparse
import base64
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
issued = {}  # access token -> (time issued, lifetime in seconds)
progress = {}  # key -> {"written": bytes, "ended": bool}


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
        self.form_fields = form
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
        if len(segments) == 2 and segments[0] == "progress":
            with lock:
                return self.send_json(200, dict(progress.get(segments[1], {"written": 0, "ended": False})))
        return self.send_json(404, {"error": "not_found"})

    def token(self, mode, key, query):
        n = next_count("token:" + key)
        lifetime = float(query.get("expires_in", "3600"))
        token = {
            "access_token": f"at-{key}-{n}",
            "token_type": "Bearer",
            "expires_in": int(lifetime) if lifetime.is_integer() else lifetime,
            "refresh_token": f"rt-{key}-{n}",
        }
        with lock:
            issued[token["access_token"]] = (time.time(), lifetime)
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
        if mode == "token-type":
            token["token_type"] = query.get("token_type", "MAC")
            return self.send_json(200, token)
        if mode == "echo-secrets":
            return self.send_json(400, {"error": "invalid_grant", "error_description": "Rejected: " + self.credentials()})
        if mode == "echo-client":
            return self.send_json(401, {"error": "invalid_client", "error_description": "Unknown client: " + self.credentials()})
        if mode == "slow":
            time.sleep(float(query.get("seconds", "5")))
            return self.send_json(200, token)
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
        if mode == "redirect-loop":
            return self.send_body(302, b"", "text/plain", {"Location": self.path})
        if mode == "echo-scope":
            quoted = self.credentials().replace('"', "'")
            return self.send_json(403, {"error": "insufficient_scope"},
                                  {"WWW-Authenticate": f'Bearer error="insufficient_scope", scope="admin {quoted}"'})
        if mode == "expiring":
            if next_count("api:" + key) <= int(query.get("slow", "0")):
                time.sleep(float(query.get("delay", "1")))
            token = self.headers.get("Authorization", "").removeprefix("Bearer ")
            with lock:
                at, lifetime = issued.get(token, (0, 0))
            if time.time() >= at + lifetime:
                return self.send_json(401, {"error": "invalid_token"},
                                      {"WWW-Authenticate": 'Bearer error="invalid_token", error_description="expired"'})
            return self.send_json(200, {"ok": True})
        if mode == "chunked":
            return self.send_chunked(key, int(query.get("mib", "256")), float(query.get("mib_per_s", "0")))
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

    def credentials(self):
        """Every credential the request carried, as the request had it, space-separated."""
        parts = []
        authorization = self.headers.get("Authorization", "")
        if authorization:
            parts.append(authorization)
            scheme, _, value = authorization.partition(" ")
            if scheme.lower() == "basic":
                try:
                    parts.append(base64.b64decode(value).decode("utf-8", "replace"))
                except ValueError:
                    pass
        for name, value in self.headers.items():
            if name.lower().startswith("x-"):
                parts.append(value)
        parts.extend(value for values in self.form_fields.values() for value in values)
        parts.extend(value for values in parse_qs(urlsplit(self.path).query).values() for value in values)
        return " ".join(parts)

    def send_chunked(self, key, mebibytes, rate):
        with lock:
            progress[key] = {"written": 0, "ended": False}
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        payload = b"x" * 65536
        frame = b"%x\r\n" % len(payload) + payload + b"\r\n"
        started = time.time()
        try:
            for index in range(mebibytes * 16):
                self.wfile.write(frame)
                with lock:
                    progress[key]["written"] += len(payload)
                if rate > 0:
                    ahead = (index + 1) / 16 / rate - (time.time() - started)
                    if ahead > 0:
                        time.sleep(ahead)
            self.wfile.write(b"0\r\n\r\n")
        except OSError:
            self.close_connection = True
        finally:
            with lock:
                progress[key]["ended"] = True

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
    # socketserver's default listen backlog is 5; the suites open many connections at once.
    ThreadingHTTPServer.request_queue_size = 128
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
