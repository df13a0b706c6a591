import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, State
from applications.workflow import ConflictError, WorkflowError
from casework.models import ImmigrationStatus
from casework.services import (
    case_assign_next,
    case_confirm_refusal,
    case_grant,
    case_propose_refusal,
    case_reassign,
    case_release,
    case_return_refusal,
    case_take,
    cases_release_stale,
)
from tests import images
from tests.conftest import signed_in
from tests.factories import checked, draft_application, in_review

_UNTIL = timezone.localdate() + datetime.timedelta(days=200)
GRANT = {
    "decision": "grant", "work_condition": "none", "study_condition": "permitted", "grant_reason": "Meets the rules.",
    "valid_until_day": _UNTIL.day, "valid_until_month": _UNTIL.month, "valid_until_year": _UNTIL.year,
}


def _grant(user, application, **extra):
    return signed_in(user).post(reverse("casework:decision", args=[application.id]), {**GRANT, **extra}, follow=True)


# Who sees what.

def test_applicants_cannot_see_the_queue_or_cases(applicant):
    application = checked(applicant)
    client = signed_in(applicant)

    assert client.get(reverse("casework:queue")).status_code == 403
    assert client.get(reverse("casework:case", args=[application.id])).status_code == 403
    assert client.post(reverse("casework:take", args=[application.id])).status_code == 403
    assert client.post(reverse("casework:decision", args=[application.id]), GRANT).status_code == 403


def test_an_auditor_reads_everything_and_can_change_nothing(applicant, caseworker, auditor):
    application = in_review(applicant, caseworker)
    client = signed_in(auditor)

    assert application.reference in client.get(reverse("casework:queue")).content.decode()
    page = client.get(reverse("casework:case", args=[application.id])).content.decode()
    assert "Eileen Marie" in page
    assert "<form" not in page.split('id="main-content"')[1].split("</main>")[0]
    for name in ["take", "release", "decision", "note", "information-request"]:
        client.post(reverse(f"casework:{name}", args=[application.id]), {**GRANT, "text": "x", "message": "x"})
    application.refresh_from_db()
    assert (application.state, application.assigned_to) == (State.IN_REVIEW, caseworker)
    assert not application.notes.exists()


def test_a_draft_is_not_a_case(applicant, caseworker):
    application = draft_application(applicant)

    assert signed_in(caseworker).get(reverse("casework:case", args=[application.id])).status_code == 404


def test_a_caseworker_sees_waiting_cases_and_their_own_a_team_leader_sees_all(applicant, second_applicant, caseworker, second_caseworker, team_leader):
    mine = in_review(applicant, caseworker)
    theirs = in_review(second_applicant, second_caseworker, passport=images.hopper_passport(), selfie=images.hopper_selfie())
    waiting = checked(second_applicant, route="student", passport=images.hopper_passport(), selfie=images.hopper_selfie())

    def listed(user):
        return {case.id for case, _ in signed_in(user).get(reverse("casework:queue")).context["rows"]}

    assert listed(caseworker) == {mine.id, waiting.id}
    assert listed(team_leader) == {mine.id, theirs.id, waiting.id}


def test_the_queue_is_ordered_by_due_date_and_filtered_with_counts(applicant, second_applicant, team_leader):
    first = checked(applicant)
    second = checked(second_applicant, route="student", passport=images.hopper_passport(), selfie=images.hopper_selfie())
    Application.objects.filter(id=first.id).update(due_on=timezone.localdate() + datetime.timedelta(days=20))
    Application.objects.filter(id=second.id).update(due_on=timezone.localdate() - datetime.timedelta(days=1))
    client = signed_in(team_leader)

    response = client.get(reverse("casework:queue"))
    assert [case.id for case, _ in response.context["rows"]] == [second.id, first.id]
    assert response.context["counts"]["Waiting for a caseworker"] == 2
    assert "Breached" in response.content.decode()

    filtered = client.get(reverse("casework:queue"), {"route": "student"})
    assert [case.id for case, _ in filtered.context["rows"]] == [second.id]
    assert filtered.context["counts"]["Waiting for a caseworker"] == 1


