import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from applications import tasks
from applications.models import Application, InformationRequest
from applications.workflow import WorkflowError, application_transition
from casework.constants import Decision, IdentityAction
from casework.letters import letter_render
from casework.models import DecisionLetter
from identity.models import DuplicateCandidate, IdentityCheck
from identity.services import identity_attempts_left, identity_check_rerun


def _available(application: Application, user: User) -> set[str]:
    return {transition.name for transition in application.get_available_user_state_transitions(user)}


def case_allowed_decisions(*, application: Application, user: User) -> list[str]:
    """The decisions this user may make on this application now."""
    available = _available(application, user)
    return [decision for decision, _ in Decision.CHOICES if decision in available]


def case_blocked_decisions(*, application: Application, user: User) -> list[tuple[str, str]]:
    """Decisions this user could make now but for a condition, with what must happen first."""
    blocked = []
    for transition in application.get_all_state_transitions():
        if transition.name in dict(Decision.CHOICES) and transition.source == application.state and transition.has_perm(application, user):
            failed = [condition.__doc__.strip() for condition in transition.conditions if not condition(application)]
            if failed:
                blocked.append((dict(Decision.CHOICES)[transition.name], " ".join(failed)))
    return blocked


def case_can_request_information(*, application: Application, user: User) -> bool:
    return "request_information" in _available(application, user)


def case_allowed_identity_actions(*, application: Application, user: User) -> list[str]:
    """The identity actions this user may take on this application now."""
    available = _available(application, user)
    allowed = [action for action in IdentityAction.TRANSITIONS if action in available]
    if not identity_attempts_left(application):
        allowed = [action for action in allowed if action != IdentityAction.NEW_PHOTOS]
    if not application.identity_checks.filter(status=IdentityCheck.Status.ERROR).exists():
        allowed = [action for action in allowed if action != IdentityAction.RERUN]
    return allowed


def case_decide(*, application: Application, actor: User, decision: str, reason: str) -> None:
    with transaction.atomic():
        event = application_transition(application, decision, actor=actor, reason=reason)
        template, body = letter_render(application=application, outcome=decision, reason=reason)
        DecisionLetter.objects.create(application=application, outcome=decision, template=template, body=body, decided_by=actor)
        tasks.send_application_email.delay_on_commit(str(application.id), "decided", event.id)


def case_request_information(*, application: Application, actor: User, message: str, respond_by: datetime.date) -> None:
    """Ask the applicant for more information; the service standard clock stops until they answer."""
    with transaction.atomic():
        event = application_transition(application, "request_information", actor=actor, reason=message)
        InformationRequest.objects.create(application=application, requested_by=actor, message=message, respond_by=respond_by)
        tasks.send_application_email.delay_on_commit(str(application.id), "information_requested", event.id)


def case_identity_action(*, application: Application, actor: User, action: str, reason: str) -> None:
    """Adjudicate an identity a check could not confirm (see IdentityAction)."""
    if action not in case_allowed_identity_actions(application=application, user=actor):
        raise WorkflowError("That cannot be done on this application now.")
    with transaction.atomic():
        if action == IdentityAction.RERUN:
            check = application.identity_checks.filter(status=IdentityCheck.Status.ERROR).first()
            identity_check_rerun(check=check, actor=actor)
            return
        extra = {"by": actor} if action == IdentityAction.PROPOSE_OVERRIDE else {}
        event = application_transition(application, action, actor=actor, reason=reason, **extra)
        if action == IdentityAction.NEW_PHOTOS:
            tasks.send_application_email.delay_on_commit(str(application.id), "new_photos", event.id)


def case_resolve_duplicate(*, candidate: DuplicateCandidate, actor: User, resolution: str, reason: str) -> None:
    """Confirm or dismiss a potential duplicate identity. Resolving one twice changes nothing."""
    updated = DuplicateCandidate.objects.filter(id=candidate.id, resolved_at__isnull=True).update(
        resolution=resolution, reason=reason, resolved_by=actor, resolved_at=timezone.now()
    )
    if not updated:
        raise WorkflowError("This potential duplicate has already been resolved.")
