"""The case core's side of identity checks: starting one with a transition, and turning its outcome into the next.

Identity (identity/services.py) runs the check and returns what it found; the one
function here that decides what that means for the application is
`_next_transition`.
"""

from django.db import transaction

from accounts.models import User
from applications.models import Application, ApplicationEvent, State
from applications.routes import DocumentKind
from applications.workflow import WorkflowError, application_transition
from identity import face_match
from identity.models import IdentityCheck
from identity.services import (
    CheckOutcome,
    identity_attempts_left,
    identity_check_create,
    identity_check_error_record,
    identity_check_record,
    identity_check_reset_for_rerun,
    identity_check_run,
)

_QUEUED_BECAUSE = {"start_identity_check": "submitted", "retry_identity_check": "new photos"}


def application_identity_check_start(*, application: Application, actor: User | None, transition: str) -> IdentityCheck:
    """A check of the latest photos, and the transition whose job runs it, in one transaction."""
    photos = application.documents.filter(kind__in=DocumentKind.PHOTOS)
    with transaction.atomic():
        check = identity_check_create(
            application=application,
            passport_photo=photos.filter(kind=DocumentKind.PASSPORT_PHOTO).latest("uploaded_at"),
            selfie=photos.filter(kind=DocumentKind.SELFIE).latest("uploaded_at"),
            queued_because=_QUEUED_BECAUSE[transition],
        )
        application_transition(application, transition, actor=actor)
    return check


def application_identity_check_rerun(*, application: Application, actor: User) -> None:
    """A caseworker runs again the current check, which could not be completed; its earlier runs are kept."""
    check = application.identity_checks.first()
    with transaction.atomic():
        if check is None or not identity_check_reset_for_rerun(check=check):
            raise WorkflowError("Only a check that could not be completed can be run again.")
        application_transition(application, "rerun_identity_check", actor=actor, reason=f"Check {check.attempt} run again.")


def application_identity_check_run(*, application_id: str, task_id: str = "", worker: str = "") -> None:
    """The job of the identity-check transitions: run the application's current check and move the case on."""
    check = IdentityCheck.objects.filter(application_id=application_id).order_by("-attempt").first()
    if check is None or check.status not in (IdentityCheck.Status.PENDING, IdentityCheck.Status.RUNNING):
        return
    outcome = identity_check_run(check_id=check.id, task_id=task_id, worker=worker)
    if outcome is not None:
        _apply(application_id, outcome)


def application_identity_check_give_up(*, application_id: str, error: BaseException) -> None:
    """The check's job was retried until its give-up time (storage or database away): a person takes over."""
    check = IdentityCheck.objects.filter(application_id=application_id).order_by("-attempt").first()
    if check is not None:
        with transaction.atomic():
            if identity_check_error_record(check=check, error=f"Gave up retrying: {type(error).__name__}: {error}"):
                check.refresh_from_db()
                _move_on(Application.objects.select_for_update().get(id=application_id), check, None)


def _apply(application_id: str, outcome: CheckOutcome) -> None:
    with transaction.atomic():
        # Locked, so that a withdrawal cannot slip in between reading the state and enrolling the face.
        application = Application.objects.select_for_update().get(id=application_id)
        checking = application.state == State.IDENTITY_CHECKING
        identity_check_record(outcome, enrol=checking)
        if checking:
            _move_on(application, outcome.check, outcome.result)


def _move_on(application: Application, check: IdentityCheck, result: face_match.MatchResult | None) -> ApplicationEvent | None:
    if application.state != State.IDENTITY_CHECKING:
        return None
    transition, reason = _next_transition(application, check, result)
    return application_transition(application, transition, actor=None, reason=reason)


def _next_transition(application: Application, check: IdentityCheck, result: face_match.MatchResult | None) -> tuple[str, str]:
    """What a check's outcome means for the application: the transition, and the reason recorded with it."""
    if result is None:
        return "refer_identity", "The identity check could not be completed; a caseworker needs to review the photos."
    if result.outcome == IdentityCheck.Status.PASSED:
        # A route decided automatically where safe goes to its automated checks before any caseworker.
        transition = "pass_identity_for_automated_decision" if application.route_details.automatic_grant else "pass_identity"
        return transition, f"Faces match: distance {result.distance:.3f}, pass at {check.pass_threshold:.2f} or less."
    described = " ".join(face_match.reason_text(code) for code in result.reasons)
    if result.quality_failed and identity_attempts_left(application) > 0:
        return "ask_for_new_photos", described
    if result.distance is not None:
        described += f" Distance {result.distance:.3f}."
    return "refer_identity", described


