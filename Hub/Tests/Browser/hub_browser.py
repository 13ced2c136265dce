#!/usr/bin/env python3
"""Drives headless Chromium (Debian's chromium + chromium-driver, Selenium) through the real
connector-hub binary, with the Authlib provider emulation (Tests/Servers/authserver.py) as every
provider and small local pages on other origins as embedding apps, and checks each page with
axe-core (zero serious or critical violations).

  hub_browser.py --hub PATH/connector-hub [--screenshots DIR]

Scenarios, by concern:
- scenarios_linking.py: the base URL's page; the picker's tiles and live search; BambooHR (API key)
  after two inline field errors at once; Zelt (OAuth, its 14 scopes in the guide; reload after
  success says linked, back to the form warns of a duplicate); Smartsheet (hash client
  authentication); SpotDraft; HiBob (service user); access denied at the provider; a revoked
  account shown as reconnect required, then reconnected; links and forms that cannot be used.
- scenarios_failures.py: invalid credentials (the form comes back with the other values) and the
  per-session attempt cap; missing scopes named; the provider unavailable (token endpoint 503,
  unreachable); a wrong app client (the app's fault, logged for operators).
- scenarios_embedding.py: the page in an iframe of an allowed origin, OAuth in a popup whose
  provider page cuts window.opener, postMessage to exactly the configured origin, a disallowed
  origin refused by frame-ancestors (the link stays unused), a popup closed mid-flow, an app that
  opens the link in a popup (events through window.opener).
- scenarios_operators.py: sign in, Link account, Reconnect, Remove (asked first; revokes at the
  provider), nothing overflowing at 390 px, the action log (a refused action call, without its
  values), sign out.

Prints 'N passed, N failed' at the end and exits non-zero on any failure.
"""

import argparse
import os
import shutil
import sys
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

import scenarios_embedding
import scenarios_failures
import scenarios_linking
import scenarios_operators
from browser_world import Run, World

# In order: later scenarios use accounts earlier ones linked.
SCENARIOS = scenarios_linking.SCENARIOS + scenarios_failures.SCENARIOS + scenarios_embedding.SCENARIOS + scenarios_operators.SCENARIOS


def chromium():
    options = Options()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000", "--disable-gpu"):
        options.add_argument(flag)
    # Console messages (a refused postMessage, a refused frame) are part of what is checked.
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    return webdriver.Chrome(service=service, options=options)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--hub", required=True)
    parser.add_argument("--screenshots")
    arguments = parser.parse_args()
    directory = tempfile.mkdtemp(prefix="hub-browser-")
    if arguments.screenshots:
        os.makedirs(arguments.screenshots, exist_ok=True)
    world = World(os.path.abspath(arguments.hub), directory)
    driver = chromium()
    run = Run(world, driver, arguments.screenshots)
    try:
        for name, scenario in SCENARIOS:
            run.scenario(name, scenario)
    finally:
        driver.quit()
        world.stop()
    if run.failed:
        print("logs in " + directory)
    else:
        shutil.rmtree(directory, ignore_errors=True)
        print("axe: %d page checks, no serious or critical violation" % run.pages_checked)
    print("%d passed, %d failed" % (run.passed, run.failed))
    sys.exit(1 if run.failed else 0)


if __name__ == "__main__":
    main()
