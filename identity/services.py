import logging
from datetime import timedelta

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import User
from applications.models import Application, State
from applications.routes import DocumentKind
from applications.workflow import WorkflowError, application_transition
from applications import tasks as application_tasks
from identity import face_match, tasks
from identity.errors import TRANSIENT_ERRORS, StorageUnavailable
from identity.gallery import cohort_gallery, enrolled_gallery
from identity.models import DuplicateCandidate, FaceEnrolment, IdentityCheck, IdentityCheckRun

logger = logging.getLogger(__name__)


def identity_check_start(*, application: Application, actor: User | None, transition: str = "start_identity_check") -> IdentityCheck:
    """Create the next check for the application's latest photos and queue it after commit."""
    documents = application.documents.all()
    with transaction.atomic():
        check = IdentityCheck.objects.create(
            application=application,
            attempt=application.identity_checks.count() + 1,
            passport_photo=documents.filter(kind=DocumentKind.PASSPORT_PHOTO).latest("uploaded_at"),
            selfie=documents.filter(kind=DocumentKind.SELFIE).latest("uploaded_at"),
            queued_because="submitted" if transition == "start_identity_check" else "new photos",
        )
        application_transition(application, transition, actor=actor)
        tasks.run_identity_check.delay_on_commit(check.id)
    return check


def identity_attempts_left(application: Application) -> int:
    return max(settings.IDENTITY_MAX_ATTEMPTS - application.identity_checks.count(), 0)


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


def identity_check_run(*, check_id: int, task_id: str = "", worker: str = "") -> None:
    """Run a queued check, record the outcome and move the application on from it.

    Raises one of TRANSIENT_ERRORS when the check should be tried again later
    (the task retries it with backoff); every other failure is recorded as an
    error and the case goes to a person.
    """
    # The claim and its run row commit together: a worker that dies after claiming
    # always leaves an open run, which the redelivery then marks as interrupted.
    with transaction.atomic():
        if not _claim(check_id, task_id):
            logger.info("Identity check %s is taken or done; nothing to do", check_id)
            return
        check = IdentityCheck.objects.select_related("passport_photo", "selfie", "application").get(id=check_id)
        run = _start_run(check, task_id=task_id, worker=worker)
    try:
        result = _match(check)
    except TRANSIENT_ERRORS as error:
        IdentityCheckRun.objects.filter(id=run.id).update(
            finished_at=timezone.now(), outcome=IdentityCheckRun.Outcome.RETRYING, error=_describe_error(error)
        )
        raise
    except Exception as error:
        logger.exception("Identity check %s could not be completed", check_id)
        _record(check, run, error=error)
    else:
        _record(check, run, result=result)


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


def _record(check: IdentityCheck, run: IdentityCheckRun, *, result: face_match.MatchResult | None = None, error: Exception | None = None) -> None:
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
        application = Application.objects.get(id=check.application_id)
        if result is not None and result.selfie_encoding is not None:
            _search_and_enrol(check, result, cohort=application.synthetic_cohort)
        if application.state == State.IDENTITY_CHECKING:
            transition, reason = _next_step(check, result)
            event = application_transition(application, transition, actor=None, reason=reason)
            if transition == "ask_for_new_photos":
                application_tasks.send_application_email.delay_on_commit(str(application.id), "new_photos", event.id)


def _next_step(check: IdentityCheck, result: face_match.MatchResult | None) -> tuple[str, str]:
    if result is None:
        return "refer_identity", "The identity check could not be completed; a caseworker needs to review the photos."
    if result.outcome == IdentityCheck.Status.PASSED:
        return "pass_identity", f"Faces match: distance {result.distance:.3f}, pass at {check.pass_threshold:.2f} or less."
    described = " ".join(face_match.reason_text(code) for code in result.reasons)
    if result.quality_failed and identity_attempts_left(check.application) > 0:
        return "ask_for_new_photos", described
    if result.distance is not None:
        described += f" Distance {result.distance:.3f}."
    return "refer_identity", described


