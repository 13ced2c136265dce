"""A real OAuth 2.0 authorization server for the ConnectorRuntime integration tests.

Built on Authlib's Flask integration (pinned in Tests/requirements.txt), in memory. Everything
OAuth here is Authlib's own behaviour; only the test-control routes under /_control/ are ours.

What it serves
- Authorization code with PKCE required (S256 only) for every client that has the
  `authorization_code` grant; `/authorize` consents automatically as user "alice".
  `consent=deny` in the authorize query, or `/_control/deny?client_id=X&on=1`, makes it redirect
  with `error=access_denied` instead.
- Client credentials.
- Refresh with rotation: every refresh returns a new refresh token and revokes the old one;
  reusing a rotated refresh token gives `invalid_grant` (and, with reuse detection on for the
  client, revokes the whole token family).
- RFC 7009 revocation at `/revoke`, RFC 8414 metadata at `/.well-known/oauth-authorization-server`.
- Client authentication: each client accepts exactly one of `client_secret_basic` or
  `client_secret_post`. A wrong secret sent with Basic gets 401 + `WWW-Authenticate: Basic`
  (Authlib's natural answer), which hangs FoundationNetworking's URLSession on Linux.
- `/api/me` protected by Authlib's ResourceProtector (401 `invalid_token` when expired or
  revoked); `/api/admin` needs scope `admin` (403 `insufficient_scope` otherwise);
  `/api/service-user` checks HTTP Basic service-user credentials (a HiBob-like service user).

Provider emulation (for the catalog's end-to-end tests, Tests/ConnectorsTests/)
- POST /_control/providers registers a provider under /p/<name>/ with the provider's real paths
  (authorize_path, token_path, optional revoke_path). A catalog connector's hosts are mapped to
  http://127.0.0.1:<port>/p/<name> with the runtime's endpoint override, so its generated code
  calls /p/<name>/<the provider's path>. Requests to those paths get the same Authlib handling as
  /authorize, /token and /revoke; every other path under /p/<name>/ is the provider's API:
  bearer tokens checked by Authlib, or, when the provider has `static` credentials, exactly those
  (Basic, headers, bearer) with 401 otherwise. GET /_control/providers/<name> lists the API
  paths called. Optional `responses` maps API paths to canned JSON bodies (Jira's
  accessible-resources, DocuSign's userinfo); other API paths answer a small JSON object. A
  canned body {"_pages": [page1, page2, ...]} answers the page the query's `page` asks for (1 when
  absent), and [] past the last (a page-number list that ends on an empty page).
- Per-client options: pkce ("required", the default, or "optional"), rotate (default true; false
  keeps the refresh token, as Workday's static refresh tokens), refresh_redirect_uri (refresh must
  repeat a registered redirect_uri, as Zelt), token_extra (fields added to every token response,
  as Salesforce's instance_url), auth_method "smartsheet_hash" (client_id + hash =
  hex SHA-256 of secret + "|" + code or refresh token, no client_secret).
- Per-provider options: token_body "json" (token requests must be JSON objects, as Notion's; a
  form body gets 400), token_headers (headers every token request must carry with exactly these
  values, as GitHub's Accept: application/json; 400 otherwise), api_headers (headers every API
  request must carry, except the canned `responses` paths, as Xero's xero-tenant-id; 403
  otherwise).
- Per-provider api_scopes: API path -> space-separated scopes a bearer token must hold; a token
  without all of them gets 403 with `WWW-Authenticate: Bearer error="insufficient_scope",
  scope="<the path's scopes>"` (RFC 6750 §3.1; Authlib's own 403 names no scope).
- Per-provider authorize_headers: headers added to the authorize response (the provider's sign-in
  page), e.g. `Cross-Origin-Opener-Policy: same-origin`, which cuts `window.opener`.
- Per-client api_profile: members added to a provider's default API answers for that client's
  tokens (a company or user name, so two clients read as two accounts).
- The `account_credentials` grant (Zoom Server-to-Server OAuth): client credentials plus an
  `account_id` parameter that must equal the client's registered `account_id`.
- POST /_control/mint-refresh?client_id=X  issue a refresh token out of band (a static refresh
  token an admin generated, as Workday's)
- POST /_control/disable-client?client_id=X  forget the client (its credentials stop working)

Test controls (JSON; no secrets are ever logged)
- POST /_control/clients            register a client (JSON body, see `register_client`)
- GET  /_control/stats?client_id=X  token requests by grant type, revocations, API calls (and
  `api_requests`: the provider API paths with their queries the client's tokens called, last 200)
- POST /_control/revoke-all?client_id=X   revoke every token of the client
- POST /_control/expire-access?client_id=X  make the client's access tokens expire now
- POST /_control/deny?client_id=X&on=1      make the client's next authorizations deny
- POST /_control/narrow?client_id=X&withhold=A+B  the client's next authorizations grant the
  requested scopes except A and B (a person unticking boxes on a consent screen); an empty
  `withhold` grants what was requested again
- POST /_control/silent-scope?client_id=X&on=1  the client's token responses leave out `scope`
  (RFC 6749 §5.1 makes it optional), even for a narrowed grant: only the API's
  `insufficient_scope` answers then tell what is missing; on=0 reports it again
- POST /_control/token-failure?client_id=X&status=503  the client's token requests answer that
  status with an HTML error page (a provider outage behind its load balancer); status=0 ends it
- POST /_control/providers/<name>/api-failure  JSON {path, status, retry_after, times}: the
  provider's next `times` requests to that API path answer `status` (429 with `Retry-After`, 500),
  then normal answers again; GET /_control/providers/<name> lists each API request with the
  Unix time it arrived (`at`) and the status it got
- POST /_control/reset              forget every client, code and token and re-seed defaults

Run: AUTHLIB_INSECURE_TRANSPORT=1 python authserver.py --port-file PATH [--token-lifetime S]
It binds 127.0.0.1 on a free port and writes the port number to PATH once it accepts connections.
It exits when its parent process goes away, so a crashed test run leaves nothing behind.
"""

