"""Linking each kind of connector through the Link Account pages, access denied at the provider,
and a revoked account reconnected."""

import uuid

from selenium.webdriver.common.by import By

from browser_world import call


def landing_page(run):
    """The base URL the Hub prints: where to go from here, not a 404."""
    run.driver.get(run.world.base + "/")
    run.wait_text("Connector Hub")
    assert "Open the Link Account link the app sent you" in run.text()
    run.page("27-landing")
    run.driver.find_element(By.LINK_TEXT, "Sign in to the Accounts page").click()
    run.wait_text("App API key")


def bamboo_with_inline_error(run):
    run.driver.get(run.world.link_url())
    run.wait_text("Choose the service to connect")
    # A tile grid with a monogram per connector, and where the person is.
    tiles = run.driver.find_elements(By.CSS_SELECTOR, "#connector-list li .tile .monogram")
    assert len(tiles) > 30, len(tiles)
    assert run.driver.find_element(By.CSS_SELECTOR, ".steps [aria-current=step]").text.endswith("Choose")
    run.page("01-picker")
    search = run.driver.find_element(By.ID, "q")
    search.send_keys("bamboo")
    visible = [item for item in run.driver.find_elements(By.CSS_SELECTOR, "#connector-list li") if item.is_displayed()]
    assert len(visible) == 1 and "BambooHR" in visible[0].text, [item.text for item in visible]
    assert run.driver.find_element(By.ID, "connector-count").text == "1 connector"
    search.clear()
    search.send_keys("no such service")
    run.wait_until(lambda: run.driver.find_element(By.ID, "connector-none").is_displayed(), "the empty state")
    search.clear()
    search.send_keys("bamboo")
    visible = [item for item in run.driver.find_elements(By.CSS_SELECTOR, "#connector-list li") if item.is_displayed()]
    visible[0].find_element(By.TAG_NAME, "a").click()
    run.wait_text("Connection guide")
    assert run.driver.find_element(By.CSS_SELECTOR, ".steps [aria-current=step]").text.endswith("Connect")
    run.page("02-form-bamboohr")
    # Both fields wrong: both errors at once.
    run.fill({"companyDomain": " acme", "apiKey": run.world.bamboo_key + " "})
    run.connect()
    run.wait_text("has spaces or line breaks at the start or end")
    summary = run.driver.find_element(By.ID, "error-summary").text
    assert "Company domain" in summary and "API key" in summary, summary
    assert run.driver.find_element(By.ID, "field-apiKey").get_attribute("value") == "", "the secret is not rendered back"
    assert "type it again" in run.text()
    run.page("03-form-inline-error")
    run.fill({"companyDomain": "acme", "apiKey": run.world.bamboo_key})
    run.connect()
    run.wait_text("BambooHR is connected")
    assert "Account: acme" in run.text()
    assert run.driver.find_element(By.CSS_SELECTOR, ".steps [aria-current=step]").text.endswith("Done")
    assert run.driver.find_elements(By.CSS_SELECTOR, ".result.success"), "a success state, not a plain page"
    run.page("04-success")
    run.driver.find_element(By.LINK_TEXT, "Your linked accounts").click()
    run.wait_text("Active")
    run.page("05-session-accounts")


def follow_seed_guide(run, connector, name):
    """The seed guides' "Connecting" steps, word by word: upon reaching the Link Account page,
    enter the Client ID and Client Secret, click Connect, sign in at the provider (the Authlib
    emulation), linked; then a proxied call goes out with the token of the person's own client."""
    guide = run.driver.find_element(By.CSS_SELECTOR, ".guide").text
    for label in ["Client ID", "Client Secret"]:
        assert label in guide, "the guide names " + label
        assert run.driver.find_element(By.XPATH, "//label[normalize-space()='%s']" % label).is_displayed(), label
    before = run.world.stats(connector)["token_requests"].get("authorization_code", 0)
    run.fill(run.world.client_fields(connector))
    run.connect()
    run.wait_text(name + " is connected")
    assert run.world.stats(connector)["token_requests"].get("authorization_code", 0) == before + 1, "exchanged with the person's client"
    account = run.world.account(connector)
    # The sync scheduler may call the provider with the same client at any moment, so the proxied
    # call is told apart by a query of its own rather than by a count.
    probe = "probe=" + uuid.uuid4().hex
    status, answer = run.world.api("GET", "/v1/accounts/%s/proxy/users?%s" % (account["id"], probe))
    assert status == 200, (status, answer)
    called = run.world.stats(connector)["api_requests"]
    assert any(path.endswith("?" + probe) for path in called), ("the proxied call carried a token of the person's client", called[-5:])


def zelt_oauth(run):
    run.open_form("zelt", "oauth")
    run.wait_text("Scopes to enable")
    scopes = run.driver.find_elements(By.CSS_SELECTOR, ".scopes li")
    assert len(scopes) == 14, len(scopes)
    assert run.world.base + "/connect/oauth2/zelt/callback" in run.text()
    # One way to connect Zelt: Back goes to the picker, not round to this form.
    back = run.driver.find_element(By.CSS_SELECTOR, ".back a")
    assert back.get_attribute("href") == run.world.base + "/link", back.get_attribute("href")
    run.page("06-form-zelt")
    follow_seed_guide(run, "zelt", "Zelt")
    # Reload after the success: still linked, not "sign-in failed".
    run.driver.refresh()
    run.wait_text("This sign-in already finished")
    assert "could not be completed" not in run.text()
    run.page("28-already-linked")
    # Back to the form: linking Zelt again would add a second account, and the page says so.
    # (Chromium restores the form from its back-forward cache; the script loads it again.)
    run.driver.back()
    run.wait_text("Already linked")
    run.page("29-duplicate-warning")


