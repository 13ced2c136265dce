#!/usr/bin/env python3
"""Two connector-hub OS processes on one PostgreSQL, with the Authlib provider emulation
(Tests/Servers/authserver.py) as Zelt (OAuth) and BambooHR (API key).

  scripts/postgres.sh run python hub_processes.py --hub PATH/connector-hub

(`make hub-processes-test`; postgres.sh sets CONNECTOR_TEST_POSTGRES_URL.)

Both processes get the same configuration file (database, public base URL, signing key, app
key, OAuth client) and token keys; only their ports differ, and process 2 sends its outgoing
requests with URLSessionTransport (CONNECTOR_HUB_TRANSPORT=urlsession) while process 1 keeps the
default AsyncHTTPClientTransport, so both transports run in a real connector-hub. The test
plays the load balancer in front of them: every request goes to the process it names, with the
public origin a browser would send. Both processes trust a cached account record for an hour
(accountCacheSeconds), so only PostgreSQL's change notifications can make one see what the
other changed.

Scenarios: an OAuth link started on process 1 completed on process 2; an API-key form loaded on
1 and posted to 2 (CSRF across processes; a forged token refused); both list and proxy both
accounts; concurrent proxied calls on both across a token expiry make exactly one token request;
a status change to reconnect required and a removal on 1 seen by 2; a reconnect finished on 2
seen by 1; after a PostgreSQL restart both listen again and a removal on 1 is seen by 2; SIGTERM
stops both cleanly.

Prints 'N passed, N failed' and exits non-zero on any failure.
"""

import argparse
import base64
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import traceback
import urllib.parse
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "Python"))
from local_services import call, exchange, free_port, wait_for  # noqa: E402
AUTHSERVER = os.path.join(HERE, "..", "..", "..", "Tests", "Servers", "authserver.py")
APP_KEY = "processes-app-key-" + uuid.uuid4().hex
# No timed assertion: a generous deadline for a change notification to arrive, far below the
# hour the processes would otherwise trust their cached record.
NOTICE_DEADLINE = 60


class Hub:
    """One connector-hub process."""

    def __init__(self, name, binary, config_path, port, environment, directory, transport):
        self.name = name
        self.base = "http://127.0.0.1:%d" % port
        self.log_path = os.path.join(directory, name + ".log")
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [binary, "--config", config_path], stdout=self.log, stderr=self.log,
            env=dict(environment, CONNECTOR_HUB_PORT=str(port), **({"CONNECTOR_HUB_TRANSPORT": transport} if transport else {})))
        self.transport = transport or "asynchttpclient"

    def log_text(self):
        with open(self.log_path) as handle:
            return handle.read()

    def api(self, method, path, body=None):
        return call(method, self.base + path, body, {"Authorization": "Bearer " + APP_KEY})

    def proxy(self, account, path):
        return self.api("GET", "/v1/accounts/%s/proxy/%s" % (account, path))


