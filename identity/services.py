import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from applications.routes import DocumentKind
from applications.models import Application, State
from applications.workflow import application_transition
from identity import face_match, tasks
from identity.models import IdentityCheck

logger = logging.getLogger(__name__)


def identity_check_start(*, application: Application, actor: User | None) -> IdentityCheck:
    """Create the next check for the application's latest photos and queue it after commit."""
    documents = application.documents.all()
    with transaction.atomic():
        check = IdentityCheck.objects.create(
            application=application,
            attempt=application.identity_checks.count() + 1,
            passport_photo=documents.filter(kind=DocumentKind.PASSPORT_PHOTO).latest("uploaded_at"),
            selfie=documents.filter(kind=DocumentKind.SELFIE).latest("uploaded_at"),
        )
        application_transition(application, "start_identity_check", actor=actor)
        tasks.run_identity_check.delay_on_commit(check.id)
    return check


def _claim(check_id: int) -> bool:
    """Take the check for this run; False if another run has it or it is done.

    A check left running for longer than the task's hard time limit belongs to a
    worker that died (its message is then redelivered), so it may be taken again.
    """
    now = timezone.now()
    stale = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    claimable = Q(status=IdentityCheck.Status.PENDING) | Q(status=IdentityCheck.Status.RUNNING, started_at__lt=stale)
    return bool(
        IdentityCheck.objects.filter(claimable, id=check_id).update(status=IdentityCheck.Status.RUNNING, started_at=now)
    )


def identity_check_run(*, check_id: int) -> None:
    """Run a queued check and move the application on from its outcome.

    The conditional update claims the check: a second delivery of the same message
    (acks_late redelivery, or a duplicate) finds it taken or done and does nothing.
    """
    if not _claim(check_id):
        logger.info("Identity check %s is taken or done; nothing to do", check_id)
        return
    check = IdentityCheck.objects.select_related("passport_photo", "selfie").get(id=check_id)
    try:
        result = _match_documents(check)
    except Exception as error:
        logger.exception("Identity check %s could not be completed", check_id)
        check.status = IdentityCheck.Status.ERROR
        check.error = f"{type(error).__name__}: {error}"
        reason = "The identity check could not be completed; a caseworker needs to review the photos."
    else:
        check.status = IdentityCheck.Status.PASSED if result.passed else IdentityCheck.Status.FAILED
        check.distance = result.distance
        check.threshold = result.threshold
        check.reasons = result.reasons
        check.evidence = result.evidence
        reason = _describe(result)
    check.finished_at = timezone.now()

    with transaction.atomic():
        check.save()
        application = Application.objects.get(id=check.application_id)
        if application.state == State.IDENTITY_CHECKING:
            passed = check.status == IdentityCheck.Status.PASSED
            application_transition(
                application, "pass_identity" if passed else "refer_identity", actor=None, reason=reason
            )


def _match_documents(check: IdentityCheck) -> face_match.MatchResult:
    max_side = settings.FACE_IMAGE_MAX_SIDE
    with check.passport_photo.file.open("rb") as passport_file, check.selfie.file.open("rb") as selfie_file:
        passport = face_match.load_image(passport_file, max_side=max_side)
        selfie = face_match.load_image(selfie_file, max_side=max_side)
    return face_match.match(passport, selfie, threshold=settings.FACE_MATCH_THRESHOLD)


def _describe(result: face_match.MatchResult) -> str:
    if result.distance is None:
        return " ".join(face_match.Reason.TEXT[code] for code in result.reasons)
    verdict = "match" if result.passed else "no match"
    return f"Face {verdict}: distance {result.distance:.3f}, threshold {result.threshold:.2f}."
