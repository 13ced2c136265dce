"""What the Hub's Python test drivers share: a free loopback port, waiting for a service, and
one HTTP exchange that does not follow redirects.

Used by Hub/Tests/MCP/hub_mcp.py, Processes/hub_processes.py, Browser/browser_world.py and
Schemathesis/hub_schemathesis.py (each puts this folder on sys.path). No deadline here is a
timed assertion: each is a generous bound after which a service that never came up is reported.
"""

import http.client
import json
import socket
import time
import urllib.parse


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(check, what, timeout=60):
    """Calls `check` every 0.1 s until it returns true; an exception counts as not yet.
    Raises RuntimeError naming `what` after `timeout` seconds."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if check():
                return
        except Exception:
            pass
        time.sleep(0.1)
    raise RuntimeError("timed out waiting for " + what)


def exchange(method, url, body=None, headers=None, timeout=60):
    """One request, redirects not followed: (status, headers, text)."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        path = parts.path + ("?" + parts.query if parts.query else "")
        connection.request(method, path, body=body, headers=dict(headers or {}))
        response = connection.getresponse()
        return response.status, response.msg, response.read().decode()
    finally:
        connection.close()


def call(method, url, body=None, headers=None):
    """A JSON call, redirects not followed: (status, decoded body, or the text when not JSON)."""
    headers = dict(headers or {})
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    status, _, text = exchange(method, url, data, headers)
    return status, (json.loads(text) if text.startswith(("{", "[")) else text)