def test_a_case_due_within_three_working_days_is_due_soon(applicant, team_leader):
    application = checked(applicant)
    Application.objects.filter(id=application.id).update(due_on=timezone.localdate() + datetime.timedelta(days=1))

    assert "Due soon" in signed_in(team_leader).get(reverse("casework:queue")).content.decode()


def test_identity_confirmed_sets_the_due_date_from_the_routes_service_standard(applicant):
    from applications.service_standard import add_working_days

    application = checked(applicant)

    assert application.due_on == add_working_days(timezone.localdate(), 15)


# Assignment.

def test_get_next_case_gives_the_one_due_soonest(applicant, second_applicant, caseworker):
    later = checked(applicant)
    sooner = checked(second_applicant, passport=images.hopper_passport(), selfie=images.hopper_selfie())
    Application.objects.filter(id=later.id).update(due_on=timezone.localdate() + datetime.timedelta(days=9))
    Application.objects.filter(id=sooner.id).update(due_on=timezone.localdate() + datetime.timedelta(days=2))

    response = signed_in(caseworker).post(reverse("casework:next"))

    assert response["Location"] == reverse("casework:case", args=[sooner.id])
    sooner.refresh_from_db()
    assert (sooner.state, sooner.assigned_to) == (State.IN_REVIEW, caseworker)
    assert sooner.events.last().transition == "start_review"


def test_get_next_case_with_none_waiting_says_so(caseworker):
    response = signed_in(caseworker).post(reverse("casework:next"), follow=True)

    assert "There are no cases waiting" in response.content.decode()


def test_get_next_case_can_keep_to_one_route(applicant, second_applicant, caseworker):
    checked(applicant)
    student = checked(second_applicant, route="student", passport=images.hopper_passport(), selfie=images.hopper_selfie())

    assert case_assign_next(user=caseworker, route="student") == student


def test_a_write_action_needs_the_case_assigned_to_the_actor(applicant, caseworker, second_caseworker):
    application = in_review(applicant, caseworker)

    _grant(second_caseworker, application)
    signed_in(second_caseworker).post(reverse("casework:information-request", args=[application.id]), {"message": "x"})

    application.refresh_from_db()
    assert application.state == State.IN_REVIEW
    with pytest.raises(WorkflowError, match="assigned to you"):
        case_grant(application=application, actor=second_caseworker, reason="", valid_until=_UNTIL, work_condition="none", study_condition="permitted")


def test_two_caseworkers_taking_one_identity_review_one_wins(applicant, caseworker, second_caseworker):
    application = checked(applicant, selfie=images.hopper_selfie())
    seen_by_second = Application.objects.get(id=application.id)

    case_take(application=application, user=caseworker)
    with pytest.raises(ConflictError):
        case_take(application=seen_by_second, user=second_caseworker)

    application.refresh_from_db()
    assert application.assigned_to == caseworker


def test_release_and_reassign(applicant, caseworker, second_caseworker, team_leader):
    application = in_review(applicant, caseworker)

    with pytest.raises(WorkflowError, match="Only a team leader"):
        case_reassign(application=application, user=caseworker, to=second_caseworker)
    case_reassign(application=application, user=team_leader, to=second_caseworker)
    application.refresh_from_db()
    assert application.assigned_to == second_caseworker

    with pytest.raises(WorkflowError, match="Only the caseworker who has this case"):
        case_release(application=application, user=caseworker)
    signed_in(second_caseworker).post(reverse("casework:release", args=[application.id]))
    application.refresh_from_db()
    assert (application.state, application.assigned_to) == (State.READY_FOR_CASEWORK, None)
    assert [e.transition for e in application.events.all()][-2:] == ["reassign", "release"]


