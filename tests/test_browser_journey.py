"""An applicant's journey and a caseworker's decision, in Debian's Chromium, against a live server and a real worker.

Everything is done as a person would: signing in with the form, one question per
page, choosing files, ticking the declaration, pressing the buttons. When the
test fails, a screenshot of each open page is saved under test-artifacts/browser/.
"""

import datetime

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from applications.countries import COUNTRY_NAMES
from applications.routes import ROUTES
from tests import images
from tests.browser import ARTIFACTS, launch, require_browser
from tests.conftest import PASSWORD
from tests.factories import valid_answers

pytestmark = [pytest.mark.browser, pytest.mark.worker]


@pytest.fixture
def open_page(request, live_service):
    """Open a page in a new browser context (one per person); screenshots of them all if the test fails."""
    require_browser()
    pages: list[Page] = []
    with sync_playwright() as playwright:
        browser = launch(playwright)

        def new_page() -> Page:
            page = browser.new_context(base_url=live_service.url).new_page()
            page.set_default_timeout(15_000)
            pages.append(page)
            return page

        yield new_page
        if getattr(request.node, "report_call", None) is None or request.node.report_call.failed:
            folder = ARTIFACTS / "browser"
            folder.mkdir(parents=True, exist_ok=True)
            for number, page in enumerate(pages, 1):
                page.screenshot(path=str(folder / f"{request.node.name}-{number}.png"), full_page=True)
        browser.close()


def _sign_in(page: Page, email: str) -> None:
    page.goto("/accounts/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def _answer(page: Page, value: object) -> None:
    if page.locator('[name="answer_day"]').count():
        date = datetime.date.fromisoformat(str(value))
        page.locator('[name="answer_day"]').fill(str(date.day))
        page.locator('[name="answer_month"]').fill(str(date.month))
        page.locator('[name="answer_year"]').fill(str(date.year))
    elif page.locator("input.autocomplete__input").count():
        # A country question, enhanced: type part of the name and choose it from the list, as a person would.
        name = COUNTRY_NAMES[str(value)]
        page.locator("input.autocomplete__input").fill(name[:5])
        page.get_by_role("option", name=name, exact=True).click()
    elif page.locator('input[type="radio"][name="answer"]').count():
        page.locator(f'input[type="radio"][name="answer"][value="{value}"]').check()
    else:
        page.locator('[name="answer"]').fill(str(value))
    page.get_by_role("button", name="Save and continue").click()


# The test's users are made by their fixtures before open_page starts the browser:
# Django refuses database calls from inside Playwright's event loop.
def test_an_applicant_applies_and_a_caseworker_grants(applicant, caseworker, celery_worker, open_page):
    answers = valid_answers()
    page = open_page()
    _sign_in(page, applicant.email)

    page.goto("/applications/new/")
    page.get_by_label("Standard Visitor").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Your application")).to_be_visible()
    overview = page.url
    for question in ROUTES["visitor"].questions.values():
        if question.key in answers:
            page.goto(f"{overview}questions/{question.key}/")
            _answer(page, answers[question.key])
            expect(page.locator(".govuk-error-summary")).to_have_count(0)

    page.goto(f"{overview}photos/")
    page.get_by_label("Upload a photo of your passport's photo page").set_input_files(
        {"name": "passport.jpg", "mimeType": "image/jpeg", "buffer": images.astronaut_passport()}
    )
    page.get_by_label("Upload a photo of your face").set_input_files(
        {"name": "selfie.jpg", "mimeType": "image/jpeg", "buffer": images.astronaut_selfie()}
    )
    page.get_by_role("button", name="Upload and continue").click()
    expect(page).to_have_url(overview)

    page.goto(f"{overview}check-answers/")
    page.get_by_label("I confirm that the information I have given is true and complete").check()
    page.get_by_role("button", name="Accept and submit").click()
    reference = page.locator("#reference").inner_text()

    caseworker_page = open_page()
    _sign_in(caseworker_page, caseworker.email)
    case = overview.replace("/applications/", "/casework/cases/")
    caseworker_page.goto(case)
    expect(caseworker_page.get_by_text(reference).first).to_be_visible()
    for _ in range(120):  # the worker checks the identity in the background
        if caseworker_page.locator("#case-status").inner_text() == "Waiting for a caseworker":
            break
        caseworker_page.wait_for_timeout(500)
        caseworker_page.reload()
    expect(caseworker_page.locator("#case-status")).to_have_text("Waiting for a caseworker")

    caseworker_page.get_by_role("button", name="Take this case").click()
    expect(caseworker_page.locator("#case-status")).to_have_text("With a caseworker")
    caseworker_page.get_by_label("Grant", exact=True).check()
    ends = datetime.date.today() + datetime.timedelta(days=180)
    caseworker_page.locator('[name="valid_until_day"]').fill(str(ends.day))
    caseworker_page.locator('[name="valid_until_month"]').fill(str(ends.month))
    caseworker_page.locator('[name="valid_until_year"]').fill(str(ends.year))
    caseworker_page.get_by_label("No work", exact=True).check()
    caseworker_page.get_by_label("Study permitted", exact=True).check()
    caseworker_page.get_by_label("Notes for the applicant (optional)").fill("Meets the requirements of the visitor rules.")
    caseworker_page.get_by_role("button", name="Record decision").click()
    expect(caseworker_page.locator("#case-status")).to_have_text("Granted")

    page.goto(overview)
    expect(page.get_by_role("heading", name="Your application has been granted")).to_be_visible()
    page.get_by_role("link", name="Read your decision letter").click()
    expect(page.get_by_text("Meets the requirements of the visitor rules.")).to_be_visible()
