"""Automated decisions and the quality checks of automatic grants, counted in management information."""

from django.utils import timezone

from applications.states import State
from automation.models import AutomatedDecision, QualityCheck
from tests.conftest import signed_in
from tests.management_information.history import at, case
from tests.management_information.test_figures import assert_figures

HEADER = [
    "Route", "Decided by the rules", "Granted automatically", "Referred to a caseworker", "Sampled for a quality check",
    "Sample: grant was right", "Sample: a caseworker should have decided", "Sample: not checked yet",
    "Sample: wrong grants (% of checked)", "Applicant asked for a person", "Asked: a caseworker should have decided",
]


def _decided(applicant, outcome, day, *, cohort="", sampled_outcome=None, requested_outcome=None):
    state = State.GRANTED if outcome == "granted" else State.READY_FOR_CASEWORK
    application = case(applicant, "electronic-travel-authorisation", [(at(day, "09:00"), "submit", State.SUBMITTED, applicant),
                                                                   (at(day, "09:01"), "pass_identity", state, None)], cohort=cohort)
    decision = AutomatedDecision.objects.create(
        application=application, outcome=outcome, decided_at=at(day, "09:01"), seconds_from_submission=60, sampled=sampled_outcome is not None,
    )
    for reason, result in ((QualityCheck.Reason.SAMPLED, sampled_outcome), (QualityCheck.Reason.REQUESTED, requested_outcome)):
        if result is not None:
            QualityCheck.objects.create(decision=decision, reason=reason, outcome=result, checked_at=timezone.now() if result else None)
    return decision


def test_automatic_grants_referrals_and_what_the_quality_checks_found(db, applicant, team_leader):
    _decided(applicant, "granted", "2026-03-02", sampled_outcome="agreed")
    _decided(applicant, "granted", "2026-03-03", sampled_outcome="disagreed", requested_outcome="disagreed")
    _decided(applicant, "granted", "2026-03-04", sampled_outcome="")
    _decided(applicant, "granted", "2026-03-05", requested_outcome="agreed")
    _decided(applicant, "referred", "2026-03-06")
    _decided(applicant, "granted", "2026-03-06", cohort="journey-1", sampled_outcome="disagreed")  # synthetic: never counted
    _decided(applicant, "granted", "2026-04-02", sampled_outcome="disagreed")  # outside the dates

    assert_figures(
        signed_in(team_leader), "decisions", "automated-decisions", HEADER,
        [["Electronic travel authorisation", 5, 4, 1, 3, 1, 1, 1, 50.0, 2, 1]],
        date_from="2026-03-01", date_to="2026-03-31",
    )
