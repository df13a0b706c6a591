"""The automated decision as a whole: a grant with every rule recorded, or a referral listing the failed rules; never a refusal."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import State
from applications.workflow import WorkflowError, application_transition
from automation.models import AutomatedDecision, QualityCheck, WatchListEntry
from automation.rules import RULES
from automation.services import automated_decision_give_up, automated_decision_make
from casework.models import ImmigrationStatus
from outbox.models import Email, Message
from tests.automation.conftest import awaiting_decision, days, set_answer
from tests.conftest import run_outbox, signed_in
from tests.factories import ETA, checked, refused


def _decide(application):
    decision = automated_decision_make(application_id=str(application.id))
    application.refresh_from_db()
    return decision


def test_all_clear_is_granted_by_the_system_with_every_rule_recorded(eta):
    decision = _decide(eta)

    assert eta.state == State.GRANTED
    assert decision.outcome == AutomatedDecision.Outcome.GRANTED
    assert [(r.rule, r.passed) for r in decision.results.all()] == [(rule.code, True) for rule in RULES]
    assert decision.seconds_from_submission > 0
    event = eta.events.last()
    assert (event.transition, event.actor, event.from_state) == ("grant_automatically", None, State.AUTOMATED_CHECKS)
    assert all(rule.label.lower() in event.reason for rule in RULES)
    # The status, letter and email a caseworker's grant makes, from the same service.
    status = ImmigrationStatus.objects.get(application=eta)
    assert (status.work_condition, status.study_condition) == ("none", "permitted")
    assert eta.letter.decided_by is None
    assert eta.letter.template == "grant_automatic_v1"
    assert "This decision was made automatically" in eta.letter.body
    assert "ask for a person to look at this decision" in eta.letter.body.lower()
    email = Email.objects.get(key=f"application-email:decided:{event.id}")
    assert email.subject.startswith("A decision has been made")
    assert "made automatically" in email.body


def test_the_identity_pass_starts_the_decision_as_a_job_through_the_outbox(applicant):
    application = checked(applicant, route=ETA)

    event = application.events.get(transition="pass_identity_for_automated_decision")
    message = Message.objects.get(key=f"automation.make_automated_decision:{event.id}")
    assert message.kwargs == {"application_id": str(application.id)}
    assert event.to_state == State.AUTOMATED_CHECKS

    run_outbox()

    application.refresh_from_db()
    assert application.state == State.GRANTED
    assert application.automated_decision.outcome == AutomatedDecision.Outcome.GRANTED


def test_a_decision_that_cannot_be_made_goes_to_a_caseworker(eta):
    automated_decision_give_up(application_id=str(eta.id), error=RuntimeError("rule crashed"))

    eta.refresh_from_db()
    assert eta.state == State.READY_FOR_CASEWORK
    assert "could not be completed (RuntimeError)" in eta.events.last().reason


def test_the_grant_lasts_two_years(eta):
    _decide(eta)

    today = timezone.localdate()
    # 29 February has no date two years on: the permission ends on the 28th.
    assert eta.immigration_status.valid_until == datetime.date(today.year + 2, today.month, min(today.day, 28) if today.month == 2 else today.day)


def test_the_grant_ends_with_the_passport_if_that_is_sooner(eta):
    set_answer(eta, "passport_expiry_date", days(400))

    _decide(eta)

    assert eta.immigration_status.valid_until == timezone.localdate() + datetime.timedelta(days=400)


def _on_watch_list(application, team_leader):
    WatchListEntry.objects.create(full_name="Collins, Eileen", date_of_birth="1956-11-19", reason="Test", added_by=team_leader)


REFERRALS = {
    "criminal conviction": (lambda app, **_: set_answer(app, "criminal_convictions", "yes"), ["suitability"]),
    "previous refusal declared": (lambda app, **_: set_answer(app, "previous_refusals", "yes"), ["suitability"]),
    "passport expires during the trip": (lambda app, **_: set_answer(app, "passport_expiry_date", days(35)), ["passport_valid"]),
    "passport expired": (lambda app, **_: set_answer(app, "passport_expiry_date", days(0)), ["passport_valid"]),
    "watch list": (lambda app, team_leader, **_: _on_watch_list(app, team_leader), ["not_on_watch_list"]),
}


@pytest.mark.parametrize("case", list(REFERRALS))
def test_each_failed_rule_refers_the_application_to_a_caseworker(case, eta, team_leader):
    change, failing = REFERRALS[case]
    change(eta, team_leader=team_leader)

    decision = _decide(eta)

    assert eta.state == State.READY_FOR_CASEWORK
    assert decision.outcome == AutomatedDecision.Outcome.REFERRED
    assert [result.rule for result in decision.failed_results] == failing
    event = eta.events.last()
    assert (event.transition, event.actor) == ("refer_to_caseworker", None)
    labels = {rule.code: rule.label for rule in RULES}
    assert all(labels[code].lower() in event.reason for code in failing)
    assert not ImmigrationStatus.objects.filter(application=eta).exists()
    assert not QualityCheck.objects.exists()


def test_a_potential_duplicate_is_referred(second_applicant, applicant):
    checked(second_applicant)
    application = awaiting_decision(applicant)

    decision = _decide(application)

    assert application.state == State.READY_FOR_CASEWORK
    assert [result.rule for result in decision.failed_results] == ["no_potential_duplicate"]


def test_someone_refused_before_is_referred_never_refused(second_applicant, caseworker, senior_caseworker, applicant):
    refused(second_applicant, caseworker, senior_caseworker)
    application = awaiting_decision(applicant)

    decision = _decide(application)

    assert application.state == State.READY_FOR_CASEWORK
    assert [result.rule for result in decision.failed_results] == ["no_potential_duplicate", "no_previous_refusal"]


def test_a_referred_case_is_decided_by_a_caseworker_seeing_the_failed_rules(eta, caseworker):
    set_answer(eta, "criminal_convictions", "yes")
    _decide(eta)

    client = signed_in(caseworker)
    client.post(reverse("casework:next"))
    page = client.get(reverse("casework:case", args=[eta.id])).content.decode()

    assert "Automated decision: referred to a caseworker" in page
    assert "Answered yes: Criminal convictions." in page
    eta.refresh_from_db()
    assert (eta.state, eta.assigned_to) == (State.IN_REVIEW, caseworker)


def test_a_person_cannot_use_the_systems_transitions(eta, caseworker):
    for name in ("grant_automatically", "refer_to_caseworker"):
        with pytest.raises(WorkflowError):
            application_transition(eta, name, actor=caseworker)
    eta.refresh_from_db()
    assert eta.state == State.AUTOMATED_CHECKS


def test_deciding_twice_decides_once(eta):
    first = _decide(eta)

    assert _decide(eta) is None
    assert AutomatedDecision.objects.get() == first
    assert eta.events.filter(transition="grant_automatically").count() == 1


def test_an_application_withdrawn_while_waiting_is_left_alone(eta, applicant):
    application_transition(eta, "withdraw", actor=applicant)

    assert _decide(eta) is None
    assert not AutomatedDecision.objects.exists()


def test_a_share_of_grants_is_sampled_for_a_person_to_check(eta, settings):
    settings.AUTOMATED_GRANT_SAMPLE_RATE = 1.0

    decision = _decide(eta)

    assert decision.sampled
    assert QualityCheck.objects.get().reason == QualityCheck.Reason.SAMPLED


def test_with_a_zero_share_nothing_is_sampled(eta, settings):
    settings.AUTOMATED_GRANT_SAMPLE_RATE = 0.0

    decision = _decide(eta)

    assert not decision.sampled
    assert not QualityCheck.objects.exists()


def test_referrals_are_never_sampled(eta, settings):
    settings.AUTOMATED_GRANT_SAMPLE_RATE = 1.0
    set_answer(eta, "criminal_convictions", "yes")

    assert not _decide(eta).sampled
    assert not QualityCheck.objects.exists()
