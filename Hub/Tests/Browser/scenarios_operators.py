"""The operators' pages: sign in with the app key, the Accounts page with its Link account,
Reconnect and Remove buttons (Remove revokes at the provider where the spec declares it), and
sign-out, which ends the session on the server."""

import json
import urllib.request

from selenium.webdriver.common.by import By

from browser_world import APP_KEY, call


def row(run, connector):
    return [r for r in run.driver.find_elements(By.CSS_SELECTOR, "tbody tr") if connector in r.text][0]


def shown_link_url(run):
    run.wait_text("single use")
    return run.driver.find_element(By.CSS_SELECTOR, "p.link-url a").get_attribute("href")


def sign_in(run):
    run.driver.get(run.world.base + "/admin")
    run.page("21-operator-sign-in")
    run.driver.find_element(By.ID, "app-key").send_keys(APP_KEY)
    run.driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    run.wait_text("Linked accounts")
    for name in ("BambooHR", "Zelt", "SpotDraft", "HiBob", "Google Workspace", "Asana"):
        assert name in run.text(), name
    # Labels tell accounts of one connector apart; variants by label; readable times.
    bamboo = row(run, "acme")
    assert "BambooHR" in bamboo.text and "API key" in bamboo.text and "api_key" not in bamboo.text, bamboo.text
    time = bamboo.find_element(By.TAG_NAME, "time")
    assert time.get_attribute("title").endswith("Z") and "T" not in time.text, (time.get_attribute("title"), time.text)
    # The misconfigured Box client (failures scenario) is on the page for the operators.
    assert "Box (OAuth 2.0) is misconfigured" in run.text()
    run.page("22-operator-accounts")


def link_account_button(run):
    run.driver.get(run.world.base + "/admin")
    run.driver.find_element(By.ID, "end-user-id").send_keys("op-user")
    run.driver.find_element(By.ID, "end-user-name").send_keys("Grace Hopper")
    run.click_button("Link account")
    url = shown_link_url(run)
    assert url.startswith(run.world.base + "/link/start/"), url
    run.page("23-operator-link-url")
    run.driver.get(url)
    run.wait_text("Hello Grace Hopper")


def reconnect_button(run):
    zelt = run.world.account("zelt")
    run.driver.get(run.world.base + "/admin")
    row(run, "Zelt").find_element(By.XPATH, ".//button[contains(., 'Reconnect')]").click()
    run.driver.get(shown_link_url(run))
    run.driver.get(run.world.base + "/link/connectors/zelt")
    run.wait_text("Connection guide")
    run.fill(run.world.client_fields("zelt"))
    run.connect()
    run.wait_text("Zelt is connected")
    status, answer = run.world.api("GET", "/v1/accounts")
    zelts = [a for a in answer["accounts"] if a["connector"] == "zelt"]
    assert [a["id"] for a in zelts] == [zelt["id"]], zelts
    assert zelts[0]["status"] == "active"


def remove_button_revokes(run):
    world = run.world
    google = world.account("google_workspace")
    # One live grant at the emulation: the account's (the missing-scopes scenario's narrower
    # grant was revoked when it was refused).
    before = world.stats("google_workspace")
    assert before["access_tokens_active"] == 1 and before["refresh_tokens_active"] == 1, before
    run.driver.get(world.base + "/admin")
    row(run, "Google Workspace").find_element(By.XPATH, ".//button[contains(., 'Remove')]").click()
    # Asked first, with a destructive button and a way back; nothing removed yet.
    run.wait_text("Remove Google Workspace")
    assert world.api("GET", "/v1/accounts/" + google["id"])[0] == 200
    assert world.stats("google_workspace")["revocations"] == before["revocations"]
    run.page("31-confirm-remove")
    run.driver.find_element(By.CSS_SELECTOR, "button.danger").click()
    run.wait_text("The account was removed")
    run.wait_until(lambda: "Google Workspace" not in run.text(), "the row to go")
    assert world.api("GET", "/v1/accounts/" + google["id"])[0] == 404
    after = world.stats("google_workspace")
    assert after["revocations"] == before["revocations"] + 1, after
    # The emulation's own view: neither token of the removed account works any more.
    assert after["access_tokens_active"] == 0 and after["refresh_tokens_active"] == 0, after


