"""The caseworker's and the applicant's pages in Debian's Chromium: layout, conditional reveal,
bulk assignment, the country autocomplete with and without JavaScript, and the phone-sized
navigation. Screenshots of each page, desktop and 375 px wide, go to test-artifacts/screens/.
"""


import pytest
from django.urls import reverse
from playwright.sync_api import expect

from applications.models import Application, State
from tests import images
from tests.browser import ARTIFACTS, chromium, new_context, session_cookie
from tests.factories import checked, in_review

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}
SCREENS = ARTIFACTS / "screens"


def _screenshot(page, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)



def test_the_case_page_puts_the_summary_faces_and_actions_first_and_keeps_the_actions_in_reach(live_service, applicant, caseworker):
    application = in_review(applicant, caseworker, passport=images.hopper_passport(), selfie=images.hopper_selfie())
    cookie = session_cookie(caseworker)
    with chromium() as browser:
        url = live_service.url + reverse("casework:case", args=[application.id])

        page = new_context(browser, live_service.url, cookie, viewport=DESKTOP).new_page()
        page.goto(url)
        _screenshot(page, "case-desktop")

        # In the first screen: who, the route, the state, the due date, and the two faces side by side.
        for element in ["h1", "#case-status", "#case-due", ".app-faces"]:
            assert page.locator(element).first.bounding_box()["y"] < DESKTOP["height"], element
        faces = page.locator(".app-faces__face img")
        expect(faces).to_have_count(2)
        first, second = faces.nth(0).bounding_box(), faces.nth(1).bounding_box()
        assert abs(first["y"] - second["y"]) < 2 and second["x"] > first["x"] + first["width"]
        assert page.evaluate("[...document.querySelectorAll('.app-faces__face img')].every(img => img.complete && img.naturalWidth > 0)")
        # The distance is drawn between its thresholds.
        marker = page.locator(".app-distance__marker").bounding_box()
        line = page.locator(".app-distance").bounding_box()
        assert line["x"] <= marker["x"] <= line["x"] + line["width"]
        # The actions sit beside the sections, and stay in view at the bottom of the history.
        actions = page.locator("#actions")
        assert actions.bounding_box()["x"] > page.locator("#identity").bounding_box()["x"] + 400
        page.locator("#history").scroll_into_view_if_needed()
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        box = actions.bounding_box()
        assert 0 <= box["y"] < DESKTOP["height"]
        expect(page.get_by_role("button", name="Record decision")).to_be_in_viewport()
        # Sub-navigation moves between sections.
        page.get_by_role("navigation", name="Sections of the case").get_by_role("link", name="History").click()
        expect(page.locator("#history-heading")).to_be_in_viewport()

        phone = new_context(browser, live_service.url, cookie, viewport=PHONE).new_page()
        phone.goto(url)
        _screenshot(phone, "case-375")
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        # The service navigation is collapsed behind its Menu button at this width.
        menu = phone.get_by_role("button", name="Menu")
        expect(menu).to_be_visible()
        expect(phone.get_by_role("link", name="Casework queue")).to_be_hidden()
        menu.click()
        expect(phone.get_by_role("link", name="Casework queue")).to_be_visible()


def test_the_decision_form_reveals_the_fields_for_the_choice_made(live_service, applicant, caseworker):
    application = in_review(applicant, caseworker, route="student")
    cookie = session_cookie(caseworker)
    with chromium() as browser:
        page = new_context(browser, live_service.url, cookie, viewport=DESKTOP).new_page()
        page.goto(live_service.url + reverse("casework:case", args=[application.id]))
        work = page.get_by_label("Work up to 20 hours a week in term time")
        reasons = page.get_by_label("You do not meet the eligibility requirements of the route.")
        expect(work).to_be_hidden()
        expect(reasons).to_be_hidden()

        page.get_by_label("Grant", exact=True).check()
        expect(work).to_be_visible()
        expect(page.get_by_label("Study only the course sponsored")).to_be_visible()
        expect(reasons).to_be_hidden()
        _screenshot(page, "decision-grant-desktop")

        page.get_by_label("Refuse (a senior caseworker confirms)").check()
        expect(reasons).to_be_visible()
        expect(work).to_be_hidden()
        reasons.check()
        page.get_by_label("Explain the refusal").fill("The course is not one the sponsor may offer.")
        page.get_by_role("button", name="Record decision").click()
        expect(page.locator("#case-status")).to_have_text("Refusal proposed, awaiting a second caseworker")

    application.refresh_from_db()
    assert (application.state, application.refusal_reasons) == (State.REFUSAL_PROPOSED, ["eligibility"])


