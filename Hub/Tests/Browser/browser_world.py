"""What every browser scenario shares: the Authlib emulation with the providers and OAuth clients
registered on it, the embedding pages on their own origins, the connector-hub process, and the
runner that checks each page with axe-core and keeps its screenshot."""

import json
import os
import subprocess
import sys
import threading
import traceback
import urllib.parse
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from axe_selenium_python import Axe
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "Python"))
from local_services import free_port, wait_for  # noqa: E402
AUTHSERVER = os.path.join(HERE, "..", "..", "..", "Tests", "Servers", "authserver.py")
APP_KEY = "browser-test-app-key-" + uuid.uuid4().hex
# Link attempts per session in this Hub (the rate-limit scenario uses them up).
MAX_ATTEMPTS = 5
GOOGLE_USERS = "https://www.googleapis.com/auth/admin.directory.user.readonly"
GOOGLE_GROUPS = "https://www.googleapis.com/auth/admin.directory.group.readonly"
# Connectors whose OAuth client the person brings ("client": "person" in their specs).
PERSON_CLIENT = {"zelt", "smartsheet_iam"}

GOOGLE_SCOPES = [
    GOOGLE_USERS, GOOGLE_GROUPS, "https://www.googleapis.com/auth/admin.directory.group.member.readonly",
    "https://www.googleapis.com/auth/admin.directory.orgunit.readonly",
    "https://www.googleapis.com/auth/admin.directory.rolemanagement.readonly",
]


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


# An app's own page that embeds the Link Account page (the URL in ?src=), or with ?popup=1 opens
# it in a popup from a button, and records every `message` event it receives, with the sender's
# origin, in window.received.
EMBEDDING_PAGE = b"""<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Embedding app</title></head>
<body>
<main>
<h1>Embedding app</h1>
<button id="open" type="button" hidden>Link an account</button>
<iframe id="hub" title="Link an account" width="1100" height="820"></iframe>
</main>
<script>
window.received = [];
window.addEventListener("message", function (event) {
  window.received.push({ origin: event.origin, data: event.data });
});
var params = new URLSearchParams(location.search);
if (params.get("popup")) {
  var button = document.getElementById("open");
  button.hidden = false;
  button.addEventListener("click", function () { window.open(params.get("src"), "hub-popup", "popup,width=1000,height=900"); });
  document.getElementById("hub").remove();
} else {
  document.getElementById("hub").src = params.get("src");
}
</script>
</body>
</html>
"""