def test_cases_left_untouched_are_released_by_the_periodic_task(applicant, second_applicant, caseworker, settings):
    idle = in_review(applicant, caseworker)
    busy = in_review(second_applicant, caseworker, passport=images.hopper_passport(), selfie=images.hopper_selfie())
    later = timezone.now() + datetime.timedelta(seconds=settings.CASE_CLAIM_TIMEOUT + 60)
    # The busy case had an action recently (relative to "later").
    busy.events.update(created_at=later - datetime.timedelta(seconds=30))

    assert cases_release_stale(now=later) == 1

    idle.refresh_from_db()
    busy.refresh_from_db()
    assert (idle.state, idle.assigned_to) == (State.READY_FOR_CASEWORK, None)
    assert busy.assigned_to == caseworker
    assert idle.events.last().actor is None


# Decisions.

@pytest.mark.parametrize(
    ("route", "offered", "not_offered"),
    [
        ("skilled-worker", ["Work only for the sponsor"], ["No work", "Work permitted"]),
        ("student", ["Work up to 20 hours a week in term time", "No work", "Study only the course sponsored"], ["Work only for the sponsor", "Study permitted"]),
        ("visitor", ["No work"], ["Work permitted", "Work only for the sponsor"]),
    ],
)
def test_the_decision_form_offers_the_grant_conditions_of_the_route(applicant, caseworker, route, offered, not_offered):
    application = in_review(applicant, caseworker, route=route)

    page = signed_in(caseworker).get(reverse("casework:case", args=[application.id])).content.decode()
    decision = page.split('class="app-decision"')[1].split("</form>")[0]

    for label in offered:
        assert label in decision
    for label in not_offered:
        assert label not in decision
    # Grant fields and refusal fields each sit in the conditional reveal of their own choice.
    grant = decision.split('id="conditional-grant"')[1].split('id="conditional-propose_refusal"')[0]
    assert 'name="work_condition"' in grant and 'name="reasons"' not in grant
    assert 'data-aria-controls="conditional-grant"' in decision and 'data-aria-controls="conditional-propose_refusal"' in decision


def test_a_grant_with_a_condition_its_route_does_not_carry_changes_nothing(applicant, caseworker):
    application = in_review(applicant, caseworker, route="skilled-worker")

    response = _grant(caseworker, application, work_condition="none")

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    with pytest.raises(WorkflowError, match="A Skilled Worker grant carries these conditions: work, Work only for the sponsor"):
        case_grant(application=application, actor=caseworker, reason="", valid_until=_UNTIL, work_condition="unrestricted", study_condition="permitted")
    application.refresh_from_db()
    assert application.state == State.IN_REVIEW
    assert not ImmigrationStatus.objects.filter(application=application).exists()


def test_a_grant_records_its_conditions_a_status_and_a_letter(applicant, caseworker):
    application = in_review(applicant, caseworker, route="skilled-worker")
    valid_until = timezone.localdate() + datetime.timedelta(days=200)

    response = _grant(
        caseworker, application, work_condition="sponsor",
        valid_until_day=valid_until.day, valid_until_month=valid_until.month, valid_until_year=valid_until.year,
    )

    assert "granted" in response.content.decode()
    application.refresh_from_db()
    assert application.state == State.GRANTED
    status = ImmigrationStatus.objects.get(application=application)
    assert (status.holder, status.valid_until, status.work_condition, status.study_condition) == (applicant, valid_until, "sponsor", "permitted")
    assert "Work only for the sponsor" in application.letter.body
    assert application.letter.template == "grant_v3"
    assert application.due_on is None


def test_a_grant_on_a_time_limited_route_needs_an_end_date_and_settlement_does_not(applicant, second_applicant, caseworker):
    visitor = in_review(applicant, caseworker)
    settlement = in_review(second_applicant, caseworker, route="settlement", passport=images.hopper_passport(), selfie=images.hopper_selfie())
    no_end = {**GRANT, "valid_until_day": "", "valid_until_month": "", "valid_until_year": ""}

    response = signed_in(caseworker).post(reverse("casework:decision", args=[visitor.id]), no_end, follow=True)
    signed_in(caseworker).post(reverse("casework:decision", args=[settlement.id]), {**no_end, "work_condition": "unrestricted"})

    assert "A Standard Visitor grant needs the date the permission ends" in response.content.decode()
    visitor.refresh_from_db()
    settlement.refresh_from_db()
    assert (visitor.state, settlement.state) == (State.IN_REVIEW, State.GRANTED)
    assert settlement.immigration_status.valid_until is None


