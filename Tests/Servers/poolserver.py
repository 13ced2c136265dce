"""A keep-alive HTTP/1.1 server, plain and TLS, for PooledHTTP1Transport's tests.

Standard library (http.server, ssl) plus `cryptography` (Authlib's dependency, in the venv) to
make a throwaway certificate authority at start: a root CA and a leaf certificate for
`localhost` (the name only) signed by it. The root is written to `<dir>/ca.pem` for the test to
pass to the transport as an extra trust root; nothing else trusts it.

Routes (both listeners):
  GET /hello          200, JSON: the Host header, the TLS server name (SNI) the client sent on
                      this connection (null without TLS or SNI), and the connection's number
  GET /slow?ms=N      the same after N milliseconds
  GET /held           the same once /_control/release is called (at most 120 s): holds its
                      connection for as long as a test needs, whatever the machine's load
  GET /_control/release  answers every /held request waiting
  GET /redirect?to=U  302 to U
  GET /_control/stats JSON per listener ("http", "https"): connections accepted, open now, most
                      open at once, /held requests waiting now

Writes {"http": port, "https": port} to --port-file once listening; exits on SIGTERM and when
the process that started it goes away.
"""

import argparse
import datetime
import json
import os
import signal
import ssl
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def make_authority(directory):
    """Writes ca.pem, leaf.pem and leaf.key into `directory`; returns their paths."""
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Connector Hub test root (throwaway)")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
                key_encipherment=False, data_encipherment=False, key_agreement=False,
                encipher_only=False, decipher_only=False),
            critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name)
        .public_key(leaf_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            # The name only: NIOSSL accepts an IP address entry that matches the connected address
            # whatever name was asked for, so the tests' "wrong name" would pass with one.
            x509.SubjectAlternativeName([x509.DNSName("localhost")]),
            critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    paths = {name: os.path.join(directory, name) for name in ("ca.pem", "leaf.pem", "leaf.key")}
    with open(paths["ca.pem"], "wb") as out:
        out.write(ca.public_bytes(serialization.Encoding.PEM))
    with open(paths["leaf.pem"], "wb") as out:
        out.write(leaf.public_bytes(serialization.Encoding.PEM))
    with open(paths["leaf.key"], "wb") as out:
        out.write(leaf_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return paths


LISTENERS = {}


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.accepted = 0
        self.open = 0
        self.most_open = 0

    def opened(self):
        with self.lock:
            self.accepted += 1
            self.open += 1
            self.most_open = max(self.most_open, self.open)
            return self.accepted

    def closed(self):
        with self.lock:
            self.open -= 1

    def snapshot(self):
        with self.lock:
            return {"accepted": self.accepted, "open": self.open, "mostOpen": self.most_open}


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, tls_context):
        super().__init__(address, Handler)
        self.tls_context = tls_context
        self.stats = Stats()
        self.server_names = {}
        self.numbers = {}

    def finish_request(self, request, client_address):
        # The TLS handshake runs here, on the connection's thread, so a client that refuses the
        # certificate (or never finishes) does not hold up the accept loop.
        number = self.stats.opened()
        try:
            if self.tls_context is not None:
                request = self.tls_context.wrap_socket(request, server_side=True)
            self.numbers[id(request)] = number
            super().finish_request(request, client_address)
        except (ssl.SSLError, OSError):
            pass
        finally:
            self.numbers.pop(id(request), None)
            self.server_names.pop(id(request), None)
            self.stats.closed()

    def handle_error(self, request, client_address):
        pass


class Held:
    """The /held requests waiting for /_control/release."""

    def __init__(self):
        self.lock = threading.Lock()
        self.release = threading.Event()
        self.waiting = 0

    def wait(self):
        with self.lock:
            self.waiting += 1
        self.release.wait(120)
        with self.lock:
            self.waiting -= 1

    def count(self):
        with self.lock:
            return self.waiting


HELD = Held()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/_control/stats":
            snapshot = {name: dict(server.stats.snapshot(), held=HELD.count()) for name, server in LISTENERS.items()}
            return self.answer(200, snapshot)
        if url.path == "/_control/release":
            HELD.release.set()
            return self.answer(200, {"released": True})
        if url.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", urllib.parse.parse_qs(url.query)["to"][0])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if url.path == "/slow":
            milliseconds = int(urllib.parse.parse_qs(url.query).get("ms", ["0"])[0])
            time.sleep(milliseconds / 1000)
        elif url.path == "/held":
            HELD.wait()
        elif url.path != "/hello":
            return self.answer(404, {"error": "not found"})
        server_name = self.server.server_names.get(id(self.connection))
        self.answer(200, {
            "host": self.headers.get("Host"),
            "serverName": server_name,
            "connection": self.server.numbers.get(id(self.connection)),
        })

    def answer(self, status, payload):
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--dir", required=True, help="where ca.pem (the throwaway root) is written")
    args = parser.parse_args()

    paths = make_authority(args.dir)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(paths["leaf.pem"], paths["leaf.key"])

    plain = Server(("127.0.0.1", 0), None)
    secure = Server(("127.0.0.1", 0), context)
    LISTENERS.update(http=plain, https=secure)

    def remember_server_name(connection, server_name, _context):
        secure.server_names[id(connection)] = server_name

    context.sni_callback = remember_server_name
    for server in (plain, secure):
        threading.Thread(target=server.serve_forever, daemon=True).start()

    with open(args.port_file + ".tmp", "w") as out:
        json.dump({"http": plain.server_address[1], "https": secure.server_address[1]}, out)
    os.replace(args.port_file + ".tmp", args.port_file)

    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    parent = os.getppid()
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