import argparse
import base64
import hashlib
import hmac
import io
import json
import logging
import os
import signal
import secrets
import sys
import threading
import time
from urllib.parse import unquote, urlencode

from flask import Flask, jsonify, request

from authlib.common.security import generate_token
from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector, current_token
from authlib.oauth2.rfc6749 import ClientMixin, TokenMixin, AuthorizationCodeMixin, grants
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749.errors import InvalidRequestError
from authlib.oauth2.rfc6750 import BearerTokenGenerator, BearerTokenValidator
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7636 import CodeChallenge

os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")

AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none", "smartsheet_hash"]
USER = "alice"

# Fixed clients, handy for manual runs; tests register their own (one per test) so parallel tests
# never share counters. Credentials contain no spaces: Authlib decodes Basic with unquote.
DEFAULT_CLIENTS = [
    {"client_id": "code-basic", "client_secret": "code-basic-secret", "auth_method": "client_secret_basic",
     "grant_types": ["authorization_code", "refresh_token"]},
    {"client_id": "code-post", "client_secret": "code-post-secret", "auth_method": "client_secret_post",
     "grant_types": ["authorization_code", "refresh_token"]},
    {"client_id": "cc-basic", "client_secret": "cc-basic-secret", "auth_method": "client_secret_basic",
     "grant_types": ["client_credentials"]},
    {"client_id": "cc-post", "client_secret": "cc-post-secret", "auth_method": "client_secret_post",
     "grant_types": ["client_credentials"]},
]
DEFAULT_REDIRECT_URIS = ["http://127.0.0.1:53682/callback", "com.example.app:/oauth/callback"]
SERVICE_USERS = {"svc-user-1": "svc-token-1"}

lock = threading.RLock()
state = {}
default_lifetime = [3600]


def fresh_state():
    return {"clients": {}, "codes": {}, "tokens": [], "stats": {}, "deny": set(), "reuse_detection": set(),
            "providers": {}, "withhold": {}, "token_failures": {}}


def stats_for(client_id):
    return state["stats"].setdefault(client_id, {
        "token_requests": {}, "token_errors": 0, "revocations": 0, "api_calls": 0, "authorizations": 0,
        "api_requests": [],
    })


