"""One known history, used by the figure, statistics and replay tests.

In March 2026 (no bank holidays; all in GMT), on the visitor route (standard: 15 working days):
  A1 granted in 9 working days; A2 granted in 18 working days of which 10 waited for the applicant
  (so 8 on the clock: within); A3 refused after 18 working days (outside), for two reasons.
On the student route: A4's check was referred and a second caseworker accepted the identity,
  then granted; A5's check was referred, a person asked for new photos, the second check passed,
  then the applicant withdrew.
A9 (visitor) had a photo-quality failure and a check that could not be completed: still in review of identity.
In February: five visitor grants within the standard and five refusals outside it (B cases).
Open now: A6 (settlement, in review, 7 working days on the clock), A7 (visitor, waiting, 20 working
  days: past its due date), A11 (visitor, waiting, 13 working days: due within 3), A10 (student, a check waiting to run for two hours).
Synthetic: S1, a journey's visitor case with a referred check it accepted, a duplicate flag, an
  information request, granted in March by the same caseworker: none of it may count.
"""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from applications.models import State
from applications.service_standard import is_working_day
from management_information.constants import PERFORMANCE_ANALYST
from tests.conftest import _user
from tests.management_information.history import at, case, check, duplicate, information_request

S = State


def working_days_ago(days: int) -> datetime.date:
    """The day after which `days` working days have passed by today (today counts if it is one)."""
    day, counted = timezone.localdate(), 0
    while counted < days:
        counted += is_working_day(day)
        day -= datetime.timedelta(days=1)
    return day


def _made(day: str, passed: str = "09:30") -> list[tuple]:
    return [(at(day, "09:00"), "submit", S.SUBMITTED, None), (at(day, "09:00:01"), "start_identity_check", S.IDENTITY_CHECKING, None),
            (at(day, passed), "pass_identity", S.READY_FOR_CASEWORK, None)]


@pytest.fixture
def performance_analyst(db):
    return _user("pat.analyst@example.com", PERFORMANCE_ANALYST)


