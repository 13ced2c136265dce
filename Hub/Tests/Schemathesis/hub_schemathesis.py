#!/usr/bin/env python3
"""Schemathesis against a running connector-hub: Hub/openapi.json must describe what the server
answers, for generated valid and invalid requests and for stateful sequences along the links
the document declares (list accounts -> get, reconnect, proxy, delete).

  hub_schemathesis.py --hub PATH/connector-hub [--max-examples N]

(`make hub-schemathesis-test`.) Starts, on loopback only, the Authlib provider emulation
(Tests/Servers/authserver.py) as BambooHR and a development connector-hub on its own SQLite
files, links one BambooHR account through the Link Account form (so the account operations have
an account to work on), runs `schemathesis run` with every check, and stops both. Exits
non-zero on any schemathesis failure.
"""

import argparse
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "Python"))
from local_services import free_port, wait_for  # noqa: E402
OPENAPI = os.path.join(HERE, "..", "..", "openapi.json")
AUTHSERVER = os.path.join(HERE, "..", "..", "..", "Tests", "Servers", "authserver.py")
APP_KEY = "schemathesis-app-key-" + uuid.uuid4().hex
# The embedding origin this Hub allows. Which origins a deployment allows is its configuration,
# not the document's: the run uses a copy of openapi.json that lists this one as embedOrigin's
# only value, so generated valid requests name an allowed origin (and invalid ones do not).
ORIGIN = "https://app.schemathesis.example"
ACCOUNT_OPERATIONS = ["getAccount", "createReconnectSession", "proxyGet", "proxyPost", "proxyPut", "proxyPatch", "proxyDelete", "createAccountMCPToken",
                      "runAction", "listActionLog", "listUnifiedRecords", "getUnifiedRecord", "runUnifiedOperation"]


def exchange(base, method, path, body=None, headers=None):
    """One request, redirects not followed: (status, headers, text)."""
    parts = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=dict(headers or {}))
        response = connection.getresponse()
        return response.status, response.msg, response.read().decode()
    finally:
        connection.close()


