"""The rules of an automated decision, declared once, in the order they are shown.

Each rule looks at the application as it stands and says whether it passed, why,
and with what score where it has one. All passed: the system grants. Any failed:
a caseworker decides, seeing every result. The rules never refuse.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from django.conf import settings

from applications.models import Application, State
from applications.routes import SUITABILITY_QUESTIONS, stay_ends
from automation.models import WatchListEntry
from automation.names import name_similarity
from identity.gallery import gallery_for
from identity.models import FaceEnrolment, IdentityCheck


@dataclass(frozen=True)
class Outcome:
    passed: bool
    detail: str
    score: float | None = None


@dataclass(frozen=True)
class Rule:
    code: str
    # What passing means, as caseworkers and the applicant's timeline read it.
    label: str
    check: Callable[[Application, datetime.date], Outcome]


def identity_passed(application: Application, today: datetime.date) -> Outcome:
    check = application.identity_checks.first()
    if check is None:
        return Outcome(False, "No identity check has been made.")
    passed = check.status == IdentityCheck.Status.PASSED
    distance = f", face distance {check.distance:.3f}" if check.distance is not None else ""
    return Outcome(passed, f"Check {check.attempt}: {check.get_status_display().lower()}{distance}.", check.distance)


def no_potential_duplicate(application: Application, today: datetime.date) -> Outcome:
    open_candidates = application.duplicate_candidates.exclude(resolution="dismissed").select_related("candidate")
    if not open_candidates:
        return Outcome(True, "No other application's face is close to this one.")
    found = ", ".join(f"{c.candidate.reference} (distance {c.distance:.3f})" for c in open_candidates)
    return Outcome(False, f"Potential duplicate of {found}.", min(c.distance for c in open_candidates))


def passport_valid(application: Application, today: datetime.date) -> Outcome:
    answers = application.answers
    expiry = datetime.date.fromisoformat(answers["passport_expiry_date"])
    if expiry <= today:
        return Outcome(False, f"The passport expired on {expiry:%-d %B %Y}.")
    ends = stay_ends(answers)
    if ends and expiry < ends:
        return Outcome(False, f"The passport expires on {expiry:%-d %B %Y}, before the trip ends on {ends:%-d %B %Y}.")
    return Outcome(True, f"The passport expires on {expiry:%-d %B %Y}, after the trip ends{f' on {ends:%-d %B %Y}' if ends else ''}.")


def suitability(application: Application, today: datetime.date) -> Outcome:
    route = application.route_details
    yes = [route.questions[key].summary for key in SUITABILITY_QUESTIONS if application.answers.get(key) == "yes"]
    if yes:
        return Outcome(False, f"Answered yes: {', '.join(yes)}.")
    return Outcome(True, "Answered no to every suitability question.")


def not_on_watch_list(application: Application, today: datetime.date) -> Outcome:
    born = application.answers.get("date_of_birth")
    name = application.full_name
    scored = [(name_similarity(name, entry.full_name), entry) for entry in WatchListEntry.objects.filter(date_of_birth=born)]
    if not scored:
        return Outcome(True, "Nobody on the watch list has this date of birth.", 0.0)
    score, entry = max(scored, key=lambda pair: pair[0])
    threshold = settings.WATCH_LIST_MATCH_THRESHOLD
    if score >= threshold:
        return Outcome(False, f"Matches watch-list entry {entry.full_name} (born {entry.date_of_birth:%-d %B %Y}): name score {score:.2f}, a match from {threshold:.2f}.", score)
    return Outcome(True, f"Closest watch-list name with this date of birth scores {score:.2f}; a match is {threshold:.2f} or more.", score)


def no_previous_refusal(application: Application, today: datetime.date) -> Outcome:
    """By passport, and by face through the 1:N gallery.

    A face is found only while the refused application's enrolment exists: only a
    selfie that passed its identity check is enrolled, and enrolments are deleted
    with the other biometrics BIOMETRIC_RETENTION_DAYS after a decision.
    """
    refused = Application.objects.filter(state=State.REFUSED, synthetic_cohort=application.synthetic_cohort).exclude(id=application.id)
    by_passport = list(
        refused.filter(
            answers__passport_number=application.answers.get("passport_number"),
            answers__passport_issuing_country=application.answers.get("passport_issuing_country"),
        ).values_list("reference", flat=True)
    )
    by_face: list[tuple[str, float]] = []
    enrolment = FaceEnrolment.objects.filter(application=application).first()
    if enrolment is not None:
        candidates = gallery_for(application.synthetic_cohort).search(
            np.frombuffer(bytes(enrolment.encoding), dtype=np.float32),
            threshold=settings.DUPLICATE_MATCH_THRESHOLD, exclude=str(application.id),
        )
        distances = {candidate.key: candidate.distance for candidate in candidates}
        by_face = [(reference, distances[str(id_)]) for id_, reference in refused.filter(id__in=list(distances)).values_list("id", "reference")]
    problems = [f"same passport as refused application {reference}" for reference in by_passport]
    problems += [f"same face as refused application {reference} (distance {distance:.3f})" for reference, distance in by_face]
    if problems:
        text = "; ".join(problems)
        return Outcome(False, f"{text[0].upper()}{text[1:]}.", min((d for _, d in by_face), default=None))
    if enrolment is None:
        return Outcome(False, "The face is not enrolled, so it could not be searched for earlier refusals.")
    return Outcome(True, "No refused application with this passport, or with a face this close.")


RULES: tuple[Rule, ...] = (
    Rule("identity_passed", "Identity confirmed by the face check", identity_passed),
    Rule("no_potential_duplicate", "No other application with the same face", no_potential_duplicate),
    Rule("passport_valid", "Passport valid for the whole trip", passport_valid),
    Rule("suitability", "No to every suitability question", suitability),
    Rule("not_on_watch_list", "No match on the watch list", not_on_watch_list),
    Rule("no_previous_refusal", "No earlier refusal of the same person", no_previous_refusal),
)
