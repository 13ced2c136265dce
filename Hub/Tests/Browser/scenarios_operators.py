"""The operators' pages: sign in with the app key, the Accounts page with its Link account,
Reconnect and Remove buttons (Remove revokes at the provider where the spec declares it), and
sign-out, which ends the session on the server."""

from selenium.webdriver.common.by import By

from browser_world import APP_KEY, call


def row(run, connector):
    return [r for r in run.driver.find_elements(By.CSS_SELECTOR, "tbody tr") if connector in r.text][0]


def shown_link_url(run):
    run.wait_text("Link URL")
    return run.driver.find_element(By.CSS_SELECTOR, "p[role=status] a").get_attribute("href")


def sign_in(run):
    run.driver.get(run.world.base + "/admin")
    run.page("21-operator-sign-in")
    run.driver.find_element(By.ID, "app-key").send_keys(APP_KEY)
    run.driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    run.wait_text("Linked accounts")
    for name in ("BambooHR", "Zelt", "SpotDraft", "HiBob", "Google Workspace", "Asana"):
        assert name in run.text(), name
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
    run.wait_until(lambda: "Google Workspace" not in run.text(), "the row to go")
    assert world.api("GET", "/v1/accounts/" + google["id"])[0] == 404
    after = world.stats("google_workspace")
    assert after["revocations"] == before["revocations"] + 1, after
    # The emulation's own view: neither token of the removed account works any more.
    assert after["access_tokens_active"] == 0 and after["refresh_tokens_active"] == 0, after


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
    ("operators: sign out ends the session", sign_out),
]
