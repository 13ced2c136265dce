"""The Link Account page inside an app's own page (an iframe on another origin): postMessage
events to exactly the configured origin (the session's embedOrigin, else the first allowed
origin), OAuth in a popup whose provider page cuts window.opener, and an origin the Hub does not
allow, or another allowed origin than the one a session names, cannot frame it (CSP
frame-ancestors)."""

from selenium.webdriver.common.by import By

from browser_world import call


def received(run):
    run.driver.switch_to.default_content()
    return run.driver.execute_script("return window.received")


def embedded_oauth_in_a_popup_without_opener(run):
    world = run.world
    run.browser_log()
    run.driver.get(world.embedder.page(world.link_url(connectors=["asana"])))
    run.driver.switch_to.frame(run.driver.find_element(By.ID, "hub"))
    run.wait_text("Link an account")
    run.driver.find_element(By.PARTIAL_LINK_TEXT, "Asana").click()
    run.wait_text("How do you want to connect?")
    run.driver.find_element(By.PARTIAL_LINK_TEXT, "OAuth 2.0").click()
    run.wait_text("Connection guide")
    run.page("18-embedded-form")
    run.connect()
    # Providers refuse to be framed: the embedded page continues in a popup and polls.
    run.wait_text("This page updates when you are done")
    status = run.driver.find_element(By.ID, "status")
    assert status.get_attribute("data-poll").startswith("/link/attempts/"), status.get_attribute("outerHTML")
    run.page("19-embedded-waiting")
    before = set(run.driver.window_handles)
    run.driver.find_element(By.PARTIAL_LINK_TEXT, "Continue to Asana").click()
    run.wait_until(lambda: len(set(run.driver.window_handles) - before) == 1, "the popup")
    popup = (set(run.driver.window_handles) - before).pop()
    run.driver.switch_to.window(popup)
    run.wait_text("Asana is connected")
    # The provider's sign-in page sent Cross-Origin-Opener-Policy: same-origin, and the Hub
    # opened the popup with noopener: the popup cannot reach the page that opened it.
    assert run.driver.execute_script("return window.opener") is None, "window.opener is cut"
    run.driver.close()
    # The embedded page learns the result from the server-side status of the attempt.
    run.driver.switch_to.window(run.main)
    run.driver.switch_to.frame(run.driver.find_element(By.ID, "hub"))
    run.wait_text("Asana is connected")
    run.driver.switch_to.default_content()
    run.wait_until(lambda: received(run), "the linked event at the embedding page")
    run.driver.switch_to.frame(run.driver.find_element(By.ID, "hub"))
    run.page("20-embedded-success")
    run.driver.switch_to.default_content()
    account = world.account("asana")
    events = received(run)
    assert events == [{"origin": world.base, "data": {"type": "connector-hub:linked", "accountId": account["id"], "connector": "asana"}}], events


def events_target_exactly_the_configured_origin(run):
    """A session naming no embedOrigin: the second allowed origin may frame the page, but events
    go to the first one only: the browser refuses to deliver them elsewhere and says which target
    origin the Hub named."""
    world = run.world
    run.browser_log()
    run.driver.get(world.second_embedder.page(world.link_url(connectors=["bamboohr"])))
    run.driver.switch_to.frame(run.driver.find_element(By.ID, "hub"))
    run.wait_text("Link an account")
    run.driver.find_element(By.PARTIAL_LINK_TEXT, "BambooHR").click()
    run.wait_text("Connection guide")
    run.fill({"companyDomain": "acme", "apiKey": "not-the-key"})
    run.connect()
    run.wait_text("The credentials were not accepted")
    expected = "The target origin provided ('%s') does not match the recipient window's origin ('%s')" % (
        world.embedder.origin, world.second_embedder.origin)
    run.wait_log(lambda line: expected in line, "the refused postMessage")
    assert received(run) == [], "nothing delivered to an origin the Hub did not name (never '*')"


def events_go_to_the_embed_origin_a_session_names(run):
    """A session naming the second allowed origin as its embedOrigin: its events go there."""
    world = run.world
    run.browser_log()
    origin = world.second_embedder.origin
    run.driver.get(world.second_embedder.page(world.link_url(connectors=["bamboohr"], embed_origin=origin)))
    run.driver.switch_to.frame(run.driver.find_element(By.ID, "hub"))
    run.wait_text("Link an account")
    run.driver.find_element(By.PARTIAL_LINK_TEXT, "BambooHR").click()
    run.wait_text("Connection guide")
    run.fill({"companyDomain": "acme", "apiKey": "not-the-key"})
    run.connect()
    run.wait_text("The credentials were not accepted")
    run.wait_until(lambda: received(run), "the failed event at the origin the session named")
    events = received(run)
    assert events == [{"origin": world.base, "data": {"type": "connector-hub:failed", "reason": "invalid_credentials"}}], events
    refused = [line for line in run.browser_log() if "does not match the recipient window's origin" in line]
    assert refused == [], refused


def a_session_framed_by_another_allowed_origin_is_refused(run):
    """A session naming the second allowed origin cannot be framed by the first one."""
    world = run.world
    run.browser_log()
    origin = world.second_embedder.origin
    run.driver.get(world.embedder.page(world.link_url(connectors=["bamboohr"], embed_origin=origin)))
    run.wait_log(lambda line: "frame-ancestors " + origin in line and world.base in line, "Chromium refusing the frame")
    run.driver.switch_to.frame(run.driver.find_element(By.ID, "hub"))
    assert "Link an account" not in run.driver.page_source, "the Hub's page did not render in the frame"
    run.driver.switch_to.default_content()
    assert received(run) == []