def test_a_team_leader_reassigns_several_cases_at_once(live_service, applicant, second_applicant, caseworker, second_caseworker, team_leader):
    first = in_review(applicant, caseworker)
    second = checked(second_applicant, selfie=images.hopper_selfie())
    cookie = session_cookie(team_leader)
    with chromium() as browser:
        page = new_context(browser, live_service.url, cookie, viewport=DESKTOP).new_page()
        page.goto(live_service.url + reverse("home"))
        expect(page.get_by_role("heading", name="Your team’s cases")).to_be_visible()
        _screenshot(page, "team-desktop")
        page.goto(live_service.url + reverse("casework:queue"))
        page.get_by_label(f"Select {first.reference}").check()
        page.get_by_label(f"Select {second.reference}").check()
        page.get_by_label(second_caseworker.email).check()
        _screenshot(page, "queue-team-leader-desktop")
        page.get_by_role("button", name="Assign selected cases").click()
        expect(page.get_by_text(f"2 cases assigned to {second_caseworker.email}")).to_be_visible()
        phone = new_context(browser, live_service.url, cookie, viewport=PHONE).new_page()
        phone.goto(live_service.url + reverse("casework:queue"))
        _screenshot(phone, "queue-375")
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    assigned = {application.id: (application.state, application.assigned_to_id) for application in Application.objects.filter(id__in=[first.id, second.id])}
    assert assigned == {first.id: (State.IN_REVIEW, second_caseworker.id), second.id: (State.IDENTITY_ADJUDICATION, second_caseworker.id)}


@pytest.mark.parametrize("javascript", [True, False])
def test_a_country_is_chosen_by_typing_with_javascript_and_from_the_list_without(live_service, applicant, javascript):
    application = Application.objects.create(applicant=applicant, route="visitor")
    cookie = session_cookie(applicant)
    with chromium() as browser:
        page = new_context(browser, live_service.url, cookie, viewport=DESKTOP, java_script_enabled=javascript).new_page()
        page.goto(live_service.url + reverse("applications:question", args=[application.id, "nationality"]))
        if javascript:
            box = page.get_by_role("combobox", name="What is your nationality, as shown on your passport?")
            box.fill("fran")
            _screenshot(page, "country-autocomplete-desktop")
            page.get_by_role("option", name="France", exact=True).click()
            expect(page.locator("select[name=answer]")).to_be_hidden()
        else:
            page.get_by_label("What is your nationality, as shown on your passport?").select_option("FRA")
        page.get_by_role("button", name="Save and continue").click()
        expect(page.get_by_role("heading", name="When was your passport issued?")).to_be_visible()

    application.refresh_from_db()
    assert application.answers["nationality"] == "FRA"


def test_the_service_pages_at_375_pixels(live_service, applicant):
    application = Application.objects.create(applicant=applicant, route="skilled-worker")
    cookie = session_cookie(applicant)
    with chromium() as browser:
        phone = new_context(browser, live_service.url, cookie, viewport=PHONE).new_page()
        for name, path in [
            ("privacy-375", reverse("privacy")),
            ("start-375", reverse("applications:start")),
            ("salary-375", reverse("applications:question", args=[application.id, "salary"])),
        ]:
            phone.goto(live_service.url + path)
            _screenshot(phone, name)
            assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name
        expect(phone.get_by_role("button", name="Menu")).to_be_visible()
