"""Driving Debian's Chromium with Playwright (never Playwright's own browser download)."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def require_browser() -> None:
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("REQUIRE_BROWSER"):
        pytest.fail(f"REQUIRE_BROWSER is set but {CHROMIUM} is missing: apt-get install chromium")
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium); .ci/run installs it")


def launch(playwright, *extra_args: str):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=[*_ARGS, *extra_args])


@contextmanager
def chromium(*extra_args: str) -> Iterator[Browser]:
    """Chromium, for the length of a `with`: the database can be read again once it has closed."""
    require_browser()
    with sync_playwright() as playwright:
        browser = launch(playwright, *extra_args)
        try:
            yield browser
        finally:
            browser.close()


def session_cookie(user) -> str:
    """A signed-in session for `user`. Call it before starting Playwright: its synchronous
    API runs an event loop in this thread, inside which Django refuses database calls."""
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def new_context(browser, base_url: str, cookie: str | None = None, **options):
    """A browser context, signed in with a cookie from session_cookie() if one is given."""
    context = browser.new_context(**options)
    if cookie:
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base_url}])
    return context