def disallowed_origin_cannot_frame(run):
    world = run.world
    status, _ = call("GET", world.base + "/health")
    assert status == 200
    run.browser_log()
    url = world.link_url(connectors=["bamboohr"])
    run.driver.get(world.stranger.page(url))
    run.wait_log(lambda line: "frame-ancestors" in line and world.base in line, "Chromium refusing to frame the Hub")
    run.driver.switch_to.frame(run.driver.find_element(By.ID, "hub"))
    assert "Link an account" not in run.driver.page_source, "the Hub's page did not render in the frame"
    run.driver.switch_to.default_content()
    assert received(run) == []
    # The refused frame did not use the link: opened in a tab of its own, it works.
    run.driver.get(url)
    run.wait_text("Choose the service to connect")


def popup_closed_mid_flow_is_noticed(run):
    """The person closes the sign-in popup before the provider finished: the embedded page says
    so and offers to open it again (and keeps polling)."""
    world = run.world
    run.driver.get(world.embedder.page(world.link_url(connectors=["linear"])))
    run.driver.switch_to.frame(run.driver.find_element(By.ID, "hub"))
    run.wait_text("Link an account")
    run.driver.find_element(By.PARTIAL_LINK_TEXT, "Linear").click()
    run.wait_text("How do you want to connect?")
    run.driver.find_element(By.PARTIAL_LINK_TEXT, "OAuth 2.0").click()
    run.wait_text("Connection guide")
    run.connect()
    run.wait_text("This page updates when you are done")
    notice = run.driver.find_element(By.ID, "popup-closed")
    assert not notice.is_displayed()
    before = set(run.driver.window_handles)
    run.driver.find_element(By.PARTIAL_LINK_TEXT, "Continue to Linear").click()
    run.wait_until(lambda: len(set(run.driver.window_handles) - before) == 1, "the popup")
    popup = (set(run.driver.window_handles) - before).pop()
    run.driver.switch_to.window(popup)
    run.wait_text("This sign-in page never finishes")
    assert run.driver.execute_script("return window.opener") is None, "the provider's page has no handle on the Hub's"
    run.driver.close()
    run.driver.switch_to.window(run.main)
    run.driver.switch_to.frame(run.driver.find_element(By.ID, "hub"))
    run.wait_until(lambda: run.driver.find_element(By.ID, "popup-closed").is_displayed(), "the closed-popup notice")
    assert "open it again" in run.driver.find_element(By.ID, "popup-closed").text
    run.page("32-popup-closed")
    # Open it again from the same button: a new popup.
    before = set(run.driver.window_handles)
    run.driver.find_element(By.PARTIAL_LINK_TEXT, "Continue to Linear").click()
    run.wait_until(lambda: len(set(run.driver.window_handles) - before) == 1, "the popup again")
    assert not run.driver.find_element(By.ID, "popup-closed").is_displayed()


def an_app_popup_gets_the_event_through_window_opener(run):
    """The app opens the link in a popup (not a frame): the success page posts its event to the
    window that opened it, at the configured origin."""
    world = run.world
    run.driver.get(world.embedder.page(world.link_url(end_user="popup-user", connectors=["bamboohr"]), popup=True))
    before = set(run.driver.window_handles)
    run.driver.find_element(By.ID, "open").click()
    run.wait_until(lambda: len(set(run.driver.window_handles) - before) == 1, "the app's popup")
    popup = (set(run.driver.window_handles) - before).pop()
    run.driver.switch_to.window(popup)
    run.wait_text("Choose the service to connect")
    run.driver.find_element(By.PARTIAL_LINK_TEXT, "BambooHR").click()
    run.wait_text("Connection guide")
    run.fill({"companyDomain": "popup-co", "apiKey": world.bamboo_key})
    run.connect()
    run.wait_text("BambooHR is connected")
    run.driver.switch_to.window(run.main)
    run.wait_until(lambda: received(run), "the linked event at the opener")
    status, answer = world.api("GET", "/v1/accounts?endUserId=popup-user")
    account = answer["accounts"][0]
    events = received(run)
    assert events == [{"origin": world.base, "data": {"type": "connector-hub:linked", "accountId": account["id"], "connector": "bamboohr"}}], events


SCENARIOS = [
    ("embedded: OAuth in a popup without window.opener, events to the app", embedded_oauth_in_a_popup_without_opener),
    ("embedded: events target exactly the configured origin", events_target_exactly_the_configured_origin),
    ("embedded: events go to the embedOrigin a session names", events_go_to_the_embed_origin_a_session_names),
    ("embedded: another allowed origin cannot frame a session naming its embedOrigin", a_session_framed_by_another_allowed_origin_is_refused),
    ("embedded: a disallowed origin cannot frame the page, the link stays unused", disallowed_origin_cannot_frame),
    ("embedded: a popup closed mid-flow is noticed, with a way to retry", popup_closed_mid_flow_is_noticed),
    ("popup: an app that opens the link in a popup gets the event", an_app_popup_gets_the_event_through_window_opener),
]