class Client(ClientMixin):
    def __init__(self, client_id, client_secret, auth_method, grant_types, redirect_uris, scope,
                 token_lifetime, refresh_lifetime, pkce="required", rotate=True, refresh_redirect_uri=False,
                 token_extra=None, account_id=None, api_profile=None):
        self.account_id = account_id
        # Members added to the API's default answers for this client's tokens: who the account
        # is (a company or user name), so two clients read as two accounts.
        self.api_profile = dict(api_profile or {})
        self.pkce = pkce
        self.rotate = rotate
        self.refresh_redirect_uri = refresh_redirect_uri
        self.token_extra = dict(token_extra or {})
        self.client_id = client_id
        self.client_secret = client_secret
        self.auth_method = auth_method
        self.grant_types = grant_types
        self.redirect_uris = redirect_uris
        self.scope = scope
        self.token_lifetime = token_lifetime
        self.refresh_lifetime = refresh_lifetime

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return self.redirect_uris[0] if self.redirect_uris else None

    def get_allowed_scope(self, scope):
        if not scope:
            return ""
        allowed = set(self.scope.split())
        return " ".join(s for s in scope.split() if s in allowed)

    def check_redirect_uri(self, redirect_uri):
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret):
        return hmac.compare_digest(self.client_secret.encode(), client_secret.encode())

    def check_endpoint_auth_method(self, method, endpoint):
        return method == self.auth_method

    def check_response_type(self, response_type):
        return response_type == "code" and "authorization_code" in self.grant_types

    def check_grant_type(self, grant_type):
        return grant_type in self.grant_types


class AuthorizationCode(AuthorizationCodeMixin):
    def __init__(self, code, client_id, redirect_uri, scope, user, code_challenge, code_challenge_method):
        self.code = code
        self.client_id = client_id
        self.redirect_uri = redirect_uri
        self.scope = scope
        self.user = user
        self.code_challenge = code_challenge
        self.code_challenge_method = code_challenge_method
        self.created = time.time()

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def is_expired(self):
        return time.time() - self.created > 300


class Token(TokenMixin):
    def __init__(self, client, user, data, family):
        self.client = client
        self.user = user
        self.access_token = data["access_token"]
        self.refresh_token = data.get("refresh_token")
        self.scope = data.get("scope", "")
        self.expires_in = int(data.get("expires_in", 0))
        self.issued_at = time.time()
        self.family = family
        self.access_revoked = False
        self.refresh_revoked = False

    def check_client(self, client):
        return self.client.client_id == client.client_id

    def get_scope(self):
        return self.scope

    def get_expires_in(self):
        return self.expires_in

    def is_expired(self):
        return time.time() >= self.issued_at + self.expires_in

    def is_revoked(self):
        return self.access_revoked

    def get_user(self):
        return self.user

    def get_client(self):
        return self.client

    def refresh_usable(self):
        if self.refresh_revoked or not self.refresh_token:
            return False
        lifetime = self.client.refresh_lifetime
        return lifetime is None or time.time() < self.issued_at + lifetime


def register_client(spec):
    """Registers a client from a dict: client_id, client_secret, auth_method
    (client_secret_basic | client_secret_post), grant_types, redirect_uris, scope (space-separated
    allowed scopes), token_lifetime (seconds), refresh_lifetime (seconds or null),
    reuse_detection (bool: reusing a rotated refresh token revokes the family), api_profile (members
    added to default API answers for this client's tokens)."""
    client_id = spec["client_id"]
    secret = spec.get("client_secret", "")
    if " " in client_id or " " in secret:
        raise ValueError("client credentials must not contain spaces (Authlib decodes Basic with unquote)")
    client = Client(
        client_id=client_id,
        client_secret=secret,
        auth_method=spec.get("auth_method", "client_secret_basic"),
        grant_types=spec.get("grant_types", ["authorization_code", "refresh_token"]),
        redirect_uris=spec.get("redirect_uris", DEFAULT_REDIRECT_URIS),
        scope=spec.get("scope", "read write admin"),
        token_lifetime=int(spec.get("token_lifetime", default_lifetime[0])),
        refresh_lifetime=spec.get("refresh_lifetime"),
        pkce=spec.get("pkce", "required"),
        rotate=bool(spec.get("rotate", True)),
        refresh_redirect_uri=bool(spec.get("refresh_redirect_uri", False)),
        token_extra=spec.get("token_extra"),
        account_id=spec.get("account_id"),
        api_profile=spec.get("api_profile"),
    )
    with lock:
        state["clients"][client_id] = client
        if spec.get("reuse_detection"):
            state["reuse_detection"].add(client_id)
        else:
            state["reuse_detection"].discard(client_id)
    return client


def reset():
    with lock:
        state.clear()
        state.update(fresh_state())
    for spec in DEFAULT_CLIENTS:
        register_client(spec)


def query_client(client_id):
    with lock:
        return state["clients"].get(client_id)


def save_token(token_data, req):
    with lock:
        previous = getattr(req, "refresh_token", None)
        family = previous.family if isinstance(previous, Token) else secrets.token_hex(8)
        state["tokens"].append(Token(req.client, req.user, token_data, family))
        # Extra response fields (Salesforce's instance_url): Authlib sends this same dict.
        token_data.update(req.client.token_extra)
        # A provider that does not report the granted scopes (see /_control/silent-scope); the
        # token keeps them (read above), the response leaves them out.
        if req.client.client_id in state.setdefault("silent_scope", set()):
            token_data.pop("scope", None)