def _search_and_enrol(check: IdentityCheck, result: face_match.MatchResult, *, cohort: str) -> None:
    encoding = np.asarray(result.selfie_encoding, dtype=np.float32)
    gallery = cohort_gallery(cohort) if cohort else enrolled_gallery.refreshed()
    candidates = gallery.search(
        encoding, threshold=settings.DUPLICATE_MATCH_THRESHOLD, exclude=str(check.application_id)
    )
    DuplicateCandidate.objects.bulk_create(
        [
            DuplicateCandidate(identity_check=check, application_id=check.application_id, candidate_id=candidate.key, distance=candidate.distance)
            for candidate in candidates
        ],
        ignore_conflicts=True,
    )
    if result.outcome == IdentityCheck.Status.PASSED:
        # Replaced, not updated, so that every process's copy of the gallery notices.
        FaceEnrolment.objects.filter(application_id=check.application_id).delete()
        FaceEnrolment.objects.create(application_id=check.application_id, identity_check=check, encoding=encoding.tobytes(), cohort=cohort)


def identity_check_rerun(*, check: IdentityCheck, actor: User) -> None:
    """A caseworker runs a check that could not be completed again; its earlier runs are kept."""
    with transaction.atomic():
        if not IdentityCheck.objects.filter(id=check.id, status=IdentityCheck.Status.ERROR).update(
            status=IdentityCheck.Status.PENDING, queued_because="re-run by a caseworker", queued_at=timezone.now(), sweeps=0
        ):
            raise WorkflowError("Only a check that could not be completed can be run again.")
        application_transition(check.application, "rerun_identity_check", actor=actor, reason=f"Check {check.attempt} run again.")
        tasks.run_identity_check.delay_on_commit(check.id)


def identity_checks_sweep() -> dict[str, int]:
    """Put checks that have waited or run too long back on the queue, a bounded number of times.

    A check swept IDENTITY_CHECK_MAX_SWEEPS times is given up on: it is recorded
    as an error and the case goes to a person, with its runs visible.
    """
    now = timezone.now()
    stuck = IdentityCheck.objects.filter(
        Q(status=IdentityCheck.Status.PENDING, queued_at__lt=now - timedelta(seconds=settings.IDENTITY_CHECK_PENDING_TIMEOUT))
        | Q(status=IdentityCheck.Status.RUNNING, started_at__lt=now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT))
    )
    requeued = given_up = 0
    for check in stuck.select_related("application"):
        with transaction.atomic():
            if check.sweeps < settings.IDENTITY_CHECK_MAX_SWEEPS:
                # Conditional on what was read, so a check that finished meanwhile is left alone.
                if IdentityCheck.objects.filter(id=check.id, status=check.status, sweeps=check.sweeps).update(
                    status=IdentityCheck.Status.PENDING, sweeps=F("sweeps") + 1, queued_because="sweeper", queued_at=now
                ):
                    check.runs.filter(finished_at__isnull=True).update(finished_at=now, outcome=IdentityCheckRun.Outcome.INTERRUPTED)
                    tasks.run_identity_check.delay_on_commit(check.id)
                    requeued += 1
            elif IdentityCheck.objects.filter(id=check.id, status=check.status).update(
                status=IdentityCheck.Status.ERROR, finished_at=now, claimed_by="",
                error=f"Gave up after {check.sweeps} attempts to run it again.",
            ):
                check.runs.filter(finished_at__isnull=True).update(finished_at=now, outcome=IdentityCheckRun.Outcome.INTERRUPTED)
                if check.application.state == State.IDENTITY_CHECKING:
                    application_transition(
                        check.application, "refer_identity", actor=None,
                        reason=f"The identity check did not complete after {check.sweeps + 1} tries; a caseworker needs to review it.",
                    )
                given_up += 1
    return {"requeued": requeued, "given_up": given_up}