def link_bamboohr(base, key):
    """Links one BambooHR account like a browser: session, link, form, post."""
    auth = {"Authorization": "Bearer " + APP_KEY, "Content-Type": "application/json"}
    status, _, text = exchange(base, "POST", "/v1/link-sessions", json.dumps({"endUserId": "schemathesis-user"}), auth)
    assert status == 201, text
    url = json.loads(text)["url"]
    cookies = {}

    def browse(method, path, form=None):
        headers = {"Cookie": "; ".join("%s=%s" % pair for pair in cookies.items())} if cookies else {}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers.update({"Content-Type": "application/x-www-form-urlencoded", "Origin": base})
        status, response_headers, text = exchange(base, method, path, body, headers)
        for value in response_headers.get_all("Set-Cookie") or []:
            name, _, rest = value.split(";")[0].partition("=")
            cookies[name.strip()] = rest.strip()
        return status, text

    status, _ = browse("GET", urllib.parse.urlsplit(url).path)
    assert status == 303, "the link opens once (%d)" % status
    status, form = browse("GET", "/link/connectors/bamboohr/api_key")
    assert status == 200, form
    marker = 'name="csrf" value="'
    start = form.index(marker) + len(marker)
    csrf = form[start:form.index('"', start)]
    status, page = browse("POST", "/link/connectors/bamboohr/api_key", {"csrf": csrf, "companyDomain": "acme", "apiKey": key})
    assert status == 200 and "is connected" in page, page[:400]
    status, _, text = exchange(base, "GET", "/v1/accounts", headers={"Authorization": "Bearer " + APP_KEY})
    assert status == 200, text
    return json.loads(text)["accounts"][0]["id"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--hub", required=True)
    parser.add_argument("--max-examples", type=int, default=40)
    arguments = parser.parse_args()
    schemathesis = shutil.which("schemathesis", path=os.path.dirname(sys.executable)) or shutil.which("schemathesis")
    if not schemathesis:
        sys.exit("schemathesis is not installed: `make venv` installs it from Tests/requirements.txt")
    directory = tempfile.mkdtemp(prefix="hub-schemathesis-")
    processes = []
    try:
        port_file = os.path.join(directory, "auth-port")
        auth_log = open(os.path.join(directory, "authserver.log"), "w")
        processes.append(subprocess.Popen(
            [sys.executable, AUTHSERVER, "--port-file", port_file], stdout=auth_log, stderr=auth_log,
            env=dict(os.environ, AUTHLIB_INSECURE_TRANSPORT="1", PYTHONUNBUFFERED="1")))
        wait_for(lambda: os.path.exists(port_file) and open(port_file).read().strip(), "the authserver's port")
        auth_url = "http://127.0.0.1:" + open(port_file).read().strip()
        wait_for(lambda: exchange(auth_url, "GET", "/_control/health")[0] == 200, "the authserver")
        key = "bamboo-" + uuid.uuid4().hex
        name = "bamboohr-" + uuid.uuid4().hex[:8]
        status, _, text = exchange(auth_url, "POST", "/_control/providers", json.dumps({
            "name": name, "authorize_path": "/authorize", "token_path": "/token",
            "static": {"kind": "basic", "username": key, "password": "x"},
            # The employee directory BambooHR's hris.employee mapping reads (the unified operations).
            "responses": {"/api/gateway.php/acme/v1/employees/directory": {"employees": [
                {"id": "4", "firstName": "Ada", "lastName": "Lovelace", "workEmail": "ada@acme.example", "jobTitle": "Engineer"}]}}}),
            {"Content-Type": "application/json"})
        assert status == 200, text

        port = free_port()
        base = "http://127.0.0.1:%d" % port
        config = {
            "publicBaseURL": base, "host": "127.0.0.1", "port": port, "appKeys": [APP_KEY], "development": True,
            "allowedOrigins": [ORIGIN],
            "sqlitePath": os.path.join(directory, "hub.sqlite"),
            "endpointOverrides": {"bamboohr": {"api.bamboohr.com": auth_url + "/p/" + name}},
        }
        config_path = os.path.join(directory, "hub.json")
        with open(config_path, "w") as handle:
            json.dump(config, handle)
        hub_log = open(os.path.join(directory, "hub.log"), "w")
        environment = {k: v for k, v in os.environ.items() if not k.startswith("CONNECTOR_HUB_")}
        processes.append(subprocess.Popen([arguments.hub, "--config", config_path], stdout=hub_log, stderr=hub_log, env=environment))
        wait_for(lambda: exchange(base, "GET", "/health")[0] == 200, "connector-hub")
        account = link_bamboohr(base, key)

        with open(OPENAPI) as handle:
            document = json.load(handle)
        for path in ("/v1/link-sessions", "/v1/accounts/{id}/reconnect-sessions"):
            schema = document["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
            schema["properties"]["embedOrigin"]["enum"] = [ORIGIN]
        # The models the linked account's connector maps (BambooHR: hris.employee); the others
        # are refused with 400, which negative testing checks.
        for path in ("/v1/accounts/{id}/unified/{model}", "/v1/accounts/{id}/unified/{model}/{remoteId}"):
            for parameter in document["paths"][path]["get"]["parameters"]:
                if parameter["name"] == "model":
                    parameter["schema"]["enum"] = ["hris.employee"]
        # Only the Hub makes a cursor (signed): any other string is refused with 400, so the
        # fuzzed document leaves the parameter out (UnifiedRoutesTests covers cursors).
        listing = document["paths"]["/v1/accounts/{id}/unified/{model}"]["get"]
        listing["parameters"] = [parameter for parameter in listing["parameters"] if parameter["name"] != "cursor"]
        deployed = os.path.join(directory, "openapi.json")
        with open(deployed, "w") as handle:
            json.dump(document, handle)
        # The operations on one account get the linked account's id in every phase (the stateful
        # phase also follows the document's links); deleting it is left to the links, so the
        # other operations keep an account to work on until the stateful phase.
        config_path = os.path.join(directory, "schemathesis.toml")
        with open(config_path, "w") as handle:
            handle.write("[[operations]]\ninclude-operation-id = [%s]\nparameters = { \"path.id\" = \"%s\" }\n" % (
                ", ".join('"%s"' % name for name in ACCOUNT_OPERATIONS), account))
        command = [
            schemathesis, "--config-file", config_path, "run", deployed, "--url", base, "--header", "Authorization: Bearer " + APP_KEY,
            "--checks", "all", "--max-examples", str(arguments.max_examples), "--workers", "1", "--seed", os.environ.get("HUB_SCHEMATHESIS_SEED", "17"),
            "--request-timeout", "30", "--no-color",
        ]
        print("schemathesis run", OPENAPI, "against", base, flush=True)
        # In the temporary folder: schemathesis keeps a cache of failures in its working directory.
        result = subprocess.run(command, cwd=directory, env=dict(os.environ, SCHEMATHESIS_TELEMETRY="false"))
        if result.returncode != 0:
            with open(os.path.join(directory, "hub.log")) as handle:
                print("--- connector-hub log (last lines)\n" + "".join(handle.readlines()[-30:]))
        sys.exit(result.returncode)
    finally:
        for process in reversed(processes):
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