def expires_in_for(client, grant_type):
    return client.token_lifetime


class RequiredS256(CodeChallenge):
    """PKCE required for every client, S256 only (Authlib defaults a missing method to plain)."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

    def validate_code_challenge(self, grant, redirect_uri):
        data = grant.request.payload.data
        client = grant.request.client
        if getattr(client, "pkce", "required") == "optional" and not data.get("code_challenge"):
            return
        if not data.get("code_challenge"):
            raise InvalidRequestError("PKCE is required: missing 'code_challenge'")
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("PKCE is required with code_challenge_method=S256")
        super().validate_code_challenge(grant, redirect_uri)


class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS

    def save_authorization_code(self, code, req):
        data = req.payload.data
        with lock:
            withheld = state["withhold"].get(req.client.client_id, set())
            state["codes"][code] = AuthorizationCode(
                code=code,
                client_id=req.client.client_id,
                redirect_uri=req.payload.redirect_uri,
                scope=" ".join(s for s in req.payload.scope.split() if s not in withheld) if withheld else req.payload.scope or "",
                user=req.user,
                code_challenge=data.get("code_challenge"),
                code_challenge_method=data.get("code_challenge_method"),
            )

    def query_authorization_code(self, code, client):
        with lock:
            item = state["codes"].get(code)
        if item and item.client_id == client.client_id and not item.is_expired():
            return item
        return None

    def delete_authorization_code(self, authorization_code):
        with lock:
            state["codes"].pop(authorization_code.code, None)

    def authenticate_user(self, authorization_code):
        return authorization_code.user


class RefreshTokenGrant(grants.RefreshTokenGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS
    INCLUDE_NEW_REFRESH_TOKEN = True

    def issue_token(self, user, refresh_token):
        # Clients registered with rotate=false keep their refresh token (Workday's static ones).
        if self.request.client.rotate:
            return super().issue_token(user, refresh_token)
        scope = self.request.payload.scope or refresh_token.get_scope()
        return self.generate_token(user=user, scope=scope, include_refresh_token=False)

    def authenticate_refresh_token(self, refresh_token):
        client = self.request.client
        if client.refresh_redirect_uri and not client.check_redirect_uri(self.request.form.get("redirect_uri", "")):
            raise InvalidRequestError("This client must send its registered 'redirect_uri' when refreshing")
        with lock:
            for token in state["tokens"]:
                if token.refresh_token == refresh_token:
                    if token.refresh_usable():
                        return token
                    if token.refresh_revoked and token.client.client_id in state["reuse_detection"]:
                        revoke_family(token.family)
                    return None
        return None

    def authenticate_user(self, refresh_token):
        return refresh_token.user

    def revoke_old_credential(self, refresh_token):
        if not refresh_token.client.rotate:
            return
        with lock:
            refresh_token.refresh_revoked = True
            refresh_token.access_revoked = True


class ClientCredentialsGrant(grants.ClientCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS


class AccountCredentialsGrant(grants.ClientCredentialsGrant):
    """Zoom's Server-to-Server OAuth: the client credentials grant under the name
    `account_credentials`, with the account the app belongs to as `account_id`."""

    GRANT_TYPE = "account_credentials"
    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS

    def validate_token_request(self):
        super().validate_token_request()
        expected = self.request.client.account_id
        sent = self.request.payload.data.get("account_id")
        if not expected or not sent or not hmac.compare_digest(expected.encode(), sent.encode()):
            raise InvalidRequestError("'account_id' is missing or is not the app's account")


class Revocation(RevocationEndpoint):
    CLIENT_AUTH_METHODS = AUTH_METHODS

    def query_token(self, token_string, token_type_hint):
        with lock:
            for token in state["tokens"]:
                if token_type_hint != "refresh_token" and token.access_token == token_string:
                    return token
                if token_type_hint != "access_token" and token.refresh_token == token_string:
                    return token
        return None

    def revoke_token(self, token, req):
        with lock:
            token.access_revoked = True
            if req.form.get("token_type_hint") != "access_token":
                token.refresh_revoked = True
            stats_for(token.client.client_id)["revocations"] += 1


def revoke_family(family):
    for token in state["tokens"]:
        if token.family == family:
            token.access_revoked = True
            token.refresh_revoked = True


class Validator(BearerTokenValidator):
    def authenticate_token(self, token_string):
        with lock:
            for token in state["tokens"]:
                if token.access_token == token_string:
                    return token
        return None


def authenticate_smartsheet_hash(query, req):
    """Smartsheet's token-endpoint client authentication: `client_id` and `hash`, the lowercase
    hex SHA-256 of `client_secret + "|" + code` (or `+ "|" + refresh_token` when refreshing)."""
    form = req.form
    client = query(form.get("client_id", ""))
    proof = form.get("code") or form.get("refresh_token")
    sent = form.get("hash", "")
    if client is None or not proof or not sent or form.get("client_secret"):
        return None
    expected = hashlib.sha256((client.client_secret + "|" + proof).encode()).hexdigest()
    return client if hmac.compare_digest(expected, sent) else None


app = Flask(__name__)
app.config["OAUTH2_REFRESH_TOKEN_GENERATOR"] = True
server = AuthorizationServer(app, query_client=query_client, save_token=save_token)
server.register_token_generator(
    "default",
    BearerTokenGenerator(
        access_token_generator=lambda **_: generate_token(42),
        refresh_token_generator=lambda **_: generate_token(48),
        expires_generator=expires_in_for,
    ),
)
server.register_client_auth_method("smartsheet_hash", lambda query, req: authenticate_smartsheet_hash(query, req))
server.register_grant(AuthorizationCodeGrant, [RequiredS256(required=True)])
server.register_grant(RefreshTokenGrant)
server.register_grant(ClientCredentialsGrant)
server.register_grant(AccountCredentialsGrant)
server.register_endpoint(Revocation)
require_oauth = ResourceProtector()
require_oauth.register_token_validator(Validator())


@app.route("/authorize", methods=["GET"])
def authorize():
    client_id = request.args.get("client_id", "")
    with lock:
        deny = request.args.get("consent") == "deny" or client_id in state["deny"]
        stats_for(client_id)["authorizations"] += 1
    oauth_request = server.create_oauth2_request(None)
    try:
        grant = server.get_authorization_grant(oauth_request)
    except OAuth2Error as error:
        error.state = oauth_request.payload.state
        return server.handle_error_response(oauth_request, error)
    return server.create_authorization_response(request=oauth_request, grant_user=None if deny else USER, grant=grant)


@app.route("/token", methods=["POST"])
def issue_token():
    grant_type = request.form.get("grant_type", "")
    with lock:
        failure = state["token_failures"].get(request.form.get("client_id") or basic_username() or "")
    if failure:
        page = "<html><body><h1>%d</h1><p>The service is temporarily unavailable.</p></body></html>" % failure
        return page, failure, {"Content-Type": "text/html"}
    response = server.create_token_response()
    client_id = request.form.get("client_id") or basic_username() or ""
    with lock:
        stats = stats_for(client_id)
        stats["token_requests"][grant_type] = stats["token_requests"].get(grant_type, 0) + 1
        if response.status_code != 200:
            stats["token_errors"] += 1
    return response


@app.route("/revoke", methods=["POST"])
def revoke():
    return server.create_endpoint_response(Revocation.ENDPOINT_NAME)


@app.route("/api/me")
@require_oauth()
def api_me():
    token = current_token
    with lock:
        stats_for(token.client.client_id)["api_calls"] += 1
    return jsonify(user=token.user, client_id=token.client.client_id, scope=token.scope)


@app.route("/api/admin")
@require_oauth("admin")
def api_admin():
    return jsonify(user=current_token.user, admin=True)


@app.route("/api/service-user")
def api_service_user():
    username = basic_username()
    password = basic_password()
    expected = SERVICE_USERS.get(username or "")
    if expected is None or password is None or not hmac.compare_digest(expected.encode(), password.encode()):
        return jsonify(error="invalid_credentials"), 401, {"WWW-Authenticate": 'Basic realm="api"'}
    with lock:
        stats_for(username)["api_calls"] += 1
    return jsonify(user=username, kind="service-user")


@app.route("/.well-known/oauth-authorization-server")
def metadata():
    base = request.host_url.rstrip("/")
    return jsonify(
        issuer=base,
        authorization_endpoint=base + "/authorize",
        token_endpoint=base + "/token",
        revocation_endpoint=base + "/revoke",
        response_types_supported=["code"],
        grant_types_supported=["authorization_code", "refresh_token", "client_credentials"],
        token_endpoint_auth_methods_supported=["client_secret_basic", "client_secret_post"],
        code_challenge_methods_supported=["S256"],
    )


def basic_parts():
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("basic "):
        return None, None
    try:
        decoded = base64.b64decode(header[6:].strip()).decode()
    except (ValueError, UnicodeDecodeError):
        return None, None
    if ":" not in decoded:
        return unquote(decoded), None
    user, password = decoded.split(":", 1)
    return unquote(user), unquote(password)


def basic_username():
    return basic_parts()[0]


def basic_password():
    return basic_parts()[1]


def normalized_path(path):
    path = "/" + (path or "").strip("/")
    return path


@app.route("/p/<name>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
@app.route("/p/<name>/", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
@app.route("/p/<name>/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def provider_route(name, rest=""):
    """A registered provider's real paths: its authorize, token and revoke paths get the OAuth
    endpoints above; every other path is its API."""
    with lock:
        provider = state["providers"].get(name)
    if provider is None:
        return jsonify(error="unknown_provider"), 404
    path = normalized_path(rest)
    raw = request.path[len("/p/" + name):] or "/"
    if path == provider["authorize_path"] and request.method == "GET":
        response = authorize()
        for header, value in provider["authorize_headers"].items():
            response.headers[header] = value
        return response
    if path == provider["token_path"] and request.method == "POST":
        problem = token_request_problem(provider)
        if problem:
            return jsonify(error="invalid_request", error_description=problem), 400
        return issue_token()
    if provider["revoke_path"] and path == provider["revoke_path"] and request.method == "POST":
        return revoke()
    return provider_api(provider, raw)


def token_request_problem(provider):
    """Why a token request breaks the provider's own rules (body encoding, required headers)."""
    sent_json = request.environ.get("emulator.json_token", False)
    if provider["token_body"] == "json" and not sent_json:
        return "this provider takes token requests as JSON (Content-Type: application/json)"
    if provider["token_body"] != "json" and sent_json:
        return "this provider takes token requests as form data"
    for header, value in provider["token_headers"].items():
        if request.headers.get(header) != value:
            return "token requests must send the header " + header
    return None


