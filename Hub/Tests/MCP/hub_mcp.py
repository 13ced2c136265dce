#!/usr/bin/env python3
"""The Hub's MCP endpoint against a real peer: the Python `mcp` SDK (PyPI) as the client.

  python hub_mcp.py --hub PATH/connector-hub      (`make hub-mcp-test`)

One connector-hub process (SQLite in a temp folder) with two provider emulations on loopback:
the paging emulation (Tests/Servers/pagingserver.py) as Smartsheet (access token; users paged by
page number, 2 a page, 5 in all, and read by id) and the Authlib emulation (authserver.py) as Zelt
(OAuth with the person's own client; its users as one canned list of large records). Both
accounts are linked through the Link Account pages, as a person would; the app mints MCP tokens
with its app key through POST /v1/mcp-tokens, and only the MCP token reaches the client.

Scenarios: initialize and list tools (schemas, annotations, the token budget); list a page and
follow nextCursor to the end (the client checks each result against the tool's outputSchema);
get by id; a result over the byte cap is truncated with a marker and a cursor; refusals outside
the token's account and allow-list, without a token, with a forged session and after expiry;
search-then-call when the tool list exceeds the budget; a reconnect_required tool error once the
provider revoked the grant. Prints 'N passed, N failed' and exits non-zero on any failure.
"""

import argparse
import asyncio
import base64
import contextlib
import hashlib
import http.client
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.parse
import uuid

from mcp import ClientSession
from mcp.client.streamable_http import create_mcp_http_client, streamable_http_client
from mcp.shared.exceptions import MCPError

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "Python"))
from local_services import call, exchange, free_port, wait_for  # noqa: E402
SERVERS = os.path.join(HERE, "..", "..", "..", "Tests", "Servers")
APP_KEY = "mcp-app-key-" + uuid.uuid4().hex
BYTES_PER_TOKEN = 4  # the Hub's documented approximation (docs/mcp.md)


def call_raw_json(url, body, headers):
    status, _, text = exchange("POST", url, body, dict(headers, **{"Content-Type": "application/json"}))
    return status, json.loads(text)


def start_server(script, directory, name, environment):
    port_file = os.path.join(directory, name + ".port")
    log = open(os.path.join(directory, name + ".log"), "w")
    process = subprocess.Popen([sys.executable, os.path.join(SERVERS, script), "--port-file", port_file],
                               stdout=log, stderr=log, env=environment)
    wait_for(lambda: os.path.exists(port_file) and open(port_file).read().strip(), name + "'s port")
    return process, "http://127.0.0.1:" + open(port_file).read().strip()


def csrf_of(html):
    marker = 'name="csrf" value="'
    start = html.index(marker) + len(marker)
    return html[start:html.index('"', start)]