def test_a_case_waiting_for_the_applicant_stays_with_its_caseworker(applicant, caseworker, team_leader):
    application = in_review(applicant, caseworker)
    respond_by = timezone.localdate() + datetime.timedelta(days=7)
    from casework.services import case_request_information

    case_request_information(application=application, actor=caseworker, message="Payslips.", respond_by=respond_by)

    with pytest.raises(WorkflowError, match="Only a case being reviewed"):
        case_release(application=application, user=team_leader)
    application.refresh_from_db()
    assert application.assigned_to == caseworker


def test_a_grant_needs_its_conditions(applicant, caseworker):
    application = in_review(applicant, caseworker)

    response = signed_in(caseworker).post(reverse("casework:decision", args=[application.id]), {"decision": "grant"})

    assert response.status_code == 400
    assert "Select the work condition" in response.content.decode()


def test_a_refusal_is_proposed_by_one_caseworker_and_confirmed_by_another(applicant, caseworker, senior_caseworker):
    application = in_review(applicant, caseworker)
    signed_in(caseworker).post(
        reverse("casework:decision", args=[application.id]),
        {"decision": "propose_refusal", "reasons": ["financial", "credibility"], "reason": "The bank statements do not cover the stay."},
    )
    application.refresh_from_db()
    assert (application.state, application.refusal_proposed_by) == (State.REFUSAL_PROPOSED, caseworker)
    # The applicant is not told about the proposal.
    assert "With a caseworker" in signed_in(applicant).get(reverse("applications:overview", args=[application.id])).content.decode()

    signed_in(senior_caseworker).post(reverse("casework:refusal-review", args=[application.id]), {"outcome": "confirm_refusal"})

    application.refresh_from_db()
    assert application.state == State.REFUSED
    assert "You have not shown that you can support yourself" in application.letter.body
    assert "The bank statements do not cover the stay." in application.letter.body
    assert application.letter.decided_by == caseworker
    assert application.events.last().actor == senior_caseworker


def test_the_proposer_cannot_confirm_their_own_refusal_even_when_senior(applicant, senior_caseworker):
    application = in_review(applicant, senior_caseworker)
    case_propose_refusal(application=application, actor=senior_caseworker, reasons=["eligibility"], reason="No.")

    with pytest.raises(WorkflowError):
        case_confirm_refusal(application=application, actor=senior_caseworker, reason="")

    application.refresh_from_db()
    assert application.state == State.REFUSAL_PROPOSED


def test_a_caseworker_without_the_senior_permission_cannot_confirm(applicant, caseworker, second_caseworker):
    application = in_review(applicant, caseworker)
    case_propose_refusal(application=application, actor=caseworker, reasons=["eligibility"], reason="No.")

    with pytest.raises(WorkflowError):
        case_confirm_refusal(application=application, actor=second_caseworker, reason="")


def test_a_returned_refusal_goes_back_to_where_it_was_proposed(applicant, second_applicant, caseworker, senior_caseworker):
    reviewed = in_review(applicant, caseworker)
    case_propose_refusal(application=reviewed, actor=caseworker, reasons=["eligibility"], reason="No.")
    identity = checked(second_applicant, selfie=images.hopper_selfie())
    case_take(application=identity, user=caseworker)
    case_propose_refusal(application=identity, actor=caseworker, reasons=["identity"], reason="Not the same person.")

    response = signed_in(senior_caseworker).post(reverse("casework:refusal-review", args=[reviewed.id]), {"outcome": "return_refusal"})
    assert "Say why you are returning the refusal" in response.content.decode()
    case_return_refusal(application=reviewed, actor=senior_caseworker, reason="The funds are enough.")
    case_return_refusal(application=identity, actor=senior_caseworker, reason="Ask for new photos first.")

    reviewed.refresh_from_db()
    identity.refresh_from_db()
    assert (reviewed.state, reviewed.assigned_to, reviewed.refusal_reasons) == (State.IN_REVIEW, caseworker, [])
    assert identity.state == State.IDENTITY_ADJUDICATION