class JSONTokenBodies:
    """WSGI middleware: a JSON token request to a provider whose `token_body` is "json" is
    handed to Authlib as the equivalent form (Authlib reads forms only), and marked so the
    provider route can tell JSON from form requests."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        content_type = environ.get("CONTENT_TYPE", "")
        if environ.get("REQUEST_METHOD") == "POST" and path.startswith("/p/") and content_type.startswith("application/json"):
            name = path[3:].split("/", 1)[0]
            with lock:
                provider = state["providers"].get(name)
            if provider and provider["token_body"] == "json" and normalized_path(path[3 + len(name):]) == provider["token_path"]:
                length = int(environ.get("CONTENT_LENGTH") or 0)
                try:
                    data = json.loads(environ["wsgi.input"].read(length) or b"{}")
                except ValueError:
                    data = None
                if isinstance(data, dict) and all(isinstance(value, str) for value in data.values()):
                    body = urlencode(data).encode()
                    environ["wsgi.input"] = io.BytesIO(body)
                    environ["CONTENT_LENGTH"] = str(len(body))
                    environ["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
                    environ["emulator.json_token"] = True
        return self.wsgi_app(environ, start_response)


def provider_api(provider, path):
    required = provider["api_headers"]
    if required and normalized_path(path) not in provider["responses"]:
        for header, value in required.items():
            if not same(request.headers.get(header), value):
                return jsonify(error="missing_or_wrong_header", header=header), 403
    static = provider["static"]
    if static is None:
        return provider_api_bearer(provider, path)
    if not static_credentials_match(static):
        challenge = {"WWW-Authenticate": 'Basic realm="api"'} if static["kind"] == "basic" else {}
        return jsonify(error="invalid_credentials"), 401, challenge
    return provider_api_answer(provider, path, user=static.get("user", "static"))


@require_oauth()
def provider_api_bearer(provider, path):
    token = current_token
    required = provider["api_scopes"].get(normalized_path(path))
    if required and not set(required.split()) <= set((token.scope or "").split()):
        challenge = 'Bearer error="insufficient_scope", scope="%s"' % required
        return jsonify(error="insufficient_scope"), 403, {"WWW-Authenticate": challenge}
    with lock:
        stats = stats_for(token.client.client_id)
        stats["api_calls"] += 1
        query = request.query_string.decode()
        stats["api_requests"] = (stats["api_requests"] + ["/" + path.lstrip("/") + ("?" + query if query else "")])[-200:]
    return provider_api_answer(provider, path, user=token.user, profile=token.client.api_profile)


def provider_api_answer(provider, path, user, profile=None):
    query = request.query_string.decode()
    full = path + ("?" + query if query else "")
    with lock:
        entry = {"method": request.method, "path": full, "at": "%.6f" % time.time(), "status": "200"}
        provider["api_requests"].append(entry)
        failure = provider.setdefault("api_failures", {}).get(normalized_path(path))
        if failure and failure["times"] > 0:
            failure["times"] -= 1
            entry["status"] = str(failure["status"])
            headers = {"Retry-After": failure["retry_after"]} if failure.get("retry_after") else {}
            return jsonify(error="rate_limited" if failure["status"] == 429 else "failure"), failure["status"], headers
        canned = provider["responses"].get(normalized_path(path))
    if isinstance(canned, dict) and "_pages" in canned:
        # Canned pages: the query's `page` (1-based) picks one; past the last, an empty list.
        pages = canned["_pages"]
        number = int(request.args.get("page", "1")) if request.args.get("page", "1").isdigit() else 1
        canned = pages[number - 1] if 1 <= number <= len(pages) else []
    if canned is not None:
        return jsonify(canned)
    return jsonify({**(profile or {}), "path": full, "user": user, "provider": provider["name"]})


def static_credentials_match(static):
    """Exact comparison of the credentials a static-credential provider expects."""
    kind = static["kind"]
    if kind == "basic":
        username, password = basic_parts()
        return same(username, static["username"]) and same(password, static.get("password", ""))
    if kind == "headers":
        return all(same(request.headers.get(header), value) for header, value in static["headers"].items())
    if kind == "bearer":
        header = request.headers.get("Authorization", "")
        return header.startswith("Bearer ") and same(header[7:], static["token"])
    return False


def same(actual, expected):
    return actual is not None and hmac.compare_digest(actual.encode(), expected.encode())


@app.route("/_control/providers", methods=["POST"])
def control_providers():
    """Registers a provider: name, authorize_path, token_path, revoke_path (optional), static
    (optional: {"kind": "basic", "username", "password"} | {"kind": "headers", "headers": {}} |
    {"kind": "bearer", "token"}), responses, token_body ("form" or "json"), token_headers,
    api_headers, api_scopes and authorize_headers (see the module docstring)."""
    spec = request.get_json(force=True)
    name = spec.get("name", "")
    if not name or "/" in name:
        return jsonify(error="a provider needs a name without slashes"), 400
    provider = {
        "name": name,
        "authorize_path": normalized_path(spec.get("authorize_path", "/authorize")),
        "token_path": normalized_path(spec.get("token_path", "/token")),
        "revoke_path": normalized_path(spec["revoke_path"]) if spec.get("revoke_path") else None,
        "static": spec.get("static"),
        "responses": {normalized_path(path): body for path, body in (spec.get("responses") or {}).items()},
        "token_body": spec.get("token_body", "form"),
        "token_headers": dict(spec.get("token_headers") or {}),
        "api_headers": dict(spec.get("api_headers") or {}),
        "api_scopes": {normalized_path(path): scopes for path, scopes in (spec.get("api_scopes") or {}).items()},
        "authorize_headers": dict(spec.get("authorize_headers") or {}),
        "api_requests": [],
    }
    with lock:
        state["providers"][name] = provider
    return jsonify(name=name)


@app.route("/_control/providers/<name>")
def control_provider(name):
    with lock:
        provider = state["providers"].get(name)
        if provider is None:
            return jsonify(error="unknown_provider"), 404
        return jsonify(name=name, api_requests=list(provider["api_requests"]))


@app.route("/_control/providers/<name>/api-failure", methods=["POST"])
def control_provider_api_failure(name):
    """The provider's next `times` requests to API `path` answer `status` (with `Retry-After:
    retry_after` when given), then it answers normally again."""
    spec = request.get_json(force=True)
    with lock:
        provider = state["providers"].get(name)
        if provider is None:
            return jsonify(error="unknown_provider"), 404
        provider.setdefault("api_failures", {})[normalized_path(spec.get("path", "/"))] = {
            "status": int(spec.get("status", 429)), "retry_after": str(spec.get("retry_after") or ""),
            "times": int(spec.get("times", 1)),
        }
    return jsonify(name=name)


@app.route("/_control/mint-refresh", methods=["POST"])
def control_mint_refresh():
    """A refresh token issued out of band, as an admin generates one in the provider's UI."""
    client = query_client(request.args.get("client_id", ""))
    if client is None:
        return jsonify(error="unknown_client"), 404
    data = {"access_token": generate_token(42), "refresh_token": generate_token(48), "expires_in": 0,
            "scope": request.args.get("scope", "")}
    with lock:
        token = Token(client, USER, data, secrets.token_hex(8))
        token.access_revoked = True
        state["tokens"].append(token)
    return jsonify(refresh_token=data["refresh_token"])


@app.route("/_control/disable-client", methods=["POST"])
def control_disable_client():
    client_id = request.args.get("client_id", "")
    with lock:
        removed = state["clients"].pop(client_id, None) is not None
    return jsonify(disabled=removed)


@app.route("/_control/clients", methods=["POST"])
def control_clients():
    try:
        client = register_client(request.get_json(force=True))
    except (KeyError, ValueError) as error:
        return jsonify(error=str(error)), 400
    return jsonify(client_id=client.client_id)


@app.route("/_control/stats")
def control_stats():
    client_id = request.args.get("client_id", "")
    with lock:
        stats = stats_for(client_id)
        live = [t for t in state["tokens"] if t.client.client_id == client_id]
        return jsonify(
            token_requests=stats["token_requests"],
            token_requests_total=sum(stats["token_requests"].values()),
            token_errors=stats["token_errors"],
            revocations=stats["revocations"],
            api_calls=stats["api_calls"],
            api_requests=stats["api_requests"],
            authorizations=stats["authorizations"],
            tokens_issued=len(live),
            access_tokens_active=sum(1 for t in live if not t.access_revoked and not t.is_expired()),
            refresh_tokens_active=sum(1 for t in live if t.refresh_usable()),
        )


@app.route("/_control/revoke-all", methods=["POST"])
def control_revoke_all():
    client_id = request.args.get("client_id", "")
    with lock:
        count = 0
        for token in state["tokens"]:
            if token.client.client_id == client_id:
                token.access_revoked = True
                token.refresh_revoked = True
                count += 1
    return jsonify(revoked=count)


@app.route("/_control/expire-access", methods=["POST"])
def control_expire_access():
    client_id = request.args.get("client_id", "")
    with lock:
        count = 0
        for token in state["tokens"]:
            if token.client.client_id == client_id:
                token.issued_at = time.time() - token.expires_in - 1
                count += 1
    return jsonify(expired=count)


@app.route("/_control/deny", methods=["POST"])
def control_deny():
    client_id = request.args.get("client_id", "")
    with lock:
        if request.args.get("on", "1") == "1":
            state["deny"].add(client_id)
        else:
            state["deny"].discard(client_id)
    return jsonify(client_id=client_id, deny=client_id in state["deny"])


@app.route("/_control/narrow", methods=["POST"])
def control_narrow():
    client_id = request.args.get("client_id", "")
    withheld = set(request.args.get("withhold", "").split())
    with lock:
        if withheld:
            state["withhold"][client_id] = withheld
        else:
            state["withhold"].pop(client_id, None)
    return jsonify(client_id=client_id, withhold=sorted(withheld))


@app.route("/_control/silent-scope", methods=["POST"])
def control_silent_scope():
    client_id = request.args.get("client_id", "")
    with lock:
        silent = state.setdefault("silent_scope", set())
        if request.args.get("on", "1") == "1":
            silent.add(client_id)
        else:
            silent.discard(client_id)
        return jsonify(client_id=client_id, silent_scope=client_id in silent)


@app.route("/_control/token-failure", methods=["POST"])
def control_token_failure():
    client_id = request.args.get("client_id", "")
    status = int(request.args.get("status", "0") or 0)
    with lock:
        if status:
            state["token_failures"][client_id] = status
        else:
            state["token_failures"].pop(client_id, None)
    return jsonify(client_id=client_id, status=status)


@app.route("/_control/reset", methods=["POST"])
def control_reset():
    reset()
    return jsonify(reset=True)


@app.route("/_control/health")
def control_health():
    return jsonify(ok=True)


app.wsgi_app = JSONTokenBodies(app.wsgi_app)


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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port-file", required=True, help="where to write the port once listening")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--token-lifetime", type=int, default=3600, help="default access token lifetime in seconds")
    parser.add_argument("--verbose", action="store_true", help="log each request (paths only)")
    args = parser.parse_args()

    default_lifetime[0] = args.token_lifetime
    reset()
    if not args.verbose:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)

    from werkzeug.serving import make_server

    httpd = make_server("127.0.0.1", args.port, app, threaded=True)
    temporary = args.port_file + ".tmp"
    with open(temporary, "w") as handle:
        handle.write(str(httpd.server_port))
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
