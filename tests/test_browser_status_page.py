"""The applicant's status page while the identity check runs, in Debian's Chromium: with JavaScript it follows
the check through the status API and shows the outcome by itself; without, it offers a refresh.
Screenshots, desktop and 375 px wide, go to test-artifacts/screens/.
"""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from applications.identity_checks import application_identity_check_run
from identity.models import IdentityCheck
from tests.browser import ARTIFACTS, chromium, new_context, session_cookie
from tests.factories import submitted

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}
SCREENS = ARTIFACTS / "screens"
TASK = "identity-check-task"
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"



def _screenshot(page, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)


def _elsewhere(work) -> None:
    """Run database work in another thread: Playwright's event loop holds this one, where Django refuses it."""
    def run():
        try:
            work()
        finally:
            # The thread's own connection: left open, PostgreSQL refuses to drop the test database.
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(run).result()


def _worker_claims(application) -> None:
    # What identity.services._claim does when a worker takes the check up.
    IdentityCheck.objects.filter(application_id=application.id).update(
        status=IdentityCheck.Status.RUNNING, claimed_by=TASK, started_at=timezone.now()
    )


def _worker_finishes(application) -> None:
    # The worker's job itself (identity.tasks), with the task id of its claim.
    application_identity_check_run(application_id=application.id, task_id=TASK)


def _watch_console(page) -> list[str]:
    """Errors the page logs: a script the Content-Security-Policy blocks, a failed request."""
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def test_the_status_page_follows_the_identity_check_and_shows_the_outcome_by_itself(live_service, applicant):
    application = submitted(applicant)
    cookie = session_cookie(applicant)
    url = live_service.url + reverse("applications:overview", args=[application.id])
    with chromium() as browser:
        page = new_context(browser, live_service.url, cookie, viewport=DESKTOP).new_page()
        errors = _watch_console(page)
        page.goto(url)
        panel = page.locator("#identity-check")
        progress = panel.get_by_role("status")
        expect(panel.get_by_role("heading", name="We are checking your identity")).to_be_visible()
        expect(panel).to_contain_text("This usually takes a minute or two.")
        expect(progress).to_have_text("Your photos are waiting to be checked.")
        expect(panel.get_by_text("This page will update when the check has finished.")).to_be_visible()
        expect(panel.get_by_role("link", name="Refresh this page")).to_be_hidden()
        _screenshot(page, "identity-check-desktop")
        page.evaluate(AXE.read_text())
        violations = page.evaluate("axe.run(document, {resultTypes: ['violations']})")["violations"]
        assert [violation["id"] for violation in violations if violation["impact"] in ("serious", "critical")] == []

        _elsewhere(lambda: _worker_claims(application))
        # The page asks every few seconds; a busy machine may take longer.
        expect(progress).to_have_text("We are comparing your photos now.", timeout=15_000)

        _elsewhere(lambda: _worker_finishes(application))
        expect(page.locator("main strong.govuk-tag")).to_have_text("With a caseworker", timeout=15_000)
        expect(panel).to_have_count(0)
        # The page loaded itself again: no one pressed reload.
        assert page.evaluate("performance.getEntriesByType('navigation')[0].type") == "reload"
        expect(page.get_by_text("Identity confirmed", exact=True)).to_be_visible()
        _screenshot(page, "identity-check-finished-desktop")
        assert errors == []


def test_the_status_page_stops_asking_after_five_minutes_and_offers_a_refresh(live_service, applicant):
    application = submitted(applicant)
    cookie = session_cookie(applicant)
    api = reverse("api-v1:application", args=[application.id])
    with chromium() as browser:
        page = new_context(browser, live_service.url, cookie, viewport=PHONE).new_page()
        errors = _watch_console(page)
        polls = []
        page.on("request", lambda request: polls.append(request) if request.url.endswith(api) else None)
        page.clock.install()
        with page.expect_response(lambda response: response.url.endswith(api)) as first:
            page.goto(live_service.url + reverse("applications:overview", args=[application.id]))
        panel = page.locator("#identity-check")
        expect(panel.get_by_role("link", name="Refresh this page")).to_be_hidden()
        _screenshot(page, "identity-check-375")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        # Later polls send the ETag they were given, and get a 304 with no body.
        with page.expect_response(lambda response: response.url.endswith(api)) as second:
            page.clock.run_for(3_100)
        assert first.value.status == 200
        assert second.value.status == 304
        assert second.value.request.headers["if-none-match"] == first.value.headers["etag"]

        page.clock.fast_forward("05:01")
        expect(panel.get_by_role("status")).to_have_text("This is taking longer than usual. This page has stopped updating.")
        expect(panel.get_by_role("link", name="Refresh this page")).to_be_visible()
        expect(panel.get_by_text("This page will update when the check has finished.")).to_be_hidden()
        asked = len(polls)
        page.clock.run_for("01:00")
        assert len(polls) == asked
        _screenshot(page, "identity-check-gave-up-375")
        assert errors == []


def test_without_javascript_the_status_page_offers_a_refresh_that_shows_the_outcome(live_service, applicant):
    application = submitted(applicant)
    cookie = session_cookie(applicant)
    with chromium() as browser:
        page = new_context(browser, live_service.url, cookie, viewport=PHONE, java_script_enabled=False).new_page()
        page.goto(live_service.url + reverse("applications:overview", args=[application.id]))
        panel = page.locator("#identity-check")
        expect(panel.get_by_role("heading", name="We are checking your identity")).to_be_visible()
        expect(panel.get_by_text("This page will update when the check has finished.")).to_be_hidden()
        refresh = panel.get_by_role("link", name="Refresh this page")
        expect(refresh).to_be_visible()
        # The page does not reload itself: an applicant reading it, or their screen reader, is not interrupted.
        expect(page.locator("meta[http-equiv=refresh]")).to_have_count(0)
        _screenshot(page, "identity-check-no-javascript-375")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        _elsewhere(lambda: _worker_finishes(application))
        refresh.click()
        expect(page.locator("main strong.govuk-tag")).to_have_text("With a caseworker")
        expect(page.locator("#identity-check")).to_have_count(0)