def test_a_refusal_needs_reasons_and_an_explanation(applicant, caseworker):
    application = in_review(applicant, caseworker)

    response = signed_in(caseworker).post(reverse("casework:decision", args=[application.id]), {"decision": "propose_refusal"})

    page = response.content.decode()
    assert "Select at least one reason for the refusal" in page and "Explain the refusal" in page
    application.refresh_from_db()
    assert application.state == State.IN_REVIEW


def test_deciding_a_decided_case_is_refused_with_a_message(applicant, caseworker):
    application = in_review(applicant, caseworker)
    _grant(caseworker, application)

    response = _grant(caseworker, application)

    assert response.status_code == 200
    assert "you cannot make a decision on it now" in response.content.decode()
    application.refresh_from_db()
    assert application.state == State.GRANTED
    assert application.events.filter(transition="grant").count() == 1


def test_two_caseworkers_deciding_at_once_one_wins_and_the_other_is_told(applicant, caseworker, team_leader):
    application = in_review(applicant, caseworker)
    seen_by_caseworker = Application.objects.get(id=application.id)
    seen_by_leader = Application.objects.get(id=application.id)

    case_grant(application=seen_by_caseworker, actor=caseworker, reason="", valid_until=_UNTIL, work_condition="none", study_condition="permitted")
    with pytest.raises(ConflictError, match="Someone else changed this application"):
        case_release(application=seen_by_leader, user=team_leader)

    application.refresh_from_db()
    assert application.state == State.GRANTED
    assert application.events.filter(transition__in=["grant", "release"]).count() == 1


def test_information_requested_stops_the_clock_and_the_case_stays_with_the_caseworker(applicant, caseworker):
    application = in_review(applicant, caseworker)
    respond_by = timezone.localdate() + datetime.timedelta(days=7)

    signed_in(caseworker).post(
        reverse("casework:information-request", args=[application.id]),
        {"message": "Send payslips.", "respond_by_day": respond_by.day, "respond_by_month": respond_by.month, "respond_by_year": respond_by.year},
    )

    application.refresh_from_db()
    assert (application.state, application.assigned_to, application.due_on) == (State.AWAITING_INFORMATION, caseworker, None)


def test_notes_are_for_caseworkers_only(applicant, caseworker):
    application = in_review(applicant, caseworker)

    signed_in(caseworker).post(reverse("casework:note", args=[application.id]), {"text": "Phoned the sponsor: confirmed."})

    assert "Phoned the sponsor" in signed_in(caseworker).get(reverse("casework:case", args=[application.id])).content.decode()
    assert "Phoned the sponsor" not in signed_in(applicant).get(reverse("applications:overview", args=[application.id])).content.decode()
    assert application.notes.get().author == caseworker


def test_after_a_refusal_the_applicant_sees_the_caseworkers_reasons_not_the_internal_steps(applicant, caseworker, senior_caseworker):
    application = in_review(applicant, caseworker)
    case_propose_refusal(application=application, actor=caseworker, reasons=["financial"], reason="Funds too low for the stay.")
    case_confirm_refusal(application=application, actor=senior_caseworker, reason="Internal: agreed after checking the statements.")

    page = signed_in(applicant).get(reverse("applications:overview", args=[application.id])).content.decode()

    assert "Funds too low for the stay." in page and "Decision made: application refused" in page
    for internal in ["Internal: agreed", "propose_refusal", "confirm_refusal", "start_review", "Refusal proposed"]:
        assert internal not in page


def test_caseworkers_and_auditors_read_the_letter_and_documents(applicant, caseworker, auditor):
    from tests.factories import granted

    application = granted(applicant, caseworker, route="skilled-worker")
    document = application.documents.get(kind="english_language")

    for user in (caseworker, auditor):
        assert signed_in(user).get(reverse("holder:letter", args=[application.id])).status_code == 200
        assert signed_in(user).get(reverse("holder:letter-pdf", args=[application.id])).status_code == 200
        response = signed_in(user).get(reverse("applications:document", args=[document.id]))
        assert response.status_code == 200
        b"".join(response.streaming_content)