class Browser:
    def __init__(self, base):
        self.base = base
        self.cookies = {}

    def request(self, method, path, form=None):
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join("%s=%s" % pair for pair in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.base
        url = path if path.startswith("http") else self.base + path
        status, response_headers, text = exchange(method, url, body, headers)
        for value in response_headers.get_all("Set-Cookie") or []:
            name, _, rest = value.split(";")[0].partition("=")
            self.cookies[name.strip()] = rest.strip()
        return status, response_headers, text


def zelt_user(index):
    # Large records (about 3 KiB each), so that one page of them is over the MCP result cap.
    return {"userId": 100 + index, "firstName": "User%d" % index, "lastName": "Zelt", "emailAddress": "z%d@acme.example" % index,
            "displayName": "User %d" % index, "notes": "x" * 3000}


class World:
    def __init__(self, binary, directory):
        self.directory = directory
        environment = dict(os.environ, AUTHLIB_INSECURE_TRANSPORT="1", PYTHONUNBUFFERED="1")
        self.paging, self.paging_url = start_server("pagingserver.py", directory, "pagingserver", environment)
        self.auth, self.auth_url = start_server("authserver.py", directory, "authserver", environment)
        wait_for(lambda: call("GET", self.auth_url + "/_control/health")[0] == 200, "the authserver")
        port = free_port()
        self.base = "http://127.0.0.1:%d" % port
        zelt_name = "zelt-" + uuid.uuid4().hex[:8]
        status, answer = call("POST", self.auth_url + "/_control/providers", {
            "name": zelt_name, "authorize_path": "/", "token_path": "/apiv2/oauth/authorize/token",
            "responses": {"/apiv2/users": [zelt_user(index) for index in range(30)]}})
        assert status == 200, answer
        self.zelt_client = "zelt-" + uuid.uuid4().hex[:8]
        self.zelt_secret = "secret-" + uuid.uuid4().hex
        status, answer = call("POST", self.auth_url + "/_control/clients", {
            "client_id": self.zelt_client, "client_secret": self.zelt_secret, "auth_method": "client_secret_basic",
            "grant_types": ["authorization_code", "refresh_token"], "scope": "", "pkce": "optional", "refresh_redirect_uri": True,
            "redirect_uris": [self.base + "/connect/oauth2/zelt/callback"]})
        assert status == 200, answer
        config = {
            "publicBaseURL": self.base, "appKeys": [APP_KEY], "signingKey": secrets.token_hex(32),
            "sqlitePath": os.path.join(directory, "hub.sqlite"),
            # The providers are emulations on loopback: a production Hub refuses that.
            "allowPrivateNetworks": True,
            "endpointOverrides": {
                "smartsheet_iam": {"api.smartsheet.com": self.paging_url + "/k/smartsheet.mcp"},
                "zelt": {"go.zelt.app": self.auth_url + "/p/" + zelt_name},
            },
        }
        config_path = os.path.join(directory, "hub.json")
        with open(config_path, "w") as handle:
            json.dump(config, handle)
        key = base64.b64encode(secrets.token_bytes(32)).decode()
        # The Hub runs as deployed, away from the source tree: its working directory is this
        # temporary folder, and CONNECTOR_HUB_SPECS (which earlier Hubs read spec files from) names
        # an empty folder. The tools, unified models and syncs come from the specs compiled into
        # the binary (docs/hub.md, "Where the catalog comes from").
        nowhere = os.path.join(directory, "no-specs")
        os.makedirs(nowhere)
        hub_environment = dict(os.environ, CONNECTOR_HUB_TOKEN_KEYS="mcp-test:" + key, CONNECTOR_HUB_PORT=str(port),
                               CONNECTOR_HUB_SPECS=nowhere)
        hub_environment.pop("CONNECTOR_HUB_DEVELOPMENT", None)
        self.hub_log_path = os.path.join(directory, "hub.log")
        self.hub_log = open(self.hub_log_path, "w")
        self.hub = subprocess.Popen([binary, "--config", config_path], stdout=self.hub_log, stderr=self.hub_log, env=hub_environment,
                                    cwd=directory)
        wait_for(lambda: call("GET", self.base + "/health")[0] == 200, "connector-hub")
        self.mcp_url = self.base + "/mcp"

    def api(self, method, path, body=None):
        return call(method, self.base + path, body, {"Authorization": "Bearer " + APP_KEY})

    def stop(self):
        for process in (self.hub, self.paging, self.auth):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()


@contextlib.asynccontextmanager
async def agent(url, token):
    """One MCP client session with a token, as an agent holds it."""
    async with create_mcp_http_client(headers={"Authorization": "Bearer " + token}) as http:
        async with streamable_http_client(url, http_client=http) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                yield session


def tokens(value):
    return -(-len(json.dumps(value, separators=(",", ":"), sort_keys=True).encode()) // BYTES_PER_TOKEN)


class Run:
    def __init__(self, world):
        self.world = world
        self.end_user = "mcp-" + uuid.uuid4().hex[:8]
        self.passed = 0
        self.failed = 0
        self.smartsheet = None
        self.zelt = None

    def scenario(self, name, body):
        try:
            result = body()
            if asyncio.iscoroutine(result):
                asyncio.run(result)
            self.passed += 1
            print("PASS " + name, flush=True)
        except Exception:
            self.failed += 1
            print("FAIL " + name, flush=True)
            traceback.print_exc()

    def mint(self, accountId=None, **body):
        """An MCP token from the app API: for one account, or for the end user in `body`."""
        path = "/v1/accounts/%s/mcp-tokens" % accountId if accountId else "/v1/mcp-tokens"
        status, answer = self.world.api("POST", path, body)
        assert status == 201, (status, answer)
        assert answer["url"] == self.world.mcp_url and answer["token"].startswith("mcp_"), answer
        return answer["token"]

    def smartsheet_list_requests(self):
        """The Smartsheet emulation's list requests so far (`page` and `pageSize` of each)."""
        status, recorded = call("GET", self.world.paging_url + "/_control/requests/smartsheet.mcp")
        assert status == 200, status
        pages = []
        for request in recorded:
            parts = urllib.parse.urlsplit(request["path"])
            if parts.path.endswith("/2.0/users"):
                query = dict(urllib.parse.parse_qsl(parts.query))
                pages.append((query.get("page"), query.get("pageSize")))
        return pages

    # Setup: both accounts linked through the pages.

    def link_accounts(self):
        status, created = self.world.api("POST", "/v1/link-sessions", {"endUserId": self.end_user, "connectors": ["smartsheet_iam", "zelt"]})
        assert status == 201, created
        browser = Browser(self.world.base)
        status, headers, _ = browser.request("GET", urllib.parse.urlsplit(created["url"]).path)
        assert status == 303, status
        status, _, form = browser.request("GET", "/link/connectors/smartsheet_iam/access_token")
        assert status == 200, status
        status, _, page = browser.request("POST", "/link/connectors/smartsheet_iam/access_token", {
            "csrf": csrf_of(form), "region": "smartsheet.com", "accessToken": "smartsheet-pat"})
        assert status == 200 and "connected" in page, (status, page[:400])
        status, _, form = browser.request("GET", "/link/connectors/zelt/oauth")
        assert status == 200, status
        status, headers, _ = browser.request("POST", "/link/connectors/zelt/oauth", {
            "csrf": csrf_of(form), "clientId": self.world.zelt_client, "clientSecret": self.world.zelt_secret})
        assert status in (302, 303), status
        status, headers, _ = exchange("GET", headers["Location"])
        assert status in (302, 303), status
        status, _, page = browser.request("GET", headers["Location"])
        assert status == 200 and "Zelt is connected" in page, (status, page[:400])
        status, answer = self.world.api("GET", "/v1/accounts?endUserId=" + self.end_user)
        accounts = {account["connector"]: account["id"] for account in answer["accounts"]}
        self.smartsheet, self.zelt = accounts["smartsheet_iam"], accounts["zelt"]

    # Scenarios

    async def initialize_and_list_tools(self):
        token = self.mint(endUserId=self.end_user)
        async with agent(self.world.mcp_url, token) as session:
            tools = (await session.list_tools()).tools
            names = sorted(tool.name for tool in tools)
            assert names == [
                "smartsheet_iam_action_addUser", "smartsheet_iam_action_removeUser", "smartsheet_iam_action_updateUser",
                "smartsheet_iam_unified_iam_user_create", "smartsheet_iam_unified_iam_user_deactivate",
                "smartsheet_iam_unified_iam_user_get", "smartsheet_iam_unified_iam_user_list", "smartsheet_iam_unified_iam_user_update",
                "smartsheet_iam_users_get", "smartsheet_iam_users_list",
                "zelt_unified_hris_employee_get", "zelt_unified_hris_employee_list", "zelt_unified_iam_user_get",
                "zelt_unified_iam_user_list", "zelt_users_list"], names
            listing = {tool.name: tool for tool in tools}
            users = listing["smartsheet_iam_users_list"]
            properties = users.input_schema["properties"]
            # Typed inputs from the spec, plus the paging inputs.
            assert properties["modifiedSince"] == {"type": "string", "format": "date-time",
                                                   "description": "Only users modified on or after this date and time."}, properties
            assert set(properties) == {"modifiedSince", "emails", "limit", "cursor"}, properties
            record = users.output_schema["properties"]["records"]["items"]
            assert record["properties"]["id"] == {"type": "integer"} and record["required"] == ["id", "email"], record
            assert record["properties"]["lastLogin"]["type"] == ["string", "null"], record
            assert users.annotations.read_only_hint is True and users.annotations.destructive_hint is False \
                and users.annotations.idempotent_hint is True, users.annotations
            assert "Users of the Smartsheet organization" in users.description, users.description
            # Unified tools: the model's fields as the output, limit and cursor (or remoteId) as the input.
            unified = listing["smartsheet_iam_unified_iam_user_list"]
            assert set(unified.input_schema["properties"]) == {"limit", "cursor"}, unified.input_schema
            item = unified.output_schema["properties"]["records"]["items"]
            assert item["required"] == ["id", "userName", "remote"], item
            assert item["properties"]["status"]["properties"]["value"]["enum"][-1] == "unknown", item["properties"]["status"]
            assert unified.annotations.read_only_hint is True and unified.annotations.idempotent_hint is True, unified.annotations
            assert listing["smartsheet_iam_unified_iam_user_get"].input_schema["required"] == ["remoteId"]
            # Writes: typed inputs from the spec, hints from it (POST creates again, DELETE does not).
            add = listing["smartsheet_iam_action_addUser"]
            assert add.input_schema["required"] == ["email", "admin", "licensedSheetCreator"], add.input_schema
            assert add.input_schema["properties"]["sendEmail"]["type"] == "boolean", add.input_schema
            assert (add.annotations.read_only_hint, add.annotations.destructive_hint, add.annotations.idempotent_hint) == (False, False, False)
            remove = listing["smartsheet_iam_action_removeUser"]
            assert "confirm" in remove.input_schema["required"], remove.input_schema
            assert (remove.annotations.read_only_hint, remove.annotations.destructive_hint, remove.annotations.idempotent_hint) == (False, True, True)
            deactivate = listing["smartsheet_iam_unified_iam_user_deactivate"]
            assert deactivate.annotations.destructive_hint is True and deactivate.input_schema["required"] == ["id", "confirm"], deactivate
            create = listing["smartsheet_iam_unified_iam_user_create"]
            # Only the unified inputs Smartsheet's binding reads (not title, locale, ...).
            assert set(create.input_schema["properties"]) == {"userName", "email", "givenName", "familyName"}, create.input_schema
            # Its output is the app API's answer, the record named as the model's (its schema is the get tool's).
            assert "unified iam.user shape" in create.output_schema["properties"]["record"]["description"], create.output_schema
            assert create.output_schema["required"] == ["model", "operation", "action", "providerStatus"], create.output_schema
            # The whole list within the default budget.
            total = tokens([tool.model_dump(by_alias=True, exclude_none=True, mode="json") for tool in tools])
            assert total <= 8000, total

    def unified_routes_serve_compiled_models(self):
        # The app API's unified routes read the same compiled specs as the tools.
        status, answer = self.world.api("GET", "/v1/accounts/%s/unified/ats.candidate" % self.zelt)
        assert status == 400 and "It maps: hris.employee, iam.user." in json.dumps(answer), (status, answer)
        status, answer = self.world.api("GET", "/v1/accounts/%s/unified/iam.user?limit=5" % self.zelt)
        assert status == 200 and answer["records"], (status, answer)

    async def list_and_follow_cursor(self):
        token = self.mint(accountId=self.smartsheet)
        async with agent(self.world.mcp_url, token) as session:
            await session.list_tools()  # the client checks results against the listed outputSchema
            seen = []
            arguments = {"limit": 3}
            pages = 0
            while True:
                result = await session.call_tool("smartsheet_iam_users_list", arguments)
                assert not result.is_error, result
                structured = result.structured_content
                seen += [record["id"] for record in structured["records"]]
                assert json.loads(result.content[0].text) == structured, result.content[0].text
                pages += 1
                if "nextCursor" not in structured:
                    break
                arguments = {"limit": 3, "cursor": structured["nextCursor"]}
                assert pages < 5, "the cursor ends"
            assert seen == [1000, 1001, 1002, 1003, 1004] and pages == 2, (seen, pages)
            # A cursor belongs to its inputs.
            result = await session.call_tool("smartsheet_iam_users_list", {"emails": "x@acme.example", "cursor": arguments.get("cursor", "")})
            assert result.is_error and result.content[0].text.startswith("invalid_arguments:"), result

    async def get_by_id(self):
        token = self.mint(accountId=self.smartsheet)
        async with agent(self.world.mcp_url, token) as session:
            await session.list_tools()
            result = await session.call_tool("smartsheet_iam_users_get", {"id": "1003"})
            assert not result.is_error and result.structured_content["email"] == "user3@acme.example", result
            result = await session.call_tool("smartsheet_iam_users_get", {"id": "999"})
            assert result.is_error and result.content[0].text.startswith("not_found:"), result

    async def truncated_at_the_byte_cap(self):
        token = self.mint(accountId=self.zelt)
        async with agent(self.world.mcp_url, token) as session:
            await session.list_tools()
            result = await session.call_tool("zelt_users_list", {"limit": 100})
            assert not result.is_error, result
            structured = result.structured_content
            count = len(structured["records"])
            assert structured.get("truncated") is True and "nextCursor" in structured and 0 < count < 30, (count, structured.keys())
            assert len(json.dumps(structured["records"]).encode()) <= 32 * 1024
            assert "[truncated: %d records fill the 32 KiB result cap; call again with nextCursor for the rest]" % count \
                in result.content[0].text, result.content[0].text[-200:]
            seen = [record["userId"] for record in structured["records"]]
            while "nextCursor" in structured:
                result = await session.call_tool("zelt_users_list", {"limit": 100, "cursor": structured["nextCursor"]})
                structured = result.structured_content
                seen += [record["userId"] for record in structured["records"]]
            assert seen == list(range(100, 130)), seen

    async def refused_outside_scope(self):
        token = self.mint(accountId=self.smartsheet, tools=["smartsheet_iam_users_list"])
        async with agent(self.world.mcp_url, token) as session:
            names = [tool.name for tool in (await session.list_tools()).tools]
            assert names == ["smartsheet_iam_users_list"], names
            for other in ("smartsheet_iam_users_get", "zelt_users_list"):
                try:
                    result = await session.call_tool(other, {"id": "1001"} if other.endswith("_get") else {})
                except MCPError as error:
                    assert "Unknown tool" in str(error), error
                else:
                    raise AssertionError("%s was answered outside the token's scope: %r" % (other, result))
        # No token, a wrong one: 401 with the protected-resource metadata.
        for header in ({}, {"Authorization": "Bearer mcp_forged.x"}, {"Authorization": "Bearer " + APP_KEY}):
            status, headers, _ = exchange("POST", self.world.mcp_url, json.dumps({"jsonrpc": "2.0", "id": 1, "method": "ping"}),
                                          dict(header, **{"Content-Type": "application/json"}))
            assert status == 401 and 'resource_metadata="%s/.well-known/oauth-protected-resource/mcp"' % self.world.base \
                in headers["WWW-Authenticate"], (status, dict(headers))
        # Not JSON, and a batch (no longer part of the protocol): JSON-RPC errors, not a crash.
        for body, code in (("{", -32700), ("[]", -32600)):
            status, answer = call_raw_json(self.world.mcp_url, body, {"Authorization": "Bearer " + token})
            assert status == 200 and answer["error"]["code"] == code, (body, status, answer)
        status, metadata = call("GET", self.world.base + "/.well-known/oauth-protected-resource/mcp")
        assert status == 200 and metadata["resource"] == self.world.mcp_url, metadata
        # A session id made for another token is not this token's.
        other = self.mint(accountId=self.smartsheet)
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}})
        status, headers, _ = exchange("POST", self.world.mcp_url, body, {"Authorization": "Bearer " + other, "Content-Type": "application/json"})
        assert status == 200 and headers["Mcp-Session-Id"], status
        status, _, _ = exchange("POST", self.world.mcp_url, json.dumps({"jsonrpc": "2.0", "id": 2, "method": "tools/list"}), {
            "Authorization": "Bearer " + token, "Content-Type": "application/json", "Mcp-Session-Id": headers["Mcp-Session-Id"]})
        assert status == 404, status
        # The app API refuses a token for nobody, for an unknown account, and bad lifetimes or budgets.
        for path, body, expected in (
                ("/v1/mcp-tokens", {}, 400), ("/v1/mcp-tokens", {"endUserId": "u", "expiresInSeconds": 5}, 400),
                ("/v1/mcp-tokens", {"endUserId": "u", "toolBudget": 100}, 400), ("/v1/mcp-tokens", {"endUserId": "u", "tools": []}, 400),
                ("/v1/accounts/nope/mcp-tokens", {}, 404),
                ("/v1/accounts/%s/mcp-tokens" % self.smartsheet, {"endUserId": self.end_user}, 400)):
            status, answer = self.world.api("POST", path, body)
            assert status == expected, (path, body, status, answer)

    async def refused_after_expiry(self):
        token = self.mint(accountId=self.smartsheet, expiresInSeconds=10)
        async with agent(self.world.mcp_url, token) as session:
            await session.list_tools()
            time.sleep(11)  # no assertion on time: only past the token's lifetime
            try:
                await session.list_tools()
            except MCPError:
                pass  # the client reports the endpoint's 401 as an error response
            else:
                raise AssertionError("an expired token was served")
        status, headers, _ = exchange("POST", self.world.mcp_url, json.dumps({"jsonrpc": "2.0", "id": 1, "method": "ping"}),
                                      {"Authorization": "Bearer " + token, "Content-Type": "application/json"})
        assert status == 401 and "invalid_token" in headers["WWW-Authenticate"], status

    async def search_then_call_over_budget(self):
        # Both accounts' 15 tools take about 6,100 tokens (make mcp-bench): over a budget of 1,000.
        budget = 1000
        token = self.mint(endUserId=self.end_user, toolBudget=budget)
        async with agent(self.world.mcp_url, token) as session:
            tools = (await session.list_tools()).tools
            assert sorted(tool.name for tool in tools) == ["call_tool", "search_tools"], [tool.name for tool in tools]
            assert tokens([tool.model_dump(by_alias=True, exclude_none=True, mode="json") for tool in tools]) <= budget
            result = await session.call_tool("search_tools", {"query": "smartsheet users get"})
            assert not result.is_error, result
            found = result.structured_content["tools"]
            assert found and found[0]["name"] == "smartsheet_iam_users_get", [tool["name"] for tool in found]
            assert result.structured_content["matched"] > len(found) and "more matches left out" in result.content[0].text, result
            assert tokens(result.model_dump(by_alias=True, exclude_none=True, mode="json")) <= budget
            # call_tool may run the token's destructive tools: its annotations say so.
            call_tool = {tool.name: tool for tool in tools}["call_tool"]
            assert call_tool.annotations.destructive_hint is True and call_tool.annotations.read_only_hint is False, call_tool.annotations
            result = await session.call_tool("call_tool", {"name": "smartsheet_iam_users_get", "arguments": {"id": "1001"}})
            assert not result.is_error and json.loads(result.content[0].text)["id"] == 1001, result

    async def reconnect_required_after_revocation(self):
        token = self.mint(accountId=self.zelt)
        async with agent(self.world.mcp_url, token) as session:
            await session.list_tools()
            result = await session.call_tool("zelt_users_list", {"limit": 1})
            assert not result.is_error, result
            status, _ = call("POST", self.world.auth_url + "/_control/revoke-all?client_id=" + self.world.zelt_client)
            assert status == 200, status
            result = await session.call_tool("zelt_users_list", {"limit": 1})
            text = result.content[0].text
            assert result.is_error and text.startswith("reconnect_required: The Zelt account must be reconnected"), text
            assert "Traceback" not in text and "secret" not in text.lower() and "Bearer" not in text, text
        status, answer = self.world.api("GET", "/v1/accounts/" + self.zelt)
        assert answer["status"] == "reconnect_required", answer

    async def cursor_walk_costs_one_provider_page_a_call(self):
        token = self.mint(accountId=self.smartsheet)
        async with agent(self.world.mcp_url, token) as session:
            await session.list_tools()
            seen, costs, asked = [], [], []
            arguments = {"limit": 2}
            while True:
                before = len(self.smartsheet_list_requests())
                result = await session.call_tool("smartsheet_iam_users_list", arguments)
                assert not result.is_error, result
                sent = self.smartsheet_list_requests()[before:]
                costs.append(len(sent))
                asked += sent
                structured = result.structured_content
                seen += [record["id"] for record in structured["records"]]
                if "nextCursor" not in structured:
                    break
                arguments = {"limit": 2, "cursor": structured["nextCursor"]}
                assert len(costs) < 6, "the cursor ends"
            # Each call reads the one provider page after the last (pages of `limit`), never the
            # pages before it: 3 requests for 3 calls, where re-reading from the start took 1 + 2 + 3.
            assert seen == [1000, 1001, 1002, 1003, 1004], seen
            assert costs == [1, 1, 1], costs
            assert asked == [("1", "2"), ("2", "2"), ("3", "2")], asked

    async def cursor_sealed_and_bound_to_its_token(self):
        token = self.mint(accountId=self.smartsheet)
        other = self.mint(accountId=self.smartsheet)
        async with agent(self.world.mcp_url, token) as session:
            await session.list_tools()
            result = await session.call_tool("smartsheet_iam_users_list", {"limit": 2})
            cursor = result.structured_content["nextCursor"]
            # Sealed: the provider's page position is not readable in it.
            decoded = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            assert b"page" not in decoded.lower() and b"users" not in decoded, decoded
            # A changed character: refused.
            forged = cursor[:-2] + ("A" if cursor[-2] != "A" else "B") + cursor[-1]
            result = await session.call_tool("smartsheet_iam_users_list", {"limit": 2, "cursor": forged})
            assert result.is_error and result.content[0].text.startswith("invalid_arguments: cursor is not a nextCursor"), result
            result = await session.call_tool("smartsheet_iam_users_list", {"limit": 2, "cursor": cursor})
            assert not result.is_error and [r["id"] for r in result.structured_content["records"]] == [1002, 1003], result
        # The same cursor under another token of the same account: refused (no replay elsewhere).
        async with agent(self.world.mcp_url, other) as session:
            await session.list_tools()
            result = await session.call_tool("smartsheet_iam_users_list", {"limit": 2, "cursor": cursor})
            assert result.is_error and result.content[0].text.startswith("invalid_arguments: cursor is not a nextCursor"), result

    async def revoked_through_the_app_api(self):
        token = self.mint(accountId=self.smartsheet)
        token_id = token[len("mcp_"):].split(".")[0]
        async with agent(self.world.mcp_url, token) as session:
            assert (await session.list_tools()).tools
            # Without the app key: refused, and the token still works.
            status, _ = call("DELETE", self.world.base + "/v1/mcp-tokens/" + token_id)
            assert status == 401, status
            await session.list_tools()
            status, answer = self.world.api("DELETE", "/v1/mcp-tokens/" + token_id)
            assert status == 204, (status, answer)
            try:
                await session.list_tools()
            except MCPError:
                pass  # the endpoint's 401
            else:
                raise AssertionError("a revoked token was served")
        status, headers, _ = exchange("POST", self.world.mcp_url, json.dumps({"jsonrpc": "2.0", "id": 1, "method": "ping"}),
                                      {"Authorization": "Bearer " + token, "Content-Type": "application/json"})
        assert status == 401 and "invalid_token" in headers["WWW-Authenticate"], status
        for path in ("/v1/mcp-tokens/" + token_id, "/v1/mcp-tokens/unknown", "/v1/mcp-tokens/AAAAAAAAAAAA"):
            status, answer = self.world.api("DELETE", path)
            assert status == 404, (path, status, answer)

    async def expired_tokens_purged(self):
        short = self.mint(accountId=self.smartsheet, expiresInSeconds=10)
        long = self.mint(accountId=self.smartsheet)
        time.sleep(11)  # no assertion on time: only past the short token's lifetime
        self.mint(accountId=self.smartsheet)  # each mint purges the expired tokens

        def stored(token):
            token_id = token[len("mcp_"):].split(".")[0]
            database = sqlite3.connect(os.path.join(self.world.directory, "hub.sqlite.records"))
            try:
                return database.execute(
                    "SELECT count(*) FROM hub_records WHERE (kind = 'mcp-token' AND id = ?) OR (kind = 'mcp-token-id' AND id = ?)",
                    (hashlib.sha256(token.encode()).hexdigest(), token_id)).fetchone()[0]
            finally:
                database.close()
        assert stored(short) == 0, "the expired token is still stored"
        assert stored(long) == 2, "a live token was purged"
        status, _ = self.world.api("DELETE", "/v1/mcp-tokens/" + short[len("mcp_"):].split(".")[0])
        assert status == 404, status
        assert "purged" in open(self.world.hub_log_path).read()

    def smartsheet_writes(self):
        """The Smartsheet emulation's requests other than GET: (method, path, body) of each."""
        status, recorded = call("GET", self.world.paging_url + "/_control/requests/smartsheet.mcp")
        assert status == 200, status
        return [(request["method"], urllib.parse.urlsplit(request["path"]).path.split("/smartsheet.mcp", 1)[1],
                 json.loads(request["body"]) if request["body"] else None) for request in recorded if request["method"] != "GET"]

    def action_log(self, account):
        status, answer = self.world.api("GET", "/v1/accounts/%s/action-log" % account)
        assert status == 200, (status, answer)
        return answer["entries"]

    async def unified_list_follows_its_cursor(self):
        token = self.mint(accountId=self.smartsheet)
        async with agent(self.world.mcp_url, token) as session:
            await session.list_tools()  # the client checks results against the listed outputSchema
            seen, costs = [], []
            arguments = {"limit": 2}
            while True:
                before = len(self.smartsheet_list_requests())
                result = await session.call_tool("smartsheet_iam_unified_iam_user_list", arguments)
                assert not result.is_error, result
                costs.append(len(self.smartsheet_list_requests()) - before)
                structured = result.structured_content
                for record in structured["records"]:
                    assert record["userName"] == record["email"] == record["remote"]["email"], record
                    assert str(record["remote"]["id"]) == record["id"], record
                seen += [record["id"] for record in structured["records"]]
                if seen[:1] == ["1000"] and len(seen) <= 2:
                    assert structured["records"][0]["status"] == {"value": "active", "sourceValue": "ACTIVE"}, structured["records"][0]
                if "nextCursor" not in structured:
                    break
                arguments = {"limit": 2, "cursor": structured["nextCursor"]}
                assert len(costs) < 6, "the cursor ends"
            # The resource tools' page walk: one provider page a call, sealed cursors.
            assert seen == ["1000", "1001", "1002", "1003", "1004"], seen
            assert costs == [1, 1, 1], costs
            # A unified list's cursor is refused by the resource list of the same users (bound to its tool).
            result = await session.call_tool("smartsheet_iam_users_list", {"limit": 2, "cursor": arguments["cursor"]})
            assert result.is_error and result.content[0].text.startswith("invalid_arguments: cursor is not a nextCursor"), result
            result = await session.call_tool("smartsheet_iam_unified_iam_user_list", {"limit": 500})
            assert result.is_error and result.content[0].text.startswith("invalid_arguments: limit must be"), result

    async def unified_get(self):
        token = self.mint(endUserId=self.end_user)
        async with agent(self.world.mcp_url, token) as session:
            await session.list_tools()
            result = await session.call_tool("smartsheet_iam_unified_iam_user_get", {"remoteId": "1003", "account": self.smartsheet})
            assert not result.is_error, result
            record = result.structured_content
            assert record["id"] == "1003" and record["email"] == "user3@acme.example" and record["givenName"] == "User3", record
            assert json.loads(result.content[0].text) == record
            result = await session.call_tool("smartsheet_iam_unified_iam_user_get", {"remoteId": "999", "account": self.smartsheet})
            assert result.is_error and result.content[0].text.startswith("not_found:"), result
            # Zelt's users have no get: the record is found in the list, as the unified route does.
            result = await session.call_tool("zelt_unified_hris_employee_get", {"remoteId": "105", "account": self.zelt})
            assert not result.is_error, result
            assert result.structured_content["workEmail"] == "z5@acme.example" and result.structured_content["id"] == "105", result
            # Zelt's records are about 3 KiB (with remote): the 32 KiB cap and its marker, as for the resource tools.
            result = await session.call_tool("zelt_unified_iam_user_list", {"limit": 100, "account": self.zelt})
            structured = result.structured_content
            count = len(structured["records"])
            assert not result.is_error and structured.get("truncated") is True and "nextCursor" in structured and 0 < count < 30, result
            assert "[truncated: %d records fill the 32 KiB result cap; call again with nextCursor for the rest]" % count \
                in result.content[0].text, result.content[0].text[-200:]

    async def action_creates_one_record(self):
        token = self.mint(accountId=self.smartsheet)
        async with agent(self.world.mcp_url, token) as session:
            await session.list_tools()
            before = self.smartsheet_writes()
            # Inputs that do not match: problems named, nothing sent.
            result = await session.call_tool("smartsheet_iam_action_addUser", {"email": "ada@acme.example", "admin": "yes"})
            text = result.content[0].text
            assert result.is_error and text.startswith("invalid_arguments:") and "admin must be" in text \
                and "licensedSheetCreator is required" in text and "Nothing was sent" in text, text
            assert self.smartsheet_writes() == before
            result = await session.call_tool("smartsheet_iam_action_addUser", {
                "email": "ada@acme.example", "firstName": "Ada", "admin": False, "licensedSheetCreator": True})
            assert not result.is_error, result
            assert result.structured_content["providerStatus"] == 200 and result.structured_content["record"]["id"] == 2000, result
            sent = self.smartsheet_writes()[len(before):]
            assert sent == [("POST", "/2.0/users", {"email": "ada@acme.example", "firstName": "Ada", "admin": False,
                                                    "licensedSheetCreator": True})], sent
            # The unified operation: unified inputs mapped to the same action, one request.
            result = await session.call_tool("smartsheet_iam_unified_iam_user_create", {"userName": "grace@acme.example", "givenName": "Grace"})
            assert not result.is_error and result.structured_content["id"] == "2000", result
            # The app API's answer (the same function): the created user as an iam.user, Smartsheet's record under remote.
            answer = result.structured_content
            assert (answer["model"], answer["operation"], answer["action"], answer["providerStatus"]) == \
                ("iam.user", "create", "addUser", 200), answer
            record = answer["record"]
            assert (record["id"], record["email"], record["userName"], record["givenName"]) == \
                ("2000", "grace@acme.example", "grace@acme.example", "Grace"), record
            assert record["remote"]["id"] == 2000 and record["remote"]["status"] == "PENDING", record
            assert "remote" not in answer and "conversionError" not in answer, answer
            assert json.loads(result.content[0].text) == answer
            sent = self.smartsheet_writes()[len(before):]
            assert len(sent) == 2 and sent[1][:2] == ("POST", "/2.0/users") and sent[1][2]["email"] == "grace@acme.example", sent
        entries = self.action_log(self.smartsheet)
        mine = [(entry["action"], entry["outcome"], entry.get("via")) for entry in entries[:3]]
        assert mine == [("iam.user.create", "succeeded", "mcp"), ("addUser", "succeeded", "mcp"), ("addUser", "invalidInput", "mcp")], mine
        log = json.dumps(entries)
        assert "ada@" not in log and "Grace" not in log and "smartsheet-pat" not in log, "no input value or credential in the log"

    async def destructive_needs_confirm(self):
        token = self.mint(accountId=self.smartsheet)
        async with agent(self.world.mcp_url, token) as session:
            await session.list_tools()
            before = self.smartsheet_writes()
            for name, arguments in (("smartsheet_iam_action_removeUser", {"userId": 1001}),
                                    ("smartsheet_iam_action_removeUser", {"userId": 1001, "confirm": False}),
                                    ("smartsheet_iam_unified_iam_user_deactivate", {"id": "1001"})):
                result = await session.call_tool(name, arguments)
                text = result.content[0].text
                assert result.is_error and text.startswith("confirmation_required: %s deletes or deactivates data at Smartsheet. "
                                                           "Nothing was sent." % name), text
            assert self.smartsheet_writes() == before, "nothing sent without confirm"
            result = await session.call_tool("smartsheet_iam_action_removeUser", {"userId": 1001, "confirm": True})
            assert not result.is_error and result.structured_content["providerStatus"] == 200, result
            assert self.smartsheet_writes()[len(before):] == [("DELETE", "/2.0/users/1001", None)], self.smartsheet_writes()[len(before):]
            # The provider's 404: a tool error, nothing else changed.
            result = await session.call_tool("smartsheet_iam_unified_iam_user_deactivate", {"id": "999", "confirm": True})
            assert result.is_error and result.content[0].text.startswith("not_found:"), result
            assert "Traceback" not in result.content[0].text and "smartsheet-pat" not in result.content[0].text
        outcomes = [(entry["action"], entry["outcome"]) for entry in self.action_log(self.smartsheet)[:5]]
        assert outcomes == [("iam.user.deactivate", "unexpectedStatus"), ("removeUser", "succeeded"),
                            ("iam.user.deactivate", "confirmationRequired"), ("removeUser", "confirmationRequired"),
                            ("removeUser", "confirmationRequired")], outcomes

    async def write_outside_allow_list_refused(self):
        token = self.mint(accountId=self.smartsheet, tools=["smartsheet_iam_unified_iam_user_list", "smartsheet_iam_action_updateUser"])
        async with agent(self.world.mcp_url, token) as session:
            tools = (await session.list_tools()).tools
            assert sorted(tool.name for tool in tools) == ["smartsheet_iam_action_updateUser", "smartsheet_iam_unified_iam_user_list"], tools
            before = self.smartsheet_writes()
            for name, arguments in (("smartsheet_iam_action_addUser", {"email": "x@acme.example", "admin": False, "licensedSheetCreator": False}),
                                    ("smartsheet_iam_action_removeUser", {"userId": 1002, "confirm": True}),
                                    ("smartsheet_iam_unified_iam_user_create", {"userName": "x@acme.example"})):
                try:
                    result = await session.call_tool(name, arguments)
                except MCPError as error:
                    assert "Unknown tool" in str(error), error
                else:
                    raise AssertionError("%s was answered outside the token's allow-list: %r" % (name, result))
            assert self.smartsheet_writes() == before, "nothing sent outside the allow-list"
        # In search mode too: call_tool runs only the allow-list's tools.
        token = self.mint(accountId=self.smartsheet, tools=["smartsheet_iam_unified_iam_user_list", "smartsheet_iam_action_updateUser"],
                          toolBudget=900)  # the two tools take about 970 tokens, updateUser's answer (twice) 840
        async with agent(self.world.mcp_url, token) as session:
            tools = {tool.name: tool for tool in (await session.list_tools()).tools}
            assert sorted(tools) == ["call_tool", "search_tools"], sorted(tools)
            # updateUser (PUT) writes but deletes nothing: not read-only, not destructive.
            assert (tools["call_tool"].annotations.read_only_hint, tools["call_tool"].annotations.destructive_hint) == (False, False)
            result = await session.call_tool("search_tools", {"query": "update remove delete"})
            assert [tool["name"] for tool in result.structured_content["tools"]] == ["smartsheet_iam_action_updateUser"] \
                and result.structured_content["matched"] == 1, result.structured_content
            result = await session.call_tool("call_tool", {"name": "smartsheet_iam_action_removeUser", "arguments": {"userId": 1002, "confirm": True}})
            assert result.is_error and result.content[0].text.startswith("unknown_tool:"), result
            result = await session.call_tool("call_tool", {"name": "smartsheet_iam_unified_iam_user_list", "arguments": {"limit": 1}})
            assert not result.is_error and [r["id"] for r in result.structured_content["records"]] == ["1000"], result
            assert self.smartsheet_writes() == before, "nothing sent outside the allow-list"