def sync_status(run):
    """The Syncs section: the Zelt account's users synced (2 records, 2 added), then a run the
    provider refuses, shown as failed with its error in plain words and no secret."""
    world = run.world
    zelt = world.account("zelt")
    name = world.providers["zelt"]
    status, answer = call("POST", world.auth_url + "/_control/providers", {
        "name": name, "authorize_path": "/", "token_path": "/apiv2/oauth/authorize/token",
        "responses": {"/apiv2/users": [{"userId": 1, "firstName": "Ada"}, {"userId": 2, "firstName": "Grace"}]}})
    assert status == 200, answer

    def users_status():
        return [s for s in world.api("GET", "/v1/accounts/%s/syncs" % zelt["id"])[1]["syncs"] if s["resource"] == "users"][0]

    def run_until(outcome):
        before = users_status()["runs"]
        assert world.api("POST", "/v1/accounts/%s/syncs/users/run" % zelt["id"])[0] == 202
        run.wait_until(lambda: users_status()["runs"] > before and users_status().get("lastRun", {}).get("outcome") == outcome,
                       "a %s run" % outcome, timeout=60)
        return users_status()

    synced = run_until("succeeded")
    assert synced["records"] == 2, synced
    status, answer = call("POST", world.auth_url + "/_control/providers/%s/api-failure" % name,
                          {"path": "/apiv2/users", "status": 400, "times": 1})
    assert status == 200, answer
    failed = run_until("failed")
    assert failed["lastError"].startswith("The provider answered HTTP 400 at page 1."), failed
    assert failed["records"] == 2, failed

    run.driver.get(world.base + "/admin")
    run.wait_text("Syncs")
    section = run.driver.find_element(By.CSS_SELECTOR, "section.syncs")
    users = [r for r in section.find_elements(By.CSS_SELECTOR, "tbody tr") if "Zelt" in r.text and "users" in r.text][0]
    assert "Last run failed" in users.text and "The provider answered HTTP 400 at page 1." in users.text, users.text
    assert "0 added, 0 updated, 0 deleted" in users.text, users.text
    assert users.find_element(By.CSS_SELECTOR, "td[data-label=Records]").text == "2", users.text
    assert world.client_secrets["zelt"] not in run.text() and "Bearer" not in run.text()
    run.page("26-operator-syncs")


def narrow_screens(run):
    """At a phone's width (390 px) nothing scrolls sideways: the accounts become cards."""
    restore = run.narrow()
    try:
        run.driver.get(run.world.base + "/admin")
        run.wait_text("Linked accounts")
        run.assert_no_overflow("the operators' Accounts page")
        run.page("33-operator-accounts-390")
        run.driver.get(run.world.link_url())
        run.wait_text("Choose the service to connect")
        run.assert_no_overflow("the picker")
        run.page("34-picker-390")
        run.driver.get(run.world.base + "/link/connectors/zelt/oauth")
        run.wait_text("Connection guide")
        run.assert_no_overflow("the Zelt form")
        run.page("35-form-zelt-390")
        run.driver.get(run.world.base + "/link/accounts")
        run.wait_text("Your linked accounts")
        run.assert_no_overflow("the person's Accounts page")
        run.page("36-session-accounts-390")
    finally:
        restore()