class Browser:
    """Keeps the Hub's cookies like one browser; each request goes to the process named (the
    load balancer's choice), with the public origin on posts."""

    def __init__(self, public):
        self.public = public
        self.cookies = {}

    def request(self, hub, method, path, form=None):
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join("%s=%s" % pair for pair in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.public
        status, response_headers, text = exchange(method, hub.base + path, body, headers)
        for value in response_headers.get_all("Set-Cookie") or []:
            name, _, rest = value.split(";")[0].partition("=")
            self.cookies[name.strip()] = rest.strip()
        return status, response_headers, text

    def open_link(self, hub, url):
        status, headers, _ = self.request(hub, "GET", urllib.parse.urlsplit(url).path)
        assert status == 303, "the link opens once and sets the session cookie (%d)" % status
        return headers["Location"]


def csrf_of(html):
    marker = 'name="csrf" value="'
    start = html.index(marker) + len(marker)
    return html[start:html.index('"', start)]


def public_path(url):
    parts = urllib.parse.urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


class World:
    def __init__(self, binary, directory, database):
        self.directory = directory
        port_file = os.path.join(directory, "auth-port")
        environment = dict(os.environ, AUTHLIB_INSECURE_TRANSPORT="1", PYTHONUNBUFFERED="1")
        self.auth_log = open(os.path.join(directory, "authserver.log"), "w")
        self.auth = subprocess.Popen(
            [sys.executable, AUTHSERVER, "--port-file", port_file], stdout=self.auth_log, stderr=self.auth_log, env=environment)
        wait_for(lambda: os.path.exists(port_file) and open(port_file).read().strip(), "the authserver's port")
        self.auth_url = "http://127.0.0.1:" + open(port_file).read().strip()
        wait_for(lambda: call("GET", self.auth_url + "/_control/health")[0] == 200, "the authserver")

        # The balancer's address: what browsers and the provider see. Nothing listens on it.
        self.public = "http://127.0.0.1:%d" % free_port()
        overrides = {}
        self.bamboo_key = "bamboo-" + uuid.uuid4().hex
        self.emulate("bamboohr", ["api.bamboohr.com"], overrides, static={"kind": "basic", "username": self.bamboo_key, "password": "x"})
        self.emulate("zelt", ["go.zelt.app"], overrides, paths={"authorize_path": "/", "token_path": "/apiv2/oauth/authorize/token"})
        self.zelt_client = "zelt-" + uuid.uuid4().hex[:8]
        self.zelt_secret = zelt_secret = "secret-" + uuid.uuid4().hex
        status, answer = call("POST", self.auth_url + "/_control/clients", {
            "client_id": self.zelt_client, "client_secret": zelt_secret, "auth_method": "client_secret_basic",
            "grant_types": ["authorization_code", "refresh_token"], "scope": "", "pkce": "optional", "refresh_redirect_uri": True,
            "redirect_uris": [self.public + "/connect/oauth2/zelt/callback"]})
        assert status == 200, answer

        config = {
            "publicBaseURL": self.public, "appKeys": [APP_KEY], "signingKey": secrets.token_hex(32),
            "databaseURL": database, "accountCacheSeconds": 3600,
            # The providers are the emulation on loopback: a production Hub refuses that.
            "allowPrivateNetworks": True,
            "endpointOverrides": overrides,
        }
        config_path = os.path.join(directory, "hub.json")
        with open(config_path, "w") as handle:
            json.dump(config, handle)
        key = base64.b64encode(secrets.token_bytes(32)).decode()
        hub_environment = dict(os.environ, CONNECTOR_HUB_TOKEN_KEYS="processes-test:" + key)
        hub_environment.pop("CONNECTOR_HUB_DEVELOPMENT", None)
        hub_environment.pop("CONNECTOR_HUB_TRANSPORT", None)
        self.hubs = [Hub("hub-%d" % (index + 1), binary, config_path, free_port(), hub_environment, directory, transport)
                     for index, transport in enumerate([None, "urlsession"])]
        for hub in self.hubs:
            wait_for(lambda: call("GET", hub.base + "/health")[0] == 200, hub.name)
            wait_for(lambda: "following account changes" in hub.log_text(), hub.name + " listening for account changes")
            assert "transport: %s," % hub.transport in hub.log_text(), hub.name + " uses its transport"

    def emulate(self, connector, hosts, overrides, static=None, paths=None):
        name = connector + "-" + uuid.uuid4().hex[:8]
        body = {"name": name, "authorize_path": "/authorize", "token_path": "/token"}
        body.update(paths or {})
        if static:
            body["static"] = static
        status, answer = call("POST", self.auth_url + "/_control/providers", body)
        assert status == 200, answer
        overrides[connector] = {host: self.auth_url + "/p/" + name for host in hosts}

    def zelt_stats(self):
        status, answer = call("GET", self.auth_url + "/_control/stats?client_id=" + self.zelt_client)
        assert status == 200, answer
        return answer

    def stop(self):
        for process in [hub.process for hub in self.hubs] + [self.auth]:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()


class Run:
    def __init__(self, world):
        self.world = world
        self.one, self.two = world.hubs
        self.end_user = "processes-" + uuid.uuid4().hex[:8]
        self.zelt = None
        self.bamboo = None
        self.passed = 0
        self.failed = 0

    def scenario(self, name, body):
        try:
            body()
            self.passed += 1
            print("PASS " + name, flush=True)
        except Exception:
            self.failed += 1
            print("FAIL " + name, flush=True)
            traceback.print_exc()

    def oauth_link(self, browser, start_hub, finish_hub, link_url):
        """Form and authorize redirect from `start_hub`; the provider's callback to `finish_hub`."""
        browser.open_link(start_hub, link_url)
        status, _, form = browser.request(start_hub, "GET", "/link/connectors/zelt/oauth")
        assert status == 200, status
        # Zelt takes the person's own client ("client": "person"), as its seed guide says.
        status, headers, _ = browser.request(start_hub, "POST", "/link/connectors/zelt/oauth", {
            "csrf": csrf_of(form), "clientId": self.world.zelt_client, "clientSecret": self.world.zelt_secret})
        assert status in (302, 303) and headers["Location"].startswith(self.world.auth_url), (status, headers.get("Location"))
        status, headers, _ = exchange("GET", headers["Location"])
        callback = headers["Location"] if status in (302, 303) else ""
        assert callback.startswith(self.world.public + "/connect/oauth2/zelt/callback?"), (status, callback[:80])
        status, _, page = browser.request(finish_hub, "GET", public_path(callback))
        assert status == 200 and "Zelt is connected" in page, (status, page[:400])

    # Scenarios

    def oauth_started_on_one_completed_on_two(self):
        status, created = self.one.api("POST", "/v1/link-sessions", {"endUserId": self.end_user, "connectors": ["zelt"]})
        assert status == 201, created
        self.oauth_link(Browser(self.world.public), self.one, self.two, created["url"])

    def api_key_form_on_one_posted_to_two(self):
        status, created = self.two.api("POST", "/v1/link-sessions", {"endUserId": self.end_user, "connectors": ["bamboohr"]})
        assert status == 201, created
        browser = Browser(self.world.public)
        browser.open_link(self.one, created["url"])
        status, _, form = browser.request(self.one, "GET", "/link/connectors/bamboohr/api_key")
        assert status == 200, status
        values = {"companyDomain": "acme", "apiKey": self.world.bamboo_key}
        forged = dict(values, csrf="0" * 64)
        status, _, _ = browser.request(self.two, "POST", "/link/connectors/bamboohr/api_key", forged)
        assert status == 403, "a forged CSRF token is refused (%d)" % status
        status, _, page = browser.request(self.two, "POST", "/link/connectors/bamboohr/api_key", dict(values, csrf=csrf_of(form)))
        assert status == 200 and "BambooHR is connected" in page, (status, page[:400])

    def both_list_and_proxy(self):
        listed = []
        for hub in (self.one, self.two):
            status, answer = hub.api("GET", "/v1/accounts?endUserId=" + self.end_user)
            assert status == 200, answer
            listed.append(sorted((account["connector"], account["id"]) for account in answer["accounts"]))
        assert listed[0] == listed[1] and [connector for connector, _ in listed[0]] == ["bamboohr", "zelt"], listed
        accounts = dict(listed[0])
        self.zelt, self.bamboo = accounts["zelt"], accounts["bamboohr"]
        for hub in (self.one, self.two):
            status, answer = hub.proxy(self.zelt, "users")
            assert status == 200, (hub.name, status, answer)
            status, answer = hub.proxy(self.bamboo, "employees/directory")
            assert status == 200, (hub.name, status, answer)

    def one_token_request_across_expiry(self):
        for hub in (self.one, self.two):  # both hold the account's connection and token
            assert hub.proxy(self.zelt, "users")[0] == 200
        before = self.world.zelt_stats()["token_requests"].get("refresh_token", 0)
        status, answer = call("POST", self.world.auth_url + "/_control/expire-access?client_id=" + self.world.zelt_client)
        assert status == 200 and answer["expired"] >= 1, answer
        results = []
        lock = threading.Lock()
        gate = threading.Barrier(8)

        def send(hub):
            gate.wait()
            outcome = hub.proxy(self.zelt, "users")[0]
            with lock:
                results.append((hub.name, outcome))

        threads = [threading.Thread(target=send, args=(hub,)) for hub in (self.one, self.two) * 4]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert len(results) == 8 and all(status == 200 for _, status in results), results
        after = self.world.zelt_stats()["token_requests"].get("refresh_token", 0)
        assert after - before == 1, "token requests for one expiry across both processes: %d" % (after - before)

    def changes_on_one_seen_by_two(self):
        # Two holds both accounts as active, with a valid cached token for Zelt.
        assert self.two.proxy(self.zelt, "users")[0] == 200
        assert self.two.proxy(self.bamboo, "employees/directory")[0] == 200
        call("POST", self.world.auth_url + "/_control/revoke-all?client_id=" + self.world.zelt_client)
        status, answer = self.one.proxy(self.zelt, "users")
        assert status == 409, ("one finds the refresh token revoked", status, answer)
        # Then one removes BambooHR. Notifications arrive in commit order, so once two has seen
        # the removal it has also seen Zelt's status change.
        status, answer = self.one.api("DELETE", "/v1/accounts/" + self.bamboo)
        assert status in (200, 204), answer
        wait_for(lambda: self.two.proxy(self.bamboo, "employees/directory")[0] == 404,
                 "two to see BambooHR removed on one", NOTICE_DEADLINE)
        # Two answers reconnect required without calling the provider (with its cached active
        # record it would have sent the revoked token and tried a refresh).
        before = self.world.zelt_stats()
        status, answer = self.two.proxy(self.zelt, "users")
        assert status == 409, ("two sees reconnect required", status, answer)
        after = self.world.zelt_stats()
        assert after["token_requests_total"] == before["token_requests_total"], (before, after)
        assert after["api_calls"] == before["api_calls"], (before, after)

    def reconnect_on_two_seen_by_one(self):
        assert self.one.proxy(self.zelt, "users")[0] == 409  # one caches the reconnect-required record
        status, created = self.one.api("POST", "/v1/accounts/%s/reconnect-sessions" % self.zelt)
        assert status == 201, created
        self.oauth_link(Browser(self.world.public), self.two, self.two, created["url"])
        wait_for(lambda: self.one.proxy(self.zelt, "users")[0] == 200, "one to see Zelt reconnected on two", NOTICE_DEADLINE)
        status, answer = self.one.api("GET", "/v1/accounts/" + self.zelt)
        assert status == 200 and answer["status"] == "active", answer

    def database_restart(self):
        control = os.environ.get("CONNECTOR_TEST_POSTGRES_CONTROL")
        assert control, "CONNECTOR_TEST_POSTGRES_CONTROL is not set (run under scripts/postgres.sh run)"
        subprocess.run(control + " stop", shell=True, check=True)
        try:
            for hub in (self.one, self.two):
                wait_for(lambda: "account change notifications stopped" in hub.log_text(), hub.name + " to notice the lost listener")
        finally:
            subprocess.run(control + " start", shell=True, check=True)
        for hub in (self.one, self.two):
            wait_for(lambda: hub.log_text().count("following account changes") >= 2, hub.name + " to listen again")
        # Listening again, two trusts what it caches for an hour: only a notification shows it
        # the removal made on one.
        wait_for(lambda: self.two.proxy(self.zelt, "users")[0] == 200, "two to proxy again after the restart")
        status, answer = self.one.api("DELETE", "/v1/accounts/" + self.zelt)
        assert status in (200, 204), answer
        wait_for(lambda: self.two.proxy(self.zelt, "users")[0] == 404, "two to see Zelt removed on one", NOTICE_DEADLINE)

    def sigterm_stops_both(self):
        for hub in (self.one, self.two):
            hub.process.send_signal(signal.SIGTERM)
        for hub in (self.one, self.two):
            code = hub.process.wait(30)
            assert code == 0, (hub.name, code)
            assert "connector-hub: stopped" in hub.log_text(), hub.name


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--hub", required=True)
    arguments = parser.parse_args()
    database = os.environ.get("CONNECTOR_TEST_POSTGRES_URL")
    if not database:
        print("CONNECTOR_TEST_POSTGRES_URL is not set: run under Hub/scripts/postgres.sh run (make hub-processes-test)")
        sys.exit(2)
    directory = tempfile.mkdtemp(prefix="hub-processes-")
    world = None
    run = None
    try:
        world = World(os.path.abspath(arguments.hub), directory, database)
        run = Run(world)
        run.scenario("OAuth link started on process 1, callback on process 2", run.oauth_started_on_one_completed_on_two)
        run.scenario("API-key form loaded on process 1, posted to process 2 (CSRF)", run.api_key_form_on_one_posted_to_two)
        run.scenario("both processes list and proxy both accounts", run.both_list_and_proxy)
        run.scenario("concurrent proxy calls on both across a token expiry: one token request", run.one_token_request_across_expiry)
        run.scenario("reconnect required and removal on process 1 seen by process 2", run.changes_on_one_seen_by_two)
        run.scenario("reconnect finished on process 2 seen by process 1", run.reconnect_on_two_seen_by_one)
        run.scenario("PostgreSQL restarted: both listen again, a later removal on 1 is seen by 2", run.database_restart)
        run.scenario("SIGTERM stops both processes cleanly", run.sigterm_stops_both)
    except Exception:
        traceback.print_exc()
        if run is None:
            print("FAIL setup")
    finally:
        if world:
            world.stop()
    failed = run is None or run.failed
    if failed:
        print("logs in " + directory)
    else:
        shutil.rmtree(directory, ignore_errors=True)
    print("%d passed, %d failed" % (run.passed if run else 0, run.failed if run else 1))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
