"""Playwright (sync API) driving Debian's Chromium against pytest-django's live server.

Playwright's sync API keeps an asyncio event loop running in the test thread; Django refuses
database access from such a thread unless told it is fine. The tests only touch the database from
fixtures, in between browser calls, so it is.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from playwright.sync_api import Browser, ConsoleMessage, Page, expect, sync_playwright

from tests.conftest import PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TIMEOUT_MS = 10_000

# Registered before any page script runs (CDP injection is not subject to the page's CSP).
CSP_PROBE = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


@dataclass
class PageLog:
    """What the page complained about: console errors and uncaught exceptions."""

    errors: list[str] = field(default_factory=list)

    def on_console(self, msg: ConsoleMessage) -> None:
        if msg.type != "error":
            return
        if "favicon.ico" in (msg.location or {}).get("url", ""):
            return  # the portal ships no favicon; Chromium asks anyway
        self.errors.append(f"console: {msg.text} @ {(msg.location or {}).get('url', '')}")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is not installed: run `make setup` (scripts/install-system-packages.sh)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page_log() -> PageLog:
    return PageLog()


@pytest.fixture
def page(browser: Browser, page_log: PageLog) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="th-TH")
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(CSP_PROBE)
    page = context.new_page()
    page.on("console", page_log.on_console)
    page.on("pageerror", lambda exc: page_log.errors.append(f"pageerror: {exc}"))
    expect.set_options(timeout=TIMEOUT_MS)
    yield page
    context.close()


def log_in(page: Page, live_server, username: str, password: str = PASSWORD) -> None:
    """Log in through the login form, like a person would."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("main form[action='/accounts/login/'] button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/assessments/")


def csp_violations(page: Page) -> list[str]:
    return page.evaluate("window.__cspViolations || []")
