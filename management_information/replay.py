"""Threshold replay: what proposed pass and fail thresholds would have done to the checks already made.

It reads the distances the checks stored (kept when the images are purged) and
what people later did with those applications; it changes nothing.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from identity.models import IdentityCheck
from management_information.selectors import person_accepted_identity, person_refused_identity

OUTCOMES = [IdentityCheck.Status.PASSED, IdentityCheck.Status.REFERRED, IdentityCheck.Status.FAILED]


@dataclass(frozen=True)
class Replay:
    pass_threshold: float
    fail_threshold: float
    weeks: int
    since: datetime.datetime
    # (outcome as decided, outcome under the proposed thresholds) -> checks
    matrix: dict[tuple[str, str], int]
    # Checks decided on photo quality rather than distance: a threshold does not change them.
    not_replayed: int
    # Would pass automatically, but a person who looked did not accept the identity.
    passes_a_person_refused: int
    # Would fail automatically, but a person accepted the identity.
    fails_a_person_accepted: int

    @property
    def replayed(self) -> int:
        return sum(self.matrix.values())

    def total(self, outcome: str, *, proposed: bool) -> int:
        return sum(count for (was, would), count in self.matrix.items() if (would if proposed else was) == outcome)

    @property
    def more_referrals(self) -> int:
        return self.total(IdentityCheck.Status.REFERRED, proposed=True) - self.total(IdentityCheck.Status.REFERRED, proposed=False)

    @property
    def changed(self) -> int:
        return sum(count for (was, would), count in self.matrix.items() if was != would)


def replayed_outcome(distance: float, pass_threshold: float, fail_threshold: float) -> str:
    """The same rule as identity.face_match: at most pass_threshold passes, above fail_threshold fails, a person decides between."""
    if distance <= pass_threshold:
        return IdentityCheck.Status.PASSED
    if distance > fail_threshold:
        return IdentityCheck.Status.FAILED
    return IdentityCheck.Status.REFERRED


def threshold_replay(*, pass_threshold: float, fail_threshold: float, weeks: int, now: datetime.datetime | None = None) -> Replay:
    since = (now or timezone.now()) - datetime.timedelta(weeks=weeks)
    checks = IdentityCheck.objects.filter(application__synthetic_cohort="", finished_at__gte=since, status__in=OUTCOMES)
    matrix = {(was, would): 0 for was in OUTCOMES for would in OUTCOMES}
    not_replayed = passes_refused = fails_accepted = 0
    rows = checks.annotate(accepted=person_accepted_identity(), refused=person_refused_identity()).values_list("status", "distance", "reasons", "accepted", "refused")
    for status, distance, reasons, accepted, refused in rows.iterator(chunk_size=5_000):
        # Photo-quality problems ("<image>.<problem>") decide a check before any distance does.
        if distance is None or any("." in code for code in reasons):
            not_replayed += 1
            continue
        would = replayed_outcome(distance, pass_threshold, fail_threshold)
        matrix[status, would] += 1
        passes_refused += would == IdentityCheck.Status.PASSED and refused
        fails_accepted += would == IdentityCheck.Status.FAILED and accepted
    return Replay(pass_threshold, fail_threshold, weeks, since, matrix, not_replayed, passes_refused, fails_accepted)
