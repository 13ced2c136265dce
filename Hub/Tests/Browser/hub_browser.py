#!/usr/bin/env python3
"""Drives headless Chromium (Debian's chromium + chromium-driver, Selenium) through the real
connector-hub binary, with the Authlib provider emulation (Tests/Servers/authserver.py) as every
provider, and checks each page with axe-core (zero serious or critical violations).

  hub_browser.py --hub PATH/connector-hub [--screenshots DIR]

Scenarios: link BambooHR (API key) after an inline field error; Zelt (OAuth, its 14 scopes in
the guide); Smartsheet (OAuth, hash client authentication); SpotDraft (client id and secret
headers); HiBob (service user); access denied at the provider; a revoked account shown as
reconnect required, then reconnected; the operators' Accounts page.

Prints 'N passed, N failed' at the end and exits non-zero on any failure.
"""

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.request
import uuid

from axe_selenium_python import Axe
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

HERE = os.path.dirname(os.path.abspath(__file__))
AUTHSERVER = os.path.join(HERE, "..", "..", "..", "Tests", "Servers", "authserver.py")
APP_KEY = "browser-test-app-key-" + uuid.uuid4().hex


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def call(method, url, body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            text = response.read().decode()
            return response.status, (json.loads(text) if text.startswith(("{", "[")) else text)
    except urllib.error.HTTPError as error:
        text = error.read().decode()
        return error.code, (json.loads(text) if text.startswith(("{", "[")) else text)


def wait_for(check, what, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if check():
                return
        except Exception:
            pass
        time.sleep(0.1)
    raise RuntimeError("timed out waiting for " + what)


class World:
    """The authserver, the providers and clients registered on it, and the Hub process."""

    def __init__(self, hub_binary, directory):
        self.directory = directory
        port_file = os.path.join(directory, "auth-port")
        environment = dict(os.environ, AUTHLIB_INSECURE_TRANSPORT="1", PYTHONUNBUFFERED="1")
        self.auth_log = open(os.path.join(directory, "authserver.log"), "w")
        self.auth = subprocess.Popen(
            [sys.executable, AUTHSERVER, "--port-file", port_file], stdout=self.auth_log, stderr=self.auth_log, env=environment)
        wait_for(lambda: os.path.exists(port_file) and open(port_file).read().strip(), "the authserver's port")
        self.auth_url = "http://127.0.0.1:" + open(port_file).read().strip()
        wait_for(lambda: call("GET", self.auth_url + "/_control/health")[0] == 200, "the authserver")

        self.port = free_port()
        self.base = "http://127.0.0.1:%d" % self.port
        overrides = {}
        setup = {}
        self.providers = {}
        self.clients = {}
        # Static-credential providers.
        self.bamboo_key = "bamboo-" + uuid.uuid4().hex
        self.emulate("bamboohr", ["api.bamboohr.com"], overrides, static={"kind": "basic", "username": self.bamboo_key, "password": "x"})
        self.spotdraft_secret = "sd-" + uuid.uuid4().hex
        self.emulate("spotdraft", ["api.eu.spotdraft.com"], overrides,
                     static={"kind": "headers", "headers": {"client-id": "sd-client", "client-secret": self.spotdraft_secret}})
        self.hibob_token = "svc-" + uuid.uuid4().hex
        self.emulate("hibob", ["api.hibob.com"], overrides, static={"kind": "basic", "username": "SERVICE-42", "password": self.hibob_token})
        # OAuth providers with the app's clients.
        self.emulate("zelt", ["go.zelt.app"], overrides, paths={"authorize_path": "/", "token_path": "/apiv2/oauth/authorize/token"})
        self.register("zelt", setup, {"pkce": "optional", "refresh_redirect_uri": True, "token_lifetime": 30})
        self.emulate("smartsheet_iam", ["app.smartsheet.com", "api.smartsheet.com"], overrides,
                     paths={"authorize_path": "/b/authorize", "token_path": "/2.0/token"})
        self.register("smartsheet_iam", setup, {"pkce": "optional", "auth_method": "smartsheet_hash", "scope": "READ_USERS"})

        config = {
            "publicBaseURL": self.base, "port": self.port, "appKeys": [APP_KEY], "development": True,
            "sqlitePath": os.path.join(directory, "hub.sqlite"), "setup": setup, "endpointOverrides": overrides,
        }
        config_path = os.path.join(directory, "hub.json")
        with open(config_path, "w") as handle:
            json.dump(config, handle)
        self.hub_log = open(os.path.join(directory, "hub.log"), "w")
        self.hub = subprocess.Popen([hub_binary, "--config", config_path], stdout=self.hub_log, stderr=self.hub_log)
        wait_for(lambda: call("GET", self.base + "/health")[0] == 200, "connector-hub")

    def emulate(self, connector, hosts, overrides, static=None, paths=None):
        name = connector + "-" + uuid.uuid4().hex[:8]
        body = {"name": name, "authorize_path": "/authorize", "token_path": "/token"}
        body.update(paths or {})
        if static:
            body["static"] = static
        status, answer = call("POST", self.auth_url + "/_control/providers", body)
        assert status == 200, answer
        self.providers[connector] = name
        overrides[connector] = {host: self.auth_url + "/p/" + name for host in hosts}

    def register(self, connector, setup, options):
        client_id = connector + "-" + uuid.uuid4().hex[:8]
        secret = "secret-" + uuid.uuid4().hex
        body = {"client_id": client_id, "client_secret": secret, "auth_method": "client_secret_basic",
                "grant_types": ["authorization_code", "refresh_token"],
                "redirect_uris": [self.base + "/connect/oauth2/%s/callback" % connector], "scope": ""}
        body.update(options)
        status, answer = call("POST", self.auth_url + "/_control/clients", body)
        assert status == 200, answer
        self.clients[connector] = client_id
        setup[connector] = {"clientId": client_id, "clientSecret": secret}

    def link_url(self, end_user="browser-user", connectors=None):
        body = {"endUserId": end_user, "endUserName": "Ada Lovelace"}
        if connectors:
            body["connectors"] = connectors
        status, answer = call("POST", self.base + "/v1/link-sessions", body, {"Authorization": "Bearer " + APP_KEY})
        assert status == 201, answer
        return answer["url"]

    def api(self, method, path):
        return call(method, self.base + path, None, {"Authorization": "Bearer " + APP_KEY})

    def stop(self):
        for process in (self.hub, self.auth):
            process.terminate()
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()


class Run:
    def __init__(self, world, driver, screenshots):
        self.world = world
        self.driver = driver
        self.screenshots = screenshots
        self.passed = 0
        self.failed = 0
        self.pages_checked = 0

    def page(self, name):
        """axe-core on the current page (zero serious or critical violations) and a screenshot."""
        axe = Axe(self.driver)
        axe.inject()
        results = axe.run()
        bad = [v for v in results["violations"] if v.get("impact") in ("serious", "critical")]
        assert not bad, "axe on %s: %s" % (name, json.dumps([(v["id"], v["impact"], v["help"]) for v in bad]))
        self.pages_checked += 1
        if self.screenshots:
            self.driver.execute_script("window.scrollTo(0, 0)")
            self.driver.save_screenshot(os.path.join(self.screenshots, name + ".png"))

    def text(self):
        return self.driver.find_element(By.TAG_NAME, "body").text

    def open_form(self, connector, variant):
        self.driver.get(self.world.link_url(connectors=[connector]))
        self.driver.get(self.world.base + "/link/connectors/%s/%s" % (connector, variant))

    def fill(self, values):
        for key, value in values.items():
            element = self.driver.find_element(By.ID, "field-" + key)
            if element.tag_name == "select":
                element.find_element(By.CSS_SELECTOR, "option[value='%s']" % value).click()
            else:
                element.clear()
                element.send_keys(value)

    def connect(self):
        self.driver.find_element(By.CSS_SELECTOR, "form[data-link-form] button[type=submit]").click()

    def wait_text(self, text, timeout=20):
        # While a form post navigates, the body found in one poll can leave the document before
        # its text is read; Chromium reports that as an unknown error, not a stale element, so
        # every WebDriver error during a poll means "not yet". The wait still needs the text.
        WebDriverWait(self.driver, timeout, ignored_exceptions=(WebDriverException,)).until(
            expected_conditions.text_to_be_present_in_element((By.TAG_NAME, "body"), text))

    def scenario(self, name, body):
        try:
            body()
            self.passed += 1
            print("PASS " + name)
        except Exception:
            self.failed += 1
            print("FAIL " + name)
            traceback.print_exc()

    # Scenarios

    def bamboo_with_inline_error(self):
        self.driver.get(self.world.link_url())
        self.page("01-picker")
        search = self.driver.find_element(By.ID, "q")
        search.send_keys("bamboo")
        visible = [item for item in self.driver.find_elements(By.CSS_SELECTOR, "#connector-list li") if item.is_displayed()]
        assert len(visible) == 1 and "BambooHR" in visible[0].text, [item.text for item in visible]
        visible[0].find_element(By.TAG_NAME, "a").click()
        self.wait_text("Connection guide")
        self.page("02-form-bamboohr")
        self.fill({"companyDomain": "acme", "apiKey": self.world.bamboo_key + " "})
        self.connect()
        self.wait_text("has spaces or line breaks at the start or end")
        assert self.driver.find_element(By.ID, "field-apiKey").get_attribute("value") == "", "the secret is not rendered back"
        self.page("03-form-inline-error")
        self.fill({"apiKey": self.world.bamboo_key})
        self.connect()
        self.wait_text("BambooHR is connected")
        self.page("04-success")
        self.driver.find_element(By.LINK_TEXT, "Your linked accounts").click()
        self.wait_text("Active")
        self.page("05-session-accounts")

    def zelt_oauth(self):
        self.open_form("zelt", "oauth")
        self.wait_text("Scopes to enable")
        scopes = self.driver.find_elements(By.CSS_SELECTOR, ".scopes li")
        assert len(scopes) == 14, len(scopes)
        assert self.world.base + "/connect/oauth2/zelt/callback" in self.text()
        self.page("06-form-zelt")
        self.connect()
        self.wait_text("Zelt is connected")

    def smartsheet_oauth(self):
        self.open_form("smartsheet_iam", "oauth")
        self.connect()
        self.wait_text("is connected")

    def spotdraft(self):
        self.open_form("spotdraft", "client_credentials")
        self.fill({"region": "eu", "clientId": "sd-client", "clientSecret": self.world.spotdraft_secret})
        self.connect()
        self.wait_text("SpotDraft is connected")

    def hibob(self):
        self.driver.get(self.world.link_url(connectors=["hibob"]))
        self.driver.get(self.world.base + "/link/connectors/hibob")
        self.page("07-variant-choice")
        self.driver.find_element(By.PARTIAL_LINK_TEXT, "ervice").click()
        self.fill({"serviceUserId": "SERVICE-42", "serviceUserToken": self.world.hibob_token})
        self.connect()
        self.wait_text("HiBob is connected")

    def access_denied(self):
        client = self.world.clients["zelt"]
        call("POST", self.world.auth_url + "/_control/deny?client_id=%s&on=1" % client)
        try:
            self.open_form("zelt", "oauth")
            self.connect()
            self.wait_text("Access was not granted")
            self.page("08-access-denied")
        finally:
            call("POST", self.world.auth_url + "/_control/deny?client_id=%s&on=0" % client)

    def revoked_then_reconnected(self):
        status, answer = self.world.api("GET", "/v1/accounts")
        zelt = [a for a in answer["accounts"] if a["connector"] == "zelt"][0]
        call("POST", self.world.auth_url + "/_control/revoke-all?client_id=%s" % self.world.clients["zelt"])
        status, answer = self.world.api("GET", "/v1/accounts/%s/proxy/users" % zelt["id"])
        assert status == 409, (status, answer)
        self.driver.get(self.world.link_url())
        self.driver.get(self.world.base + "/link/accounts")
        self.wait_text("Reconnect required")
        self.page("09-reconnect-required")
        row = [r for r in self.driver.find_elements(By.CSS_SELECTOR, "tbody tr") if "Zelt" in r.text][0]
        row.find_element(By.XPATH, ".//button[contains(., 'Reconnect')]").click()
        self.wait_text("Connection guide")
        self.connect()
        self.wait_text("Zelt is connected")
        status, answer = self.world.api("GET", "/v1/accounts/%s" % zelt["id"])
        assert answer["status"] == "active", answer

    def operators(self):
        self.driver.get(self.world.base + "/admin")
        self.page("10-operator-sign-in")
        self.driver.find_element(By.ID, "app-key").send_keys(APP_KEY)
        self.driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        self.wait_text("Linked accounts")
        for name in ("BambooHR", "Zelt", "SpotDraft", "HiBob"):
            assert name in self.text(), name
        self.page("11-operator-accounts")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--hub", required=True)
    parser.add_argument("--screenshots")
    arguments = parser.parse_args()
    directory = tempfile.mkdtemp(prefix="hub-browser-")
    if arguments.screenshots:
        os.makedirs(arguments.screenshots, exist_ok=True)
    world = World(os.path.abspath(arguments.hub), directory)
    options = Options()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000", "--disable-gpu"):
        options.add_argument(flag)
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(service=service, options=options)
    run = Run(world, driver, arguments.screenshots)
    try:
        run.scenario("BambooHR: inline field error, then linked", run.bamboo_with_inline_error)
        run.scenario("Zelt: OAuth with its 14 scopes", run.zelt_oauth)
        run.scenario("Smartsheet: OAuth with hash client authentication", run.smartsheet_oauth)
        run.scenario("SpotDraft: client id and secret", run.spotdraft)
        run.scenario("HiBob: variant choice, service user", run.hibob)
        run.scenario("access denied at the provider", run.access_denied)
        run.scenario("revoked account: reconnect required, reconnected", run.revoked_then_reconnected)
        run.scenario("operators' Accounts page", run.operators)
    finally:
        driver.quit()
        world.stop()
    if run.failed:
        print("logs in " + directory)
    else:
        shutil.rmtree(directory, ignore_errors=True)
    print("axe: %d page checks, no serious or critical violation" % run.pages_checked if not run.failed else "")
    print("%d passed, %d failed" % (run.passed, run.failed))
    sys.exit(1 if run.failed else 0)


if __name__ == "__main__":
    main()
