"""Identity checks: face matching of a pair of photos, duplicate search, and the record of every run.

This package knows nothing of the application's workflow: it returns an outcome,
and the case core (applications.identity_checks) turns it into a transition.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from identity import face_match
from identity.errors import TRANSIENT_ERRORS, StorageUnavailable
from identity.duplicates import duplicates_search_and_enrol
from identity.models import IdentityCheck, IdentityCheckRun

logger = logging.getLogger(__name__)


def identity_check_create(*, application, passport_photo, selfie, queued_because: str) -> IdentityCheck:
    """The application's next check, of this pair of photos, waiting to run."""
    return IdentityCheck.objects.create(
        application=application,
        attempt=application.identity_checks.count() + 1,
        passport_photo=passport_photo,
        selfie=selfie,
        queued_because=queued_because,
    )


def identity_attempts_left(application) -> int:
    return max(settings.IDENTITY_MAX_ATTEMPTS - application.identity_checks.count(), 0)


@dataclass
class CheckOutcome:
    """What a run of a check found: a match result, or the error that stopped it. Not yet recorded."""

    check: IdentityCheck
    run: IdentityCheckRun
    result: face_match.MatchResult | None = None
    error: BaseException | None = None


def _claim(check_id: int, task_id: str) -> bool:
    """Take the check for this run; False if another run has it or it is done.

    A running check can be taken again by a redelivery of the message that holds it
    (same task id: the worker that had it died, or the task is being retried), or
    by anyone once it has run longer than the hard time limit. A duplicate message
    (another task id) finds it taken and does nothing.
    """
    stale = timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    taken_back = Q(started_at__lt=stale)
    if task_id:
        taken_back |= Q(claimed_by=task_id)
    claimable = Q(status=IdentityCheck.Status.PENDING) | Q(taken_back, status=IdentityCheck.Status.RUNNING)
    return bool(
        IdentityCheck.objects.filter(claimable, id=check_id).update(
            status=IdentityCheck.Status.RUNNING, claimed_by=task_id, started_at=timezone.now()
        )
    )


def _start_run(check: IdentityCheck, *, task_id: str, worker: str) -> IdentityCheckRun:
    interrupted = check.runs.filter(finished_at__isnull=True).update(
        finished_at=timezone.now(), outcome=IdentityCheckRun.Outcome.INTERRUPTED
    )
    trigger = "redelivered" if interrupted else check.queued_because
    return IdentityCheckRun.objects.create(identity_check=check, trigger=trigger, task_id=task_id, worker=worker)


def identity_check_run(*, check_id: int, task_id: str = "", worker: str = "") -> CheckOutcome | None:
    """Run a waiting check and return what it found, for identity_check_record; None if it is taken or done.

    Raises one of TRANSIENT_ERRORS when the check should be tried again later; every
    other failure is returned as an error, for a person to look at. A check whose
    runs were cut short IDENTITY_CHECK_MAX_INTERRUPTIONS times (a photo that kills
    the worker every time) is not run again: that is an error too.
    """
    # The claim and its run row commit together: a worker that dies after claiming
    # always leaves an open run, which the redelivery then marks as interrupted.
    with transaction.atomic():
        if not _claim(check_id, task_id):
            logger.info("Identity check %s is taken or done; nothing to do", check_id)
            return None
        check = IdentityCheck.objects.select_related("passport_photo", "selfie", "application").get(id=check_id)
        run = _start_run(check, task_id=task_id, worker=worker)
    interrupted = check.runs.filter(outcome=IdentityCheckRun.Outcome.INTERRUPTED).count()
    if interrupted >= settings.IDENTITY_CHECK_MAX_INTERRUPTIONS:
        return CheckOutcome(check, run, error=RuntimeError(f"Its runs were cut short {interrupted} times."))
    try:
        result = _match(check)
    except TRANSIENT_ERRORS as error:
        IdentityCheckRun.objects.filter(id=run.id).update(
            finished_at=timezone.now(), outcome=IdentityCheckRun.Outcome.RETRYING, error=_describe_error(error)
        )
        raise
    except Exception as error:
        logger.exception("Identity check %s could not be completed", check_id)
        return CheckOutcome(check, run, error=error)
    return CheckOutcome(check, run, result=result)


