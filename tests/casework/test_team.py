"""Each role's landing page, a team leader's assignments, and due dates for identity reviews."""

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import State
from casework.selectors import case_queue
from applications.service_standard import add_working_days
from tests import images
from tests.conftest import signed_in
from tests.factories import checked, in_review


def _referred(applicant):
    """A case whose faces did not match clearly: waiting for a person to review the identity."""
    application = checked(applicant, selfie=images.hopper_selfie())
    assert application.state == State.IDENTITY_ADJUDICATION
    return application


@pytest.mark.parametrize(
    ("persona", "landing"),
    [
        ("applicant", "applications:list"),
        ("caseworker", "casework:queue"),
        ("senior_caseworker", "casework:queue"),
        ("team_leader", "casework:team"),
        ("auditor", "casework:audit"),
    ],
)
def test_each_role_lands_on_its_own_page(db, request, persona, landing):
    user = request.getfixturevalue(persona)

    response = signed_in(user).get(reverse("home"), follow=True)

    assert response.redirect_chain[-1][0] == reverse(landing)
    assert response.status_code == 200
    assert ("Start a new application" in response.content.decode()) == (persona == "applicant")


def test_a_team_leader_assigns_waiting_cases_and_reassigns_others_at_once(applicant, second_applicant, caseworker, second_caseworker, team_leader, django_user_model):
    third = django_user_model.objects.create_user(email="hal.applicant@example.com", password="x", email_confirmed_at=timezone.now())
    waiting = checked(applicant)
    theirs = in_review(second_applicant, caseworker)
    identity = _referred(third)

    response = signed_in(team_leader).post(
        reverse("casework:bulk-assign"),
        {"cases": [waiting.id, theirs.id, identity.id], "to": second_caseworker.id, "next": reverse("casework:queue") + "?assigned=nobody"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("casework:queue") + "?assigned=nobody"
    assert "3 cases assigned to ed.caseworker@example.com" in response.content.decode()
    for application, state in [(waiting, State.IN_REVIEW), (theirs, State.IN_REVIEW), (identity, State.IDENTITY_ADJUDICATION)]:
        application.refresh_from_db()
        assert (application.state, application.assigned_to) == (state, second_caseworker)
        assert application.events.last().actor == team_leader


def test_bulk_assignment_says_what_is_missing_and_changes_nothing(applicant, caseworker, team_leader):
    application = checked(applicant)
    client = signed_in(team_leader)

    nothing = client.post(reverse("casework:bulk-assign"), {})
    no_one = client.post(reverse("casework:bulk-assign"), {"cases": [application.id]})
    unknown = client.post(reverse("casework:bulk-assign"), {"cases": ["not-a-case"], "to": caseworker.id})

    assert nothing.status_code == no_one.status_code == unknown.status_code == 400
    assert "Select the cases to assign" in nothing.content.decode()
    assert "Select a caseworker to assign the cases to" in nothing.content.decode()
    assert "Select a caseworker to assign the cases to" in no_one.content.decode()
    # The case stays ticked, so the team leader only has to choose the caseworker.
    assert f'value="{application.id}" checked' in no_one.content.decode()
    assert "no longer open" in unknown.content.decode()
    application.refresh_from_db()
    assert application.assigned_to is None


def test_a_case_already_with_that_caseworker_is_reported_and_the_others_are_assigned(applicant, second_applicant, caseworker, team_leader):
    mine = in_review(applicant, caseworker)
    waiting = checked(second_applicant)

    response = signed_in(team_leader).post(reverse("casework:bulk-assign"), {"cases": [mine.id, waiting.id], "to": caseworker.id}, follow=True)

    page = response.content.decode()
    assert f"Case {mine.reference} is already assigned to {caseworker.email}" in page
    assert f"1 case assigned to {caseworker.email}: {waiting.reference}" in page


def test_only_a_team_leader_assigns_cases(applicant, caseworker, second_caseworker):
    application = checked(applicant)

    response = signed_in(caseworker).post(reverse("casework:bulk-assign"), {"cases": [application.id], "to": second_caseworker.id})

    assert response.status_code == 403
    application.refresh_from_db()
    assert application.assigned_to is None


def test_the_team_leader_chooses_a_caseworker_from_named_options_not_a_blank_one(applicant, caseworker, team_leader):
    application = checked(applicant)
    client = signed_in(team_leader)

    queue = client.get(reverse("casework:queue")).content.decode()
    case = client.get(reverse("casework:case", args=[application.id])).content.decode()

    for page in (queue, case):
        assert "---------" not in page
        assert f">{caseworker.email}</label>" in page
    assert "Assign this case" in case
    client.post(reverse("casework:reassign", args=[application.id]), {"to": caseworker.id})
    application.refresh_from_db()
    assert (application.state, application.assigned_to) == (State.IN_REVIEW, caseworker)


def test_the_team_page_shows_the_backlog_and_each_caseworkers_cases(applicant, second_applicant, caseworker, team_leader):
    checked(applicant)
    in_review(second_applicant, caseworker)

    page = signed_in(team_leader).get(reverse("casework:team")).content.decode()

    assert '<span class="app-counts__figure">2</span> <span class="app-counts__label">open cases</span>' in page
    assert '<span class="app-counts__figure">1</span> <span class="app-counts__label">waiting for a caseworker</span>' in page
    row = page.split(f">{caseworker.email}</th>")[1].split("</tr>")[0]
    assert ">1</td>" in row and "With a caseworker: 1" in row


def test_an_identity_review_is_due_two_working_days_after_the_referral_and_sorts_with_the_rest(applicant, second_applicant, caseworker):
    waiting = checked(applicant)
    identity = _referred(second_applicant)
    today = timezone.localdate()

    queue = list(case_queue(user=caseworker))
    page = signed_in(caseworker).get(reverse("casework:case", args=[identity.id])).content.decode()

    assert [application.id for application in queue] == [identity.id, waiting.id]
    assert queue[0].due == add_working_days(today, 2)
    assert queue[1].due == waiting.due_on == add_working_days(today, 15)
    assert f"{add_working_days(today, 2):%-d %b %Y}" in page.split('id="case-due"')[1].split("</dd>")[0]


def test_the_auditor_finds_cases_through_the_search_that_records_a_reason(applicant, auditor):
    page = signed_in(auditor).get(reverse("casework:audit")).content.decode()

    assert reverse("casework:search") in page
    assert signed_in(auditor).get(reverse("casework:audit"), {"reference": "anything"}).status_code == 200
