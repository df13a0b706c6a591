"""Every page, in a real browser, checked by axe-core (from npm) for accessibility.

Drives Debian's Chromium (/usr/bin/chromium) with Playwright against a live
server. No serious or critical axe violations are allowed; every page has exactly
one h1 and a title that no other page has. A screenshot of each page that fails
is saved under test-artifacts/.
"""

import datetime
import re
import shutil
from pathlib import Path
from uuid import UUID

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from api.models import ApiCall
from api.services import api_client_register
from applications.models import Application
from applications.payments import payment_start
from automation.models import QualityCheck, WatchListEntry
from automation.services import automated_decision_make
from casework.services import case_propose_refusal, case_request_information
from casework.share_codes import share_code_create
from management_information.refresh import figures_refresh
from identity.models import DuplicateCandidate
from payments.providers import fake_payment_finish
from tests import images
from tests.api.conftest import live_client, sandbox_client
from tests.automation.conftest import awaiting_decision
from tests.browser import ARTIFACTS, launch, new_context, require_browser, session_cookie
from tests.factories import ETA, draft_application, granted, in_review

pytestmark = pytest.mark.browser

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
AXE_SOURCE = AXE.read_text() if AXE.exists() else ""


def _build_pages(applicant, second_applicant, caseworker, senior_caseworker, team_leader, auditor):
    """(user, path, "form" if the page's form should also be checked submitted empty) for each page."""
    draft = draft_application(applicant, route="skilled-worker")
    empty = Application.objects.create(applicant=applicant, route="visitor")
    awaiting = in_review(applicant, caseworker)
    case_request_information(application=awaiting, actor=caseworker, message="Send payslips.",
                             respond_by=timezone.localdate() + datetime.timedelta(days=10))
    # Other faces: the same face under several applications would be flagged as a potential duplicate.
    decided = granted(applicant, caseworker, route="student", passport=images.hopper_passport(), selfie=images.hopper_selfie())
    in_review_case = in_review(second_applicant, caseworker, route="family-partner", passport=images.hopper_passport(), selfie=images.astronaut_selfie())
    proposed = in_review(second_applicant, caseworker, route="settlement", passport=images.hopper_passport(), selfie=images.hopper_selfie())
    case_propose_refusal(application=proposed, actor=caseworker, reasons=["eligibility"], reason="Not long enough in the UK.")
    share_code_create(status=decided.immigration_status, holder=applicant)
    # Its face is the other applications' too: dismissed as a duplicate, so that the rules grant it (and sample it).
    eta = awaiting_decision(applicant)
    DuplicateCandidate.objects.filter(application=eta).update(resolution=DuplicateCandidate.Resolution.DISMISSED)
    with override_settings(AUTOMATED_GRANT_SAMPLE_RATE=1.0):
        automated_decision_make(application_id=str(eta.id))
    quality_check = QualityCheck.objects.get(decision__application=eta)
    eta_draft = draft_application(applicant, route=ETA)
    declined = payment_start(application=eta_draft, actor=applicant)
    fake_payment_finish(payment_id=declined.provider_id, outcome="decline")
    open_payment = payment_start(application=eta_draft, actor=applicant)
    WatchListEntry.objects.create(full_name="Александр Иванов", date_of_birth="1970-04-03", reason="Deported in 2019.", added_by=team_leader)
    api_client = sandbox_client(applicant).client
    ApiCall.objects.create(client=api_client, operation="right_to_work_check", purpose="right_to_work", status_code=200, result="shown")
    live_client(applicant, team_leader)
    api_client_register(contact=applicant, organisation="Waiting Lettings", use="Right to rent checks of our tenants.",
                        scopes=["right_to_rent"], environment="live")

    def question(application, key):
        return reverse("applications:question", args=[application.id, key])

    pages = [
        (None, reverse("home"), None),
        (None, reverse("accounts:register"), "form"),
        (None, reverse("accounts:register-sent"), None),
        (None, reverse("accounts:sign-in"), "form"),
        (None, reverse("accounts:password-reset"), "form"),
        (None, reverse("accounts:password-reset-sent"), None),
        (None, reverse("accounts:confirm-email", args=["not-a-token"]), None),
        (None, "/no-such-page/", None),
        (applicant, reverse("applications:list"), None),
        (applicant, reverse("applications:start"), "form"),
        (applicant, reverse("applications:overview", args=[empty.id]), None),
        (applicant, question(empty, "given_names"), "form"),
        (applicant, question(empty, "date_of_birth"), "form"),
        (applicant, question(empty, "sex"), "form"),
        (applicant, question(empty, "nationality"), "form"),
        (applicant, question(empty, "address"), "form"),
        (applicant, question(empty, "stay_months"), "form"),
        (applicant, question(draft, "salary"), None),
        (applicant, question(empty, "passport_mrz"), None),
        (applicant, reverse("applications:evidence", args=[draft.id, "english_language"]), None),
        (applicant, reverse("applications:photos", args=[empty.id]), "form"),
        (applicant, reverse("applications:check-answers", args=[draft.id]), "form"),
        (applicant, reverse("applications:check-answers", args=[empty.id]), None),
        (applicant, reverse("applications:confirmation", args=[awaiting.id]), None),
        (applicant, reverse("applications:overview", args=[awaiting.id]), None),
        (applicant, reverse("applications:respond", args=[awaiting.id]), "form"),
        (applicant, reverse("applications:withdraw", args=[awaiting.id]), "form"),
        (applicant, reverse("applications:overview", args=[decided.id]), None),
        (applicant, reverse("holder:letter", args=[decided.id]), None),
        (caseworker, reverse("casework:queue"), None),
        (caseworker, reverse("casework:case", args=[in_review_case.id]), "form"),
        (caseworker, reverse("casework:case", args=[decided.id]), None),
        (senior_caseworker, reverse("casework:case", args=[proposed.id]), "form"),
        (team_leader, reverse("casework:queue"), "form"),
        (team_leader, reverse("casework:case", args=[in_review_case.id]), None),
        (auditor, reverse("casework:case", args=[decided.id]), None),
        (applicant, reverse("holder:share", args=[decided.id]), None),
        (None, reverse("status-check"), "form"),
        (None, reverse("cookies"), None),
        (None, reverse("accessibility-statement"), None),
        (None, reverse("privacy"), None),
        (team_leader, reverse("casework:team"), None),
        (auditor, reverse("casework:audit"), None),
        (caseworker, reverse("holder:letter", args=[decided.id]), None),
        (caseworker, reverse("casework:search"), None),
        (caseworker, reverse("casework:search") + "?name=collins", None),
        (auditor, reverse("casework:search") + "?name=collins&reason=quality_check", None),
        (auditor, reverse("audit:access-report"), None),
        (applicant, reverse("audit:your-data"), None),
        (team_leader, reverse("audit:staff-exports"), None),
        *((team_leader, reverse(f"management_information:{page}"), None) for page in ("overview", "service-standard", "decisions", "identity")),
        (auditor, reverse("management_information:overview") + "?date_from=2026-05-01&date_to=2026-04-01", None),
        (team_leader, reverse("management_information:threshold-replay") + "?pass_threshold=0.4&fail_threshold=0.6&weeks=4", None),
        (team_leader, reverse("management_information:threshold-replay") + "?pass_threshold=0.7&fail_threshold=0.6&weeks=4", None),
        (None, reverse("statistics:page"), None),
        (applicant, reverse("applications:check-answers", args=[eta_draft.id]), "form"),
        (applicant, reverse("payments:fake-provider", args=[open_payment.provider_id]), None),
        (applicant, reverse("applications:payment-return", args=[declined.id]), None),
        (applicant, reverse("applications:overview", args=[eta.id]), None),
        (caseworker, reverse("casework:case", args=[eta.id]), None),
        (senior_caseworker, reverse("automation:quality"), None),
        (senior_caseworker, reverse("automation:quality-check", args=[quality_check.id]), "form"),
        (team_leader, reverse("automation:watch-list"), "form"),
        (applicant, reverse("api-clients:list"), None),
        (applicant, reverse("api-clients:new"), "form"),
        (applicant, reverse("api-clients:detail", args=[api_client.id]), None),
        (applicant, reverse("api-clients:stop", args=[api_client.id]), None),
        (team_leader, reverse("api-clients:review"), None),
    ]
    figures_refresh()
    return pages