@pytest.fixture
def history(db, applicant, second_applicant, caseworker, senior_caseworker):
    cw, senior = caseworker, senior_caseworker
    h = SimpleNamespace()
    h.a1 = case(applicant, "visitor", [*_made("2026-03-02"), (at("2026-03-03"), "start_review", S.IN_REVIEW, cw),
                                       (at("2026-03-13"), "grant", S.GRANTED, cw)])
    h.a2 = case(applicant, "visitor", [
        *_made("2026-03-02"), (at("2026-03-03"), "start_review", S.IN_REVIEW, cw),
        (at("2026-03-04"), "request_information", S.AWAITING_INFORMATION, cw),
        (at("2026-03-18"), "provide_information", S.IN_REVIEW, None), (at("2026-03-26"), "grant", S.GRANTED, cw)])
    h.a3 = case(second_applicant, "visitor", [
        *_made("2026-03-02"), (at("2026-03-03", "21:30"), "start_review", S.IN_REVIEW, cw),
        (at("2026-03-25"), "propose_refusal", S.REFUSAL_PROPOSED, cw), (at("2026-03-26"), "confirm_refusal", S.REFUSED, senior)],
        refusal_reasons=["financial", "documents"])
    h.a4 = case(applicant, "student", [
        (at("2026-03-03", "09:00"), "submit", S.SUBMITTED, None), (at("2026-03-03", "09:00:01"), "start_identity_check", S.IDENTITY_CHECKING, None),
        (at("2026-03-03", "10:00"), "refer_identity", S.IDENTITY_ADJUDICATION, None),
        (at("2026-03-04"), "propose_identity_override", S.IDENTITY_OVERRIDE_PROPOSED, cw),
        (at("2026-03-05"), "confirm_identity_override", S.READY_FOR_CASEWORK, senior),
        (at("2026-03-05", "10:30"), "start_review", S.IN_REVIEW, cw), (at("2026-03-06"), "grant", S.GRANTED, cw)])
    h.a5 = case(second_applicant, "student", [
        (at("2026-03-03", "09:00"), "submit", S.SUBMITTED, None), (at("2026-03-03", "09:00:01"), "start_identity_check", S.IDENTITY_CHECKING, None),
        (at("2026-03-03", "10:00"), "refer_identity", S.IDENTITY_ADJUDICATION, None),
        (at("2026-03-04"), "ask_for_new_photos", S.IDENTITY_RETRY, cw),
        (at("2026-03-09", "09:00"), "retry_identity_check", S.IDENTITY_CHECKING, None),
        (at("2026-03-09", "10:00"), "pass_identity", S.READY_FOR_CASEWORK, None),
        (at("2026-03-10", "10:00"), "withdraw", S.WITHDRAWN, second_applicant)])
    h.a9 = case(applicant, "visitor", [
        (at("2026-03-09", "09:00"), "submit", S.SUBMITTED, None), (at("2026-03-09", "09:00:01"), "start_identity_check", S.IDENTITY_CHECKING, None),
        (at("2026-03-09", "10:00"), "ask_for_new_photos", S.IDENTITY_RETRY, None),
        (at("2026-03-10", "09:00"), "retry_identity_check", S.IDENTITY_CHECKING, None),
        (at("2026-03-10", "10:00"), "refer_identity", S.IDENTITY_ADJUDICATION, None)])
    h.february = [
        case(applicant, "visitor", [*_made("2026-02-02"), (at("2026-02-03"), "start_review", S.IN_REVIEW, cw), (at("2026-02-10"), "grant", S.GRANTED, cw)])
        for _ in range(5)
    ] + [
        case(applicant, "visitor", [*_made("2026-02-02"), (at("2026-02-03"), "start_review", S.IN_REVIEW, cw),
                                    (at("2026-02-26"), "propose_refusal", S.REFUSAL_PROPOSED, cw), (at("2026-02-27"), "confirm_refusal", S.REFUSED, senior)],
             refusal_reasons=["eligibility"])
        for _ in range(5)
    ]
    started = working_days_ago(7).isoformat()
    h.a6 = case(second_applicant, "settlement", [*_made(started), (at(started, "11:00"), "start_review", S.IN_REVIEW, cw)], assigned_to=cw)
    h.a7 = case(applicant, "visitor", _made(working_days_ago(20).isoformat()))
    h.a11 = case(second_applicant, "visitor", _made(working_days_ago(13).isoformat()))
    now = timezone.now()
    h.a10 = case(applicant, "student", [(now - datetime.timedelta(hours=2), "submit", S.SUBMITTED, None),
                                        (now - datetime.timedelta(hours=2), "start_identity_check", S.IDENTITY_CHECKING, None)])
    h.s1 = case(applicant, "visitor", [
        (at("2026-03-02", "09:00"), "submit", S.SUBMITTED, None), (at("2026-03-02", "09:00:01"), "start_identity_check", S.IDENTITY_CHECKING, None),
        (at("2026-03-02", "10:00"), "refer_identity", S.IDENTITY_ADJUDICATION, None),
        (at("2026-03-02", "11:00"), "propose_identity_override", S.IDENTITY_OVERRIDE_PROPOSED, cw),
        (at("2026-03-02", "12:00"), "confirm_identity_override", S.READY_FOR_CASEWORK, senior),
        (at("2026-03-03"), "start_review", S.IN_REVIEW, cw), (at("2026-03-04"), "request_information", S.AWAITING_INFORMATION, cw),
        (at("2026-03-05"), "provide_information", S.IN_REVIEW, None), (at("2026-03-06"), "grant", S.GRANTED, cw)], cohort="journey-1")

    # Identity checks.
    check(h.a1, 1, "passed", 0.30, at("2026-03-02", "09:30"))
    check(h.a2, 1, "passed", 0.35, at("2026-03-02", "09:30"))
    h.a3_check = check(h.a3, 1, "passed", 0.40, at("2026-03-02", "09:30"))
    check(h.a4, 1, "referred", 0.55, at("2026-03-03", "10:00"), ["possible_match"])
    check(h.a5, 1, "referred", 0.58, at("2026-03-03", "10:00"), ["possible_match"])
    check(h.a5, 2, "passed", 0.30, at("2026-03-09", "10:00"))
    check(h.a9, 1, "failed", None, at("2026-03-09", "10:00"), ["selfie.too_dark", "selfie.blurred"])
    check(h.a9, 2, "error", None, at("2026-03-10", "10:00"))
    check(h.a10, 1, "pending", None, now, queued=now - datetime.timedelta(hours=2))
    s1_check = check(h.s1, 1, "referred", 0.56, at("2026-03-02", "10:00"), ["possible_match"])
    # Duplicate flags on A3's check: two dismissed, one confirmed; and the journey's own.
    duplicate(h.a3_check, h.a1, "dismissed")
    duplicate(h.a3_check, h.a2, "dismissed")
    duplicate(h.a3_check, h.a9, "confirmed")
    duplicate(s1_check, h.a1, "dismissed")

    information_request(h.a2, cw, at("2026-03-04"), at("2026-03-18"))
    information_request(h.s1, cw, at("2026-03-04"), at("2026-03-05"))
    return h