def smartsheet_oauth(run):
    run.open_form("smartsheet_iam", "oauth")
    run.wait_text("Connection guide")
    follow_seed_guide(run, "smartsheet_iam", "Smartsheet")


def spotdraft(run):
    run.open_form("spotdraft", "client_credentials")
    run.fill({"region": "eu", "clientId": "sd-client", "clientSecret": run.world.spotdraft_secret})
    run.connect()
    run.wait_text("SpotDraft is connected")


def hibob(run):
    run.driver.get(run.world.link_url(connectors=["hibob"]))
    run.driver.get(run.world.base + "/link/connectors/hibob")
    run.page("07-variant-choice")
    run.driver.find_element(By.PARTIAL_LINK_TEXT, "ervice").click()
    run.fill({"serviceUserId": "SERVICE-42", "serviceUserToken": run.world.hibob_token})
    run.connect()
    run.wait_text("HiBob is connected")


def access_denied(run):
    client = run.world.clients["zelt"]
    run.world.control("/_control/deny?client_id=%s&on=1" % client)
    try:
        run.open_form("zelt", "oauth")
        run.fill(run.world.client_fields("zelt"))
        run.connect()
        run.wait_text("Access was not granted")
        run.page("08-access-denied")
    finally:
        run.world.control("/_control/deny?client_id=%s&on=0" % client)


def revoked_then_reconnected(run):
    zelt = run.world.account("zelt")
    run.world.control("/_control/revoke-all?client_id=%s" % run.world.clients["zelt"])
    status, answer = run.world.api("GET", "/v1/accounts/%s/proxy/users" % zelt["id"])
    assert status == 409, (status, answer)
    run.driver.get(run.world.link_url())
    run.driver.get(run.world.base + "/link/accounts")
    run.wait_text("Reconnect required")
    run.page("09-reconnect-required")
    row = [r for r in run.driver.find_elements(By.CSS_SELECTOR, "tbody tr") if "Zelt" in r.text][0]
    row.find_element(By.XPATH, ".//button[contains(., 'Reconnect')]").click()
    run.wait_text("Connection guide")
    run.fill(run.world.client_fields("zelt"))
    run.connect()
    run.wait_text("Zelt is connected")
    status, answer = run.world.api("GET", "/v1/accounts/%s" % zelt["id"])
    assert answer["status"] == "active", answer


def link_messages(run):
    """The pages of a link that cannot be used: already used, unknown or expired, a connector the
    app has not set up or the session does not offer, a form with a forged CSRF token."""
    url = run.world.link_url(connectors=["hibob"])
    run.driver.get(url)
    run.driver.get(run.world.base + "/link/connectors/hibob/oauth")
    run.wait_text("is not set up yet")
    run.page("10-not-set-up")
    # A way on: the variant that works.
    run.driver.find_element(By.PARTIAL_LINK_TEXT, "Service user").click()
    run.wait_text("Connection guide")
    run.driver.get(run.world.base + "/link/connectors/zelt")
    run.wait_text("This connector is not offered here")
    run.page("25-not-offered")
    # A form whose CSRF token does not match the session is refused.
    run.driver.get(run.world.base + "/link/connectors/hibob/service_user")
    run.wait_text("Connection guide")
    run.driver.execute_script("document.querySelector('form[data-link-form] input[name=csrf]').value = 'forged'")
    run.fill({"serviceUserId": "SERVICE-42", "serviceUserToken": run.world.hibob_token})
    run.connect()
    run.wait_text("This form has expired")
    run.page("26-form-expired")
    # The same browser opening the link again carries on with its session.
    run.driver.get(url)
    run.wait_text("Choose the service to connect")
    # Another browser (no cookie) finds it used.
    run.driver.delete_all_cookies()
    run.driver.get(url)
    run.wait_text("This link was already used")
    run.page("11-link-used")
    run.driver.get(run.world.base + "/link/start/not-a-token")
    run.wait_text("This link has expired")
    run.page("12-link-expired")
    status, _ = call("GET", run.world.base + "/link/start/not-a-token")
    assert status == 401, status


SCENARIOS = [
    ("the base URL says where to go", landing_page),
    ("BambooHR: inline field error, then linked", bamboo_with_inline_error),
    ("Zelt: the seed guide step by step (the person's Client ID and Secret), its 14 scopes", zelt_oauth),
    ("Smartsheet: the seed guide step by step (the person's client), hash client authentication", smartsheet_oauth),
    ("SpotDraft: client id and secret", spotdraft),
    ("HiBob: variant choice, service user", hibob),
    ("access denied at the provider", access_denied),
    ("revoked account: reconnect required, reconnected", revoked_then_reconnected),
    ("links and forms that cannot be used", link_messages),
]
