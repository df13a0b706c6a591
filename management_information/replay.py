"""Threshold replay: what proposed pass and fail thresholds would have done to the checks already made.

It reads the distances the checks stored (kept when the images are purged), as the
last refresh copied them with what people later did, and applies the rule of
identity.face_match: at most the pass threshold passes, above the fail threshold
fails, a person decides in between. It changes nothing.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Case, CharField, Count, Q, Value, When
from django.utils import timezone

from identity.models import IdentityCheck
from management_information.models import CheckFigure

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


def threshold_replay(*, pass_threshold: float, fail_threshold: float, weeks: int, now: datetime.datetime | None = None) -> Replay:
    since = (now or timezone.now()) - datetime.timedelta(weeks=weeks)
    checks = CheckFigure.objects.filter(finished_at__gte=since, status__in=OUTCOMES)
    # Photo-quality problems decide a check before any distance does: a threshold would not change those.
    on_distance = Q(quality_problem=False, distance__isnull=False)
    would = Case(
        When(distance__lte=pass_threshold, then=Value(IdentityCheck.Status.PASSED)),
        When(distance__gt=fail_threshold, then=Value(IdentityCheck.Status.FAILED)),
        default=Value(IdentityCheck.Status.REFERRED), output_field=CharField(),
    )
    matrix = {(was, would): 0 for was in OUTCOMES for would in OUTCOMES}
    passes_refused = fails_accepted = 0
    for row in checks.filter(on_distance).annotate(would=would).values("status", "would").annotate(
        count=Count("pk"), refused=Count("pk", filter=Q(person_refused=True)), accepted=Count("pk", filter=Q(person_accepted=True)),
    ):
        matrix[row["status"], row["would"]] = row["count"]
        passes_refused += row["refused"] if row["would"] == IdentityCheck.Status.PASSED else 0
        fails_accepted += row["accepted"] if row["would"] == IdentityCheck.Status.FAILED else 0
    return Replay(pass_threshold, fail_threshold, weeks, since, matrix, checks.exclude(on_distance).count(), passes_refused, fails_accepted)
