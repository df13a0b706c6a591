"""Each rule on its own: what passes it, what fails it, and the detail and score it records."""

from django.utils import timezone

from applications.models import State
from automation.models import WatchListEntry
from automation.rules import (
    RULES,
    identity_passed,
    no_potential_duplicate,
    no_previous_refusal,
    not_on_watch_list,
    passport_valid,
    suitability,
)
from identity.models import FaceEnrolment
from tests import images
from tests.automation.conftest import awaiting_decision, days, set_answer
from tests.factories import ETA, checked, refused


def test_every_rule_is_declared_once_with_a_label():
    codes = [rule.code for rule in RULES]
    assert len(codes) == len(set(codes)) == 6
    assert all(rule.label for rule in RULES)


def test_identity_passes_when_the_latest_check_passed(eta):
    outcome = identity_passed(eta, timezone.localdate())

    assert outcome.passed
    assert outcome.score == eta.identity_checks.first().distance


def test_identity_fails_when_the_check_did_not_pass(applicant):
    application = checked(applicant, route=ETA, selfie=images.hopper_selfie())
    assert application.state == State.IDENTITY_ADJUDICATION

    outcome = identity_passed(application, timezone.localdate())

    assert not outcome.passed
    assert outcome.detail == f"Check 1: failed, face distance {outcome.score:.3f}."


def test_no_duplicate_passes_for_a_face_seen_nowhere_else(eta):
    assert no_potential_duplicate(eta, timezone.localdate()).passed


def test_a_potential_duplicate_fails_the_duplicate_rule(second_applicant, applicant):
    earlier = checked(second_applicant)

    application = awaiting_decision(applicant)

    outcome = no_potential_duplicate(application, timezone.localdate())

    assert not outcome.passed
    assert earlier.reference in outcome.detail
    assert outcome.score < 0.5


def test_the_passport_passes_when_it_is_valid_past_the_trip(eta):
    assert passport_valid(eta, timezone.localdate()).passed


def test_a_passport_expiring_during_the_trip_fails(eta):
    set_answer(eta, "arrival_date", days(30))
    set_answer(eta, "stay_months", 6)
    set_answer(eta, "passport_expiry_date", days(60))

    outcome = passport_valid(eta, timezone.localdate())

    assert not outcome.passed
    assert "before the trip ends" in outcome.detail


def test_an_expired_passport_fails(eta):
    set_answer(eta, "passport_expiry_date", days(0))

    outcome = passport_valid(eta, timezone.localdate())

    assert not outcome.passed
    assert "expired" in outcome.detail


def test_suitability_passes_with_no_to_every_question(eta):
    assert suitability(eta, timezone.localdate()).passed


def test_a_yes_to_a_suitability_question_fails(eta):
    set_answer(eta, "previous_refusals", "yes")

    outcome = suitability(eta, timezone.localdate())

    assert not outcome.passed
    assert outcome.detail == "Answered yes: Previous refusals or removals."


def test_the_watch_list_rule_records_the_closest_score_below_a_match(eta, team_leader):
    # Same date of birth, another person.
    WatchListEntry.objects.create(full_name="Mary Jones", date_of_birth="1956-11-19", reason="Test", added_by=team_leader)

    outcome = not_on_watch_list(eta, timezone.localdate())

    assert outcome.passed
    assert 0 < outcome.score < 0.88


def test_a_watch_list_match_by_another_spelling_fails_with_its_score(eta, team_leader):
    # The applicant is Eileen Marie Collins, born 19 November 1956.
    WatchListEntry.objects.create(full_name="COLLINS Eilin", date_of_birth="1956-11-19", reason="Test", added_by=team_leader)

    outcome = not_on_watch_list(eta, timezone.localdate())

    assert not outcome.passed
    assert outcome.score >= 0.88
    assert "COLLINS Eilin" in outcome.detail


def test_the_same_name_with_another_date_of_birth_is_not_a_match(eta, team_leader):
    WatchListEntry.objects.create(full_name="Eileen Marie Collins", date_of_birth="1960-01-01", reason="Test", added_by=team_leader)

    outcome = not_on_watch_list(eta, timezone.localdate())

    assert outcome.passed
    assert outcome.score == 0.0


def test_no_previous_refusal_passes_for_someone_never_refused(eta):
    assert no_previous_refusal(eta, timezone.localdate()).passed


def test_an_earlier_refusal_with_the_same_passport_fails(second_applicant, caseworker, senior_caseworker, applicant):
    # Another face (Grace Hopper), the same passport number: found by passport alone.
    earlier = refused(second_applicant, caseworker, senior_caseworker, passport=images.hopper_passport(), selfie=images.hopper_selfie())

    application = awaiting_decision(applicant)

    outcome = no_previous_refusal(application, timezone.localdate())

    assert not outcome.passed
    assert outcome.detail == f"Same passport as refused application {earlier.reference}."


def test_an_earlier_refusal_of_the_same_face_fails_through_the_gallery(second_applicant, caseworker, senior_caseworker, applicant):
    earlier = refused(second_applicant, caseworker, senior_caseworker)
    set_answer(earlier, "passport_number", "Q7654321")

    application = awaiting_decision(applicant)

    outcome = no_previous_refusal(application, timezone.localdate())

    assert not outcome.passed
    assert outcome.detail.startswith(f"Same face as refused application {earlier.reference} (distance ")
    assert outcome.score < 0.5


def test_a_refused_face_is_not_found_once_its_enrolment_is_deleted(second_applicant, caseworker, senior_caseworker, applicant):
    earlier = refused(second_applicant, caseworker, senior_caseworker)
    set_answer(earlier, "passport_number", "Q7654321")
    # What the biometric retention purge does after BIOMETRIC_RETENTION_DAYS.
    FaceEnrolment.objects.filter(application=earlier).delete()

    application = awaiting_decision(applicant)

    assert no_previous_refusal(application, timezone.localdate()).passed


def test_without_its_own_enrolment_the_face_search_cannot_pass(eta):
    FaceEnrolment.objects.filter(application=eta).delete()

    outcome = no_previous_refusal(eta, timezone.localdate())

    assert not outcome.passed
    assert "not enrolled" in outcome.detail
