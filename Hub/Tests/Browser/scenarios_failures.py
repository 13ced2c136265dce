"""The failure pages: invalid credentials and the per-session attempt cap, missing scopes (named),
the provider unavailable (its token endpoint answers 503, or nothing listens)."""

from selenium.webdriver.common.by import By

from browser_world import GOOGLE_GROUPS, GOOGLE_USERS, MAX_ATTEMPTS


def accounts_of(run, connector):
    status, answer = run.world.api("GET", "/v1/accounts")
    return [a for a in answer["accounts"] if a["connector"] == connector]


def invalid_credentials_then_too_many_attempts(run):
    before = len(accounts_of(run, "bamboohr"))
    run.open_form("bamboohr", "api_key")
    for attempt in range(1, MAX_ATTEMPTS + 1):
        run.wait_text("Connection guide")
        run.fill({"companyDomain": "acme", "apiKey": "wrong-key-%d" % attempt})
        run.connect()
        run.wait_text("The credentials were not accepted")
        assert "make sure there are no extra spaces or characters" in run.text()
        # The form again, the company domain kept, the key to type again.
        assert run.driver.find_element(By.ID, "field-companyDomain").get_attribute("value") == "acme"
        assert run.driver.find_element(By.ID, "field-apiKey").get_attribute("value") == ""
        assert "type it again" in run.text()
        if attempt == 1:
            run.page("13-invalid-credentials")
    run.wait_text("Connection guide")
    # The right key, but the session used its allowance: nothing is sent to the provider.
    run.fill({"companyDomain": "acme", "apiKey": run.world.bamboo_key})
    run.connect()
    run.wait_text("Too many attempts")
    assert "Ask the app for a new Link Account link" in run.text()
    run.page("14-too-many-attempts")
    assert len(accounts_of(run, "bamboohr")) == before, "the capped attempt linked nothing"


def missing_scopes_named(run):
    client = run.world.clients["google_workspace"]
    # At the consent screen the person unticks "See info about users on your domain".
    run.world.control("/_control/narrow?client_id=%s&withhold=%s" % (client, GOOGLE_USERS))
    try:
        run.open_form("google_workspace", "oauth")
        run.fill({"domain": "acme.com"})
        run.connect()
        run.wait_text("Some permissions are missing")
        named = [item.text for item in run.driver.find_elements(By.CSS_SELECTOR, "#missing-scopes li")]
        assert named == [GOOGLE_USERS + ": See info about users on your domain"], named
        assert GOOGLE_GROUPS not in run.text(), "a scope the grant holds is not named"
        assert "Check required scopes" in run.text()
        run.page("15-missing-scopes")
        assert not accounts_of(run, "google_workspace"), "nothing linked"
        stats = run.world.stats("google_workspace")
        assert stats["revocations"] == 1 and stats["access_tokens_active"] == 0, "the narrower grant is revoked: %s" % stats
    finally:
        run.world.control("/_control/narrow?client_id=%s&withhold=" % client)
    # Granting everything on the next try links it (the operators' scenario removes it).
    run.driver.find_element(By.LINK_TEXT, "Try again").click()
    # Google Workspace has two variants (read-only, and write access for administrators): Try
    # again goes back to the read-only form the person used, without asking which again.
    run.wait_text("Connection guide")
    assert run.driver.current_url.endswith("/link/connectors/google_workspace/oauth"), run.driver.current_url
    assert "How do you want to connect?" not in run.text()
    run.fill({"domain": "acme.com"})
    run.connect()
    run.wait_text("Google Workspace is connected")


def provider_unavailable(run):
    client = run.world.clients["zelt"]
    run.world.control("/_control/token-failure?client_id=%s&status=503" % client)
    try:
        run.open_form("zelt", "oauth")
        run.fill(run.world.client_fields("zelt"))
        run.connect()
        run.wait_text("The provider is not answering")
        assert "try again in a few minutes" in run.text()
        assert "the name of the integration (Zelt) and the error message you are seeing" in run.text()
        run.page("16-provider-unavailable")
    finally:
        run.world.control("/_control/token-failure?client_id=%s&status=0" % client)
    # Nothing listens on Greenhouse's token host.
    run.open_form("greenhouse", "client_credentials")
    run.fill({"clientId": "gh-client", "clientSecret": "gh-secret-value", "userId": "42"})
    run.connect()
    run.wait_text("The provider is not answering")
    assert "Greenhouse did not answer or reported an error" in run.text()
    assert "gh-secret-value" not in run.driver.page_source
    run.page("17-provider-unreachable")


def wrong_app_client(run):
    """The app's setup holds a wrong client secret: the page does not blame the person, the
    operators are told in the log and on their Accounts page, and no secret is written."""
    run.open_form("box", "oauth")
    run.connect()
    run.wait_text("This connector is not set up correctly")
    assert "Nothing is wrong with your Box account" in run.text()
    assert "Verify your credentials" not in run.text()
    run.page("30-app-misconfigured")
    log = run.world.hub_log_text()
    assert "box: the token endpoint refused the app's OAuth client (invalid_client)" in log, log[-2000:]
    assert run.world.box_wrong_secret not in log


SCENARIOS = [
    ("invalid credentials, then too many attempts in one session", invalid_credentials_then_too_many_attempts),
    ("missing scopes named on the failure page", missing_scopes_named),
    ("provider unavailable: token endpoint 503, unreachable", provider_unavailable),
    ("a wrong app client is the app's fault, logged for operators", wrong_app_client),
]