def _read(document) -> bytes:
    try:
        with document.file.open("rb") as stored:
            return stored.read()
    except FileNotFoundError:
        raise
    except OSError as error:
        raise StorageUnavailable(str(error)) from error


def _match(check: IdentityCheck) -> face_match.MatchResult:
    passport_bytes, selfie_bytes = _read(check.passport_photo), _read(check.selfie)
    limits = {name: face_match.QualityLimits(**values) for name, values in settings.IDENTITY_QUALITY.items()}
    load = {"max_side": settings.FACE_IMAGE_MAX_SIDE, "max_pixels": settings.UPLOAD_MAX_PIXELS}
    images = {}
    unreadable = []
    for name, data in [("passport", passport_bytes), ("selfie", selfie_bytes)]:
        try:
            images[name] = face_match.load_image(data, **load)
        except ValueError:
            unreadable.append(f"{name}.{face_match.Problem.UNREADABLE}")
    if unreadable:
        return face_match.MatchResult("failed", None, unreadable, {"detector": face_match.DETECTOR}, None)
    return face_match.match(
        images["passport"],
        images["selfie"],
        thresholds=face_match.Thresholds(settings.FACE_MATCH_PASS_THRESHOLD, settings.FACE_MATCH_FAIL_THRESHOLD),
        passport_limits=limits["passport"],
        selfie_limits=limits["selfie"],
    )


def _describe_error(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


def identity_check_record(outcome: CheckOutcome, *, enrol: bool) -> None:
    """Record a run's outcome, search the gallery for the selfie and, if `enrol`, add a passed face to it.

    Call it in the transaction that moves the application on from the outcome.
    """
    check, run, result, error = outcome.check, outcome.run, outcome.result, outcome.error
    now = timezone.now()
    if result is not None:
        check.status = result.outcome
        check.distance = result.distance
        check.pass_threshold = settings.FACE_MATCH_PASS_THRESHOLD
        check.fail_threshold = settings.FACE_MATCH_FAIL_THRESHOLD
        check.reasons = result.reasons
        check.evidence = result.evidence
        check.error = ""
    else:
        check.status = IdentityCheck.Status.ERROR
        check.error = _describe_error(error)
    check.finished_at = now
    check.claimed_by = ""
    with transaction.atomic():
        check.save()
        IdentityCheckRun.objects.filter(id=run.id).update(finished_at=now, outcome=check.status, error=check.error)
        if result is not None and result.selfie_encoding is not None:
            _search_and_enrol(check, result, cohort=check.application.synthetic_cohort, enrol=enrol)


def identity_check_error_record(*, check: IdentityCheck, error: str) -> bool:
    """Record a check that will not be run again as an error (retries given up); False if it had finished."""
    now = timezone.now()
    with transaction.atomic():
        if not IdentityCheck.objects.filter(
            id=check.id, status__in=[IdentityCheck.Status.PENDING, IdentityCheck.Status.RUNNING]
        ).update(status=IdentityCheck.Status.ERROR, error=error, finished_at=now, claimed_by=""):
            return False
        check.runs.filter(finished_at__isnull=True).update(finished_at=now, outcome=IdentityCheckRun.Outcome.INTERRUPTED)
    return True


def _search_and_enrol(check: IdentityCheck, result: face_match.MatchResult, *, cohort: str, enrol: bool) -> None:
    # Serialised with every other check's search and enrolment: identity/duplicates.py.
    duplicates_search_and_enrol(
        check=check, encoding=result.selfie_encoding, cohort=cohort, enrol=enrol and result.outcome == IdentityCheck.Status.PASSED
    )


def identity_check_reset_for_rerun(*, check: IdentityCheck) -> bool:
    """Put a check that could not be completed back to wait for a run; False if it is not such a check."""
    return bool(
        IdentityCheck.objects.filter(id=check.id, status=IdentityCheck.Status.ERROR).update(
            status=IdentityCheck.Status.PENDING, queued_because="re-run by a caseworker", queued_at=timezone.now()
        )
    )