def bench(world, run, calls):
    """MCP tools/call latency against the proxy's for the same provider request, interleaved in
    one run: Smartsheet's GET /users/{id} through /v1/accounts/{id}/proxy/users/1001 and through
    smartsheet_iam_users_get (raw JSON-RPC over one HTTP connection each, like a client)."""
    import statistics
    token = run.mint(accountId=run.smartsheet)
    mcp_headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}}})
    status, headers, _ = exchange("POST", world.mcp_url, body, mcp_headers)
    assert status == 200, status
    mcp_headers["Mcp-Session-Id"] = headers["Mcp-Session-Id"]
    mcp_headers["MCP-Protocol-Version"] = "2025-11-25"
    parts = urllib.parse.urlsplit(world.base)
    mcp_connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    proxy_connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    call_body = json.dumps({"jsonrpc": "2.0", "id": 2, "method": "tools/call",
                            "params": {"name": "smartsheet_iam_users_get", "arguments": {"id": "1001"}}})
    proxy_path = "/v1/accounts/%s/proxy/users/1001" % run.smartsheet

    def timed(connection, method, path, body, headers):
        start = time.perf_counter()
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        elapsed = time.perf_counter() - start
        assert response.status == 200, (path, response.status, data[:200])
        return elapsed, data

    mcp_times, proxy_times = [], []
    for index in range(calls + 10):
        mcp, data = timed(mcp_connection, "POST", "/mcp", call_body, mcp_headers)
        assert b'"isError":false' in data, data[:300]
        proxy, _ = timed(proxy_connection, "GET", proxy_path, None, {"Authorization": "Bearer " + APP_KEY})
        if index >= 10:  # warm-up left out
            mcp_times.append(mcp)
            proxy_times.append(proxy)
    mcp_median, proxy_median = statistics.median(mcp_times), statistics.median(proxy_times)
    print("MCP call latency over the proxy's (%d interleaved calls each, debug build, load %s)" % (calls, open("/proc/loadavg").read().split()[0]))
    print("| path | p50 ms | p90 ms |")
    print("| --- | ---: | ---: |")
    for label, times in (("proxy GET /v1/accounts/{id}/proxy/users/1001", proxy_times), ("MCP tools/call smartsheet_iam_users_get", mcp_times)):
        ordered = sorted(times)
        print("| %s | %.2f | %.2f |" % (label, statistics.median(ordered) * 1000, ordered[int(len(ordered) * 0.9)] * 1000))
    print("MCP p50 / proxy p50: %.2f" % (mcp_median / proxy_median))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--hub", required=True)
    parser.add_argument("--bench", type=int, default=0, help="instead of the tests: N interleaved MCP and proxy calls")
    arguments = parser.parse_args()
    directory = tempfile.mkdtemp(prefix="hub-mcp-")
    world = None
    run = None
    try:
        world = World(arguments.hub, directory)
        run = Run(world)
        run.scenario("both accounts linked through the pages", run.link_accounts)
        if arguments.bench:
            bench(world, run, arguments.bench)
            return
        run.scenario("initialize, tools/list: typed schemas, annotations, within the budget", run.initialize_and_list_tools)
        run.scenario("the unified routes serve the compiled models (Hub away from the source tree)", run.unified_routes_serve_compiled_models)
        run.scenario("list a page and follow nextCursor to the end", run.list_and_follow_cursor)
        run.scenario("a cursor walk costs one provider page a call", run.cursor_walk_costs_one_provider_page_a_call)
        run.scenario("a cursor is sealed and bound to its token", run.cursor_sealed_and_bound_to_its_token)
        run.scenario("get by id; not found as a tool error", run.get_by_id)
        run.scenario("a result over the byte cap: truncated with a marker and a cursor", run.truncated_at_the_byte_cap)
        run.scenario("refused outside the token's account and allow-list, without a token", run.refused_outside_scope)
        run.scenario("refused after expiry", run.refused_after_expiry)
        run.scenario("revoked through the app API (DELETE /v1/mcp-tokens/{id})", run.revoked_through_the_app_api)
        run.scenario("expired tokens purged at the next mint", run.expired_tokens_purged)
        run.scenario("search-then-call when the tool list exceeds the budget", run.search_then_call_over_budget)
        run.scenario("a unified list follows its cursor, one provider page a call", run.unified_list_follows_its_cursor)
        run.scenario("a unified get; not found as a tool error", run.unified_get)
        run.scenario("an action creates one record (one request), logged via mcp", run.action_creates_one_record)
        run.scenario("a destructive action refused without confirm, run with it", run.destructive_needs_confirm)
        run.scenario("writes outside the token's allow-list refused, search mode included", run.write_outside_allow_list_refused)
        run.scenario("reconnect_required after the provider revoked the grant", run.reconnect_required_after_revocation)
    except Exception:
        traceback.print_exc()
    finally:
        if world:
            world.stop()
        if run is None or run.failed:
            print("logs kept in " + directory)
            if world:
                print(open(world.hub_log_path).read()[-3000:])
        else:
            shutil.rmtree(directory, ignore_errors=True)
    print("%d passed, %d failed" % (run.passed if run else 0, run.failed if run else 1))
    sys.exit(0 if run and not run.failed and run.passed else 1)


if __name__ == "__main__":
    main()