# Any other path: a sign-in page that never finishes (a provider the person walks away from).
STALLED_PAGE = b"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in</title></head>
<body><main><h1>Sign in</h1><p>This sign-in page never finishes.</p></main></body></html>
"""


class EmbeddingHandler(BaseHTTPRequestHandler):
    def do_GET(self):
        page = EMBEDDING_PAGE if self.path.startswith("/embed") else STALLED_PAGE
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page)

    def log_message(self, *arguments):
        pass


class EmbeddingOrigin:
    """An app's page on its own origin (http://127.0.0.1:<port>), in a thread of this process."""

    def __init__(self):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), EmbeddingHandler)
        self.origin = "http://127.0.0.1:%d" % self.server.server_port
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def page(self, src, popup=False):
        return self.origin + "/embed?" + ("popup=1&" if popup else "") + "src=" + urllib.parse.quote(src, safe="")

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class World:
    """The authserver, the providers and clients registered on it, the embedding origins and the
    Hub process."""

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
        # Two origins the Hub allows to embed it (events go to the one a session names as its
        # embedOrigin, else to the first) and one it does not.
        self.embedder = EmbeddingOrigin()
        self.second_embedder = EmbeddingOrigin()
        self.stranger = EmbeddingOrigin()

        self.port = free_port()
        self.base = "http://127.0.0.1:%d" % self.port
        overrides = {}
        setup = {}
        self.providers = {}
        self.clients = {}
        self.client_secrets = {}
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
        # Google Workspace: five scopes requested; the spec declares a revocation URL.
        self.emulate("google_workspace", ["accounts.google.com", "oauth2.googleapis.com", "admin.googleapis.com"], overrides,
                     paths={"authorize_path": "/o/oauth2/v2/auth", "token_path": "/token", "revoke_path": "/revoke"})
        self.register("google_workspace", setup, {"pkce": "optional", "auth_method": "client_secret_post", "scope": " ".join(GOOGLE_SCOPES)})
        # Asana, signed in from a popup: its sign-in page cuts window.opener.
        self.emulate("asana", ["app.asana.com"], overrides,
                     paths={"authorize_path": "/-/oauth_authorize", "token_path": "/-/oauth_token",
                            "authorize_headers": {"Cross-Origin-Opener-Policy": "same-origin"}})
        self.register("asana", setup, {"pkce": "optional", "auth_method": "client_secret_post"})
        # Linear's sign-in page is a plain page of another origin that never answers: the person
        # closes the popup mid-flow.
        self.emulate("linear", ["api.linear.app"], overrides)
        overrides["linear"]["linear.app"] = self.stranger.origin
        setup["linear"] = {"clientId": "linear-client", "clientSecret": "linear-secret-" + uuid.uuid4().hex}
        # Box: the app's setup holds a wrong client secret (the token endpoint says invalid_client).
        self.emulate("box", ["account.box.com", "api.box.com"], overrides,
                     paths={"authorize_path": "/api/oauth2/authorize", "token_path": "/oauth2/token"})
        self.register("box", setup, {"pkce": "optional", "auth_method": "client_secret_post"})
        self.box_wrong_secret = "wrong-box-secret-" + uuid.uuid4().hex
        setup["box"]["clientSecret"] = self.box_wrong_secret
        # Greenhouse's token host is a loopback port nothing listens on.
        self.emulate("greenhouse", ["harvest.greenhouse.io"], overrides)
        overrides["greenhouse"]["auth.greenhouse.io"] = "http://127.0.0.1:%d" % free_port()

        config = {
            "publicBaseURL": self.base, "port": self.port, "appKeys": [APP_KEY], "development": True,
            "sqlitePath": os.path.join(directory, "hub.sqlite"), "setup": setup, "endpointOverrides": overrides,
            "allowedOrigins": [self.embedder.origin, self.second_embedder.origin], "maxAttemptsPerSession": MAX_ATTEMPTS,
        }
        config_path = os.path.join(directory, "hub.json")
        with open(config_path, "w") as handle:
            json.dump(config, handle)
        self.hub_log = open(os.path.join(directory, "hub.log"), "w")
        # The sync scheduler looks for due jobs every second (the syncs scenario asks for runs).
        self.hub = subprocess.Popen([hub_binary, "--config", config_path], stdout=self.hub_log, stderr=self.hub_log,
                                    env=dict(os.environ, CONNECTOR_HUB_SYNC_TICK_SECONDS="1"))
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
        self.client_secrets[connector] = secret
        # Zelt and Smartsheet take the person's own client ("client": "person"), as their seed
        # guides say: the person types it on the form. The others get it from the app's setup.
        if connector not in PERSON_CLIENT:
            setup[connector] = {"clientId": client_id, "clientSecret": secret}

    def client_fields(self, connector):
        """The Client ID and Client Secret the person enters for a person-client connector."""
        return {"clientId": self.clients[connector], "clientSecret": self.client_secrets[connector]}

    def control(self, path):
        status, answer = call("POST", self.auth_url + path)
        assert status == 200, answer
        return answer

    def stats(self, connector):
        return call("GET", self.auth_url + "/_control/stats?client_id=" + self.clients[connector])[1]

    def link_url(self, end_user="browser-user", connectors=None, embed_origin=None):
        body = {"endUserId": end_user, "endUserName": "Ada Lovelace"}
        if connectors:
            body["connectors"] = connectors
        if embed_origin:
            body["embedOrigin"] = embed_origin
        status, answer = call("POST", self.base + "/v1/link-sessions", body, {"Authorization": "Bearer " + APP_KEY})
        assert status == 201, answer
        return answer["url"]

    def api(self, method, path):
        return call(method, self.base + path, None, {"Authorization": "Bearer " + APP_KEY})

    def hub_log_text(self):
        with open(os.path.join(self.directory, "hub.log")) as handle:
            return handle.read()

    def account(self, connector):
        status, answer = self.api("GET", "/v1/accounts")
        return [a for a in answer["accounts"] if a["connector"] == connector][0]

    def stop(self):
        for process in (self.hub, self.auth):
            process.terminate()
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
        for origin in (self.embedder, self.second_embedder, self.stranger):
            origin.stop()