def mcp_tool_call(base, token, name, arguments):
    """One MCP tool call as a client sends it over the Streamable HTTP transport: initialize (its
    answer names the session), then tools/call in that session. Returns the call's result."""
    def post(message, session=None):
        headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json",
                   "Accept": "application/json, text/event-stream"}
        if session:
            headers["Mcp-Session-Id"] = session
        request = urllib.request.Request(base + "/mcp", data=json.dumps(message).encode(), method="POST", headers=headers)
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.headers.get("Mcp-Session-Id"), json.loads(response.read().decode())
    session, _ = post({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "hub-browser-test", "version": "1"}}})
    _, answer = post({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": name, "arguments": arguments}}, session)
    return answer["result"]


def action_log(run):
    # A SpotDraft action with an input of the wrong type: refused by the Hub before anything is
    # sent, and logged without the value. Once through the app API, once as an MCP tool: the page
    # says which (Via).
    world = run.world
    spotdraft = world.account("spotdraft")
    status, answer = call("POST", world.base + "/v1/accounts/%s/actions/createUser" % spotdraft["id"],
                          {"inputs": {"email": "grace@example.com", "firstName": "Grace", "lastName": "Hopper", "roles": "admin"}},
                          {"Authorization": "Bearer " + APP_KEY})
    assert status == 400 and [p["pointer"] for p in answer["problems"]] == ["/inputs/roles"], (status, answer)
    status, minted = call("POST", world.base + "/v1/accounts/%s/mcp-tokens" % spotdraft["id"], {}, {"Authorization": "Bearer " + APP_KEY})
    assert status == 201 and minted["token"].startswith("mcp_"), (status, minted)
    result = mcp_tool_call(world.base, minted["token"], "spotdraft_action_createUser",
                           {"email": "ada@example.com", "firstName": "Ada", "lastName": "Lovelace", "roles": "admin"})
    assert result["isError"] and result["content"][0]["text"].startswith("invalid_arguments:"), result
    run.driver.get(world.base + "/admin")
    run.driver.find_element(By.LINK_TEXT, "Action log").click()
    run.wait_text("2 action calls")
    headers = [cell.text for cell in run.driver.find_elements(By.CSS_SELECTOR, "thead th")]
    assert headers == ["Time", "Account", "Connector", "Action", "Via", "Outcome", "Provider status"], headers
    # Newest first: the MCP call, then the app API's.
    rows = [[cell.text for cell in r.find_elements(By.TAG_NAME, "td")] for r in run.driver.find_elements(By.CSS_SELECTOR, "tbody tr")]
    assert [r[2:6] for r in rows] == [["SpotDraft", "createUser", "MCP", "invalidInput"],
                                      ["SpotDraft", "createUser", "App API", "invalidInput"]], rows
    assert "grace@example.com" not in run.text() and "ada@example.com" not in run.text()
    run.page("25-operator-action-log")


def sign_out(run):
    world = run.world
    run.driver.get(world.base + "/admin")
    cookie = run.driver.get_cookie("connector_hub_operator")
    assert cookie and cookie["httpOnly"], cookie
    run.click_button("Sign out")
    run.wait_text("You are signed out.")
    run.page("24-operator-signed-out")
    assert run.driver.get_cookie("connector_hub_operator") is None, "the cookie is cleared"
    run.driver.get(world.base + "/admin")
    run.wait_text("App API key")
    assert "Linked accounts" not in run.text()
    # A copy of the old cookie does not work either: the session ended on the server.
    status, page = call("GET", world.base + "/admin", headers={"Cookie": "connector_hub_operator=" + cookie["value"]})
    assert "App API key" in page and "Linked accounts" not in page, page[:300]


SCENARIOS = [
    ("operators: sign in, every account listed", sign_in),
    ("operators: Link account button", link_account_button),
    ("operators: Reconnect button re-links the same account", reconnect_button),
    ("operators: Remove button revokes at the provider", remove_button_revokes),
    ("operators: sync status, a failed run in plain words", sync_status),
    ("operators and people: nothing overflows at 390 px", narrow_screens),
    ("operators: the action log lists calls without their values", action_log),
    ("operators: sign out ends the session", sign_out),
]