def test_every_page_passes_axe_and_has_one_h1_and_a_unique_title(
    live_service, applicant, second_applicant, caseworker, senior_caseworker, team_leader, auditor
):
    require_browser()
    pages = _build_pages(applicant, second_applicant, caseworker, senior_caseworker, team_leader, auditor)
    cookies = {None: None, **{user: session_cookie(user) for user in (applicant, caseworker, senior_caseworker, team_leader, auditor)}}

    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    titles: dict[str, str] = {}
    shutil.rmtree(ARTIFACTS / "accessibility", ignore_errors=True)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        contexts = {user: new_context(browser, live_service.url, cookie) for user, cookie in cookies.items()}
        for user, path, form in pages:
            page = contexts[user].new_page()
            failed, refused = [], []
            page.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)
            page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None)
            page.goto(live_service.url + path)
            if stray := [url for url in failed if "/assets/" in url]:
                problems.append(f"{path}: assets failed to load: {stray}")
            problems += _check(page, path, titles)
            if form:
                # Submit the form empty, to check the error summary and messages too.
                page.locator("main form[method=post] button[type=submit]").last.click()
                page.wait_for_load_state()
                problems += _check(page, f"{path} (with errors)", None)
            problems += [f"{path}: refused by the Content-Security-Policy: {text}" for text in refused]
            page.close()
        browser.close()

    assert not problems, "\n".join(problems)