class Run:
    """Runs scenarios against one World and one browser; counts passes, failures and pages."""

    def __init__(self, world, driver, screenshots):
        self.world = world
        self.driver = driver
        self.screenshots = screenshots
        self.main = driver.current_window_handle
        self.passed = 0
        self.failed = 0
        self.pages_checked = 0

    def page(self, name):
        """axe-core on the current document (zero serious or critical violations) and a screenshot
        of the window. Inside an iframe, axe checks the frame's document."""
        axe = Axe(self.driver)
        axe.inject()
        results = axe.run()
        bad = [v for v in results["violations"] if v.get("impact") in ("serious", "critical")]
        assert not bad, "axe on %s: %s" % (name, json.dumps([(v["id"], v["impact"], v["help"]) for v in bad]))
        self.pages_checked += 1
        if self.screenshots:
            self.driver.execute_script("window.scrollTo(0, 0)")
            self.driver.save_screenshot(os.path.join(self.screenshots, name + ".png"))

    def narrow(self, width=390):
        """The window at a phone's width; returns a function that restores it."""
        self.driver.set_window_size(width, 900)
        return lambda: self.driver.set_window_size(1280, 1000)

    def assert_no_overflow(self, what):
        """Nothing wider than the window: no horizontal scrolling."""
        widths = self.driver.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], "%s overflows: %s" % (what, widths)

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
        """Posts the form and waits for the page it leaves (a form shown again after an error can
        hold the text the next wait looks for)."""
        old = self.driver.find_element(By.TAG_NAME, "html")
        self.driver.find_element(By.CSS_SELECTOR, "form[data-link-form] button[type=submit]").click()

        def left():
            # Stale, or (mid-navigation) any other WebDriver error about the old node: gone.
            try:
                old.is_enabled()
                return False
            except WebDriverException:
                return True

        WebDriverWait(self.driver, 20).until(lambda _: left())

    def click_button(self, label):
        self.driver.find_element(By.XPATH, "//button[contains(., '%s')]" % label).click()

    def wait_text(self, text, timeout=20):
        # While a form post navigates, the body found in one poll can leave the document before
        # its text is read; Chromium reports that as an unknown error, not a stale element, so
        # every WebDriver error during a poll means "not yet". The wait still needs the text.
        WebDriverWait(self.driver, timeout, ignored_exceptions=(WebDriverException,)).until(
            expected_conditions.text_to_be_present_in_element((By.TAG_NAME, "body"), text))

    def wait_until(self, check, what, timeout=20):
        WebDriverWait(self.driver, timeout, ignored_exceptions=(WebDriverException,)).until(lambda _: check(), what)

    def browser_log(self):
        """The console messages Chromium logged since the last call."""
        return [entry.get("message", "") for entry in self.driver.get_log("browser")]

    def wait_log(self, matches, what, timeout=20):
        """Waits until Chromium logs a console message for which `matches` is true."""
        seen = []

        def found():
            seen.extend(self.browser_log())
            return any(matches(line) for line in seen)

        self.wait_until(found, what, timeout)

    def scenario(self, name, body):
        try:
            self.driver.switch_to.default_content()
            body(self)
            self.passed += 1
            print("PASS " + name)
        except Exception:
            self.failed += 1
            print("FAIL " + name)
            traceback.print_exc()
        finally:
            # A scenario that opened a popup leaves only the main window behind.
            for handle in self.driver.window_handles:
                if handle != self.main:
                    self.driver.switch_to.window(handle)
                    self.driver.close()
            self.driver.switch_to.window(self.main)
