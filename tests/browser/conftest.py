"""Playwright (Python) driving Debian's Chromium against pytest-django's live server.

Without /usr/bin/chromium the browser tests skip, unless REQUIRE_BROWSER=1 (CI),
where a missing browser is a failure.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by
# the test itself (fixtures, assertions) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message + "; REQUIRE_BROWSER=1 makes this a failure")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


class Browser:
    """A browser tab on the live server, with the few steps every test needs."""

    def __init__(self, page, base_url):
        self.page = page
        self.base_url = base_url
        self.console_errors = []
        page.on("console", lambda msg: msg.type == "error" and self.console_errors.append(msg.text))
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))

    def open(self, path):
        self.page.goto(self.base_url + path)
        return self.page

    def login(self, username, password):
        from tests.factories import PASSWORD

        self.open("/accounts/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", password or PASSWORD)
        self.page.click("form button[type=submit]")
        self.page.wait_for_load_state()
        return self.page

    def screenshot(self, name):
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def has_horizontal_scroll(self):
        return self.page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")


def _browser(chromium, live_server, viewport):
    context = chromium.new_context(viewport=viewport, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(15_000)
    yield Browser(context.new_page(), live_server.url)
    context.close()


@pytest.fixture
def desktop(chromium, live_server, transactional_db):
    yield from _browser(chromium, live_server, DESKTOP)


@pytest.fixture
def phone(chromium, live_server, transactional_db):
    yield from _browser(chromium, live_server, PHONE)