def _page_kind(path: str) -> str:
    """What makes a page a different page: its view and any argument that is not an id."""
    try:
        match = resolve(path)
    except Resolver404:
        return "not found"
    return "/".join([match.view_name, *(str(v) for v in match.kwargs.values() if not isinstance(v, UUID))])


def _known_govuk_exception(rule: str, node: dict) -> bool:
    """GOV.UK Frontend's conditional reveal sets aria-expanded on the radio that reveals:
    invalid ARIA, kept on purpose because screen readers announce it (govuk-frontend
    issue 979, listed there as a known axe finding). Nothing else is excused."""
    return (
        rule == "aria-allowed-attr"
        and 'class="govuk-radios__input"' in node["html"]
        and "aria-controls=" in node["html"]
        and set(re.findall(r"aria-[a-z]+", node.get("failureSummary", ""))) == {"aria-expanded"}
    )


def _check(page, name: str, titles: dict[str, str] | None) -> list[str]:
    found = []
    # Evaluated through the browser's debugging protocol, not as an inline script,
    # which the pages' Content-Security-Policy would refuse.
    page.evaluate(AXE_SOURCE)
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    for violation in results["violations"]:
        nodes = [node for node in violation["nodes"] if not _known_govuk_exception(violation["id"], node)]
        if violation["impact"] in ("serious", "critical") and nodes:
            targets = [node["target"] for node in nodes][:3]
            found.append(f"{name}: {violation['impact']} {violation['id']}: {violation['help']} at {targets}")
    if (count := page.locator("h1").count()) != 1:
        found.append(f"{name}: {count} h1 elements")
    title = page.title()
    if titles is not None:
        kind = _page_kind(name)
        if titles.setdefault(title, kind) != kind:
            found.append(f"{name}: title {title!r} is also the title of {titles[title]}")
    if found:
        ARTIFACTS.joinpath("accessibility").mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "accessibility" / f"{name.strip('/').replace('/', '_') or 'home'}.png"), full_page=True)
    return found


def test_an_inactive_session_is_warned_and_can_be_kept(live_service, applicant, settings):
    require_browser()
    settings.SESSION_COOKIE_AGE = 6
    settings.SESSION_TIMEOUT_WARNING = 4
    cookie = session_cookie(applicant)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = new_context(browser, live_service.url, cookie).new_page()
        page.goto(live_service.url + reverse("applications:start"))
        dialog = page.locator("#session-timeout-dialog")
        assert not dialog.is_visible()

        dialog.wait_for(state="visible", timeout=5000)
        assert "You will be signed out soon" in dialog.inner_text()
        page.get_by_role("button", name="Stay signed in").click()
        dialog.wait_for(state="hidden", timeout=2000)
        # The session was renewed, so the page still works when used after the original end.
        page.wait_for_timeout(3000)
        page.reload()
        assert page.title().startswith("What are you applying for?")

        # Left alone, the page moves to sign-in once the session has ended.
        page.wait_for_url("**/accounts/sign-in/**", timeout=10000)
        assert "Sign in to continue" in page.content()
        browser.close()
