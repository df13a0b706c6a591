import datetime
import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone

from accounts.models import User
from applications.identity_checks import application_identity_check_rerun
from applications.models import Application, ApplicationEvent, InformationRequest, State
from applications.workflow import WorkflowError, application_record, application_transition
from casework.constants import Condition, Decision, IdentityAction, RefusalReason
from casework.letters import letter_render
from casework.models import CaseNote, DecisionLetter, ImmigrationStatus
from identity.models import DuplicateCandidate, IdentityCheck
from identity.portraits import check_portrait
from identity.services import identity_attempts_left

logger = logging.getLogger(__name__)


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


def case_can_review_refusal(*, application: Application, user: User) -> bool:
    return bool({"confirm_refusal", "return_refusal"} & _available(application, user))


def case_allowed_identity_actions(*, application: Application, user: User) -> list[str]:
    """The identity actions this user may take on this application now."""
    available = _available(application, user)
    allowed = [action for action in IdentityAction.TRANSITIONS if action in available]
    if not identity_attempts_left(application):
        allowed = [action for action in allowed if action != IdentityAction.NEW_PHOTOS]
    latest = application.identity_checks.first()
    if latest is None or latest.status != IdentityCheck.Status.ERROR:
        # Only the current attempt is ever run again: earlier photos were superseded.
        allowed = [action for action in allowed if action != IdentityAction.RERUN]
    return allowed


# Assignment.

def case_assign_next(*, user: User, route: str | None = None) -> Application | None:
    """Give the caseworker the waiting case due soonest (optionally on one route), or None.

    Many caseworkers press "get next case" at once: on PostgreSQL each transaction
    locks its candidate row and skips rows others have locked, so each gets a
    different case without waiting. (SQLite takes the database's write lock at the
    start of the transaction, so there the requests simply take turns.)
    """
    with transaction.atomic():
        waiting = Application.objects.real().filter(state=State.READY_FOR_CASEWORK, assigned_to__isnull=True)
        if route:
            waiting = waiting.filter(route=route)
        application = (
            waiting.select_for_update(skip_locked=True)
            .order_by(F("due_on").asc(nulls_last=True), "submitted_at", "id")
            .first()
        )
        if application is None:
            return None
        application_transition(application, "start_review", actor=user, by=user, reason="Taken from the queue.")
    return application


def case_can_take(*, application: Application, user: User) -> bool:
    return (
        user.has_perm("applications.work_cases")
        and application.assigned_to_id is None
        and application.state in (State.READY_FOR_CASEWORK, State.IDENTITY_ADJUDICATION)
    )


def case_can_release(*, application: Application, user: User) -> bool:
    return (
        application.assigned_to_id is not None
        and application.state in (State.IN_REVIEW, State.IDENTITY_ADJUDICATION)
        and (application.assigned_to_id == user.id or user.has_perm("applications.manage_casework"))
    )


def _assigned_to(application: Application, user: User) -> bool:
    return user.has_perm("applications.work_cases") and application.assigned_to_id == user.id


def case_take(*, application: Application, user: User) -> None:
    """Take a particular case: one waiting for a caseworker, or an identity to review."""
    if not case_can_take(application=application, user=user):
        raise WorkflowError("This case cannot be taken: it is not waiting for a caseworker.")
    if application.state == State.READY_FOR_CASEWORK:
        application_transition(application, "start_review", actor=user, by=user, reason="Taken.")
    elif application.state == State.IDENTITY_ADJUDICATION and application.assigned_to_id is None:
        application_record(
            application, "take", actor=user, reason="Taken for identity review.",
            expected={"assigned_to__isnull": True}, assigned_to=user, assigned_at=timezone.now(),
        )


def case_release(*, application: Application, user: User | None, reason: str = "") -> None:
    """Put a case back in the queue. The assignee or a team leader may; so may the system (user None)."""
    if user is not None and application.assigned_to_id != user.id and not user.has_perm("applications.manage_casework"):
        raise WorkflowError("Only the caseworker who has this case, or a team leader, can release it.")
    reason = reason or "Released."
    if application.state == State.IN_REVIEW:
        application_transition(application, "release", actor=user, reason=reason)
    elif application.state == State.IDENTITY_ADJUDICATION and application.assigned_to_id:
        application_record(
            application, "release", actor=user, reason=reason,
            expected={"assigned_to_id": application.assigned_to_id}, assigned_to=None, assigned_at=None,
        )
    else:
        # Waiting for the applicant or for a second caseworker, a case stays with its caseworker:
        # it comes back to them (a team leader can reassign it).
        raise WorkflowError("Only a case being reviewed can be put back in the queue.")


def case_assign(*, application: Application, user: User, to: User) -> None:
    """A team leader gives a case waiting for a caseworker (or an identity to review) to one."""
    if not user.has_perm("applications.manage_casework"):
        raise WorkflowError("Only a team leader can assign cases.")
    if not to.has_perm("applications.work_cases"):
        raise WorkflowError(f"{to.email} cannot work on cases.")
    if application.assigned_to_id is not None:
        raise WorkflowError(f"Case {application.reference} is already assigned: reassign it instead.")
    reason = f"Assigned to {to.email}."
    if application.state == State.READY_FOR_CASEWORK:
        application_transition(application, "start_review", actor=user, by=to, reason=reason)
    elif application.state == State.IDENTITY_ADJUDICATION:
        application_record(
            application, "assign", actor=user, reason=reason,
            expected={"assigned_to__isnull": True}, assigned_to=to, assigned_at=timezone.now(),
        )
    else:
        raise WorkflowError(f"Case {application.reference} is not waiting for a caseworker.")


def cases_assign(*, applications: list[Application], user: User, to: User) -> list[tuple[Application, str | None]]:
    """Assign or reassign several cases to one caseworker: (case, None) for each done, (case, why not) otherwise.

    Each case changes in its own transaction, so a case someone else changed meanwhile
    is reported without undoing the others.
    """
    results = []
    for application in applications:
        if application.assigned_to_id == to.id:
            results.append((application, f"Case {application.reference} is already assigned to {to.email}."))
            continue
        service = case_assign if application.assigned_to_id is None else case_reassign
        try:
            service(application=application, user=user, to=to)
        except WorkflowError as error:
            results.append((application, str(error)))
        else:
            results.append((application, None))
    return results


def case_reassign(*, application: Application, user: User, to: User) -> None:
    """A team leader gives a case to another caseworker."""
    if not user.has_perm("applications.manage_casework"):
        raise WorkflowError("Only a team leader can reassign cases.")
    if not to.has_perm("applications.work_cases"):
        raise WorkflowError(f"{to.email} cannot work on cases.")
    if application.assigned_to_id is None:
        raise WorkflowError("This case is not assigned to anyone: the caseworker can take it from the queue.")
    application_record(
        application, "reassign", actor=user, reason=f"Reassigned to {to.email}.",
        expected={"assigned_to_id": application.assigned_to_id}, assigned_to=to, assigned_at=timezone.now(),
    )


def cases_release_stale(*, now: datetime.datetime | None = None) -> int:
    """Release cases taken but left without any action (event or note) for CASE_CLAIM_TIMEOUT; returns how many."""
    cutoff = (now or timezone.now()) - timedelta(seconds=settings.CASE_CLAIM_TIMEOUT)
    last_event = ApplicationEvent.objects.filter(application=OuterRef("pk")).order_by("-created_at").values("created_at")[:1]
    last_note = CaseNote.objects.filter(application=OuterRef("pk")).order_by("-created_at").values("created_at")[:1]
    stale = (
        Application.objects.filter(state__in=[State.IN_REVIEW, State.IDENTITY_ADJUDICATION], assigned_at__lt=cutoff)
        .annotate(last_event=Subquery(last_event), last_note=Subquery(last_note))
        .filter(Q(last_note__isnull=True) | Q(last_note__lt=cutoff), last_event__lt=cutoff)
    )
    released = 0
    for candidate in stale.values_list("id", flat=True):
        with transaction.atomic():
            # Re-read under a lock: it may have been acted on or reassigned since the list was made.
            application = Application.objects.select_for_update(skip_locked=True).filter(id=candidate, assigned_at__lt=cutoff).first()
            if application is None:
                continue
            try:
                case_release(application=application, user=None, reason="Released: no action for too long.")
            except WorkflowError:
                continue
            released += 1
    return released


# Actions on a case.

def case_can_note(*, application: Application, user: User) -> bool:
    """The caseworker who has the case; a team leader; a senior caseworker reviewing a proposal on it."""
    reviewing = application.state in (State.REFUSAL_PROPOSED, State.IDENTITY_OVERRIDE_PROPOSED) and (
        user.has_perm("applications.confirm_refusal") or user.has_perm("applications.confirm_identity_override")
    )
    return _assigned_to(application, user) or user.has_perm("applications.manage_casework") or reviewing


def case_add_note(*, application: Application, user: User, text: str) -> CaseNote:
    if not case_can_note(application=application, user=user):
        raise WorkflowError("Take the case to add notes to it.")
    return CaseNote.objects.create(application=application, author=user, text=text)


def case_grant(
    *, application: Application, actor: User | None, reason: str, valid_until: datetime.date | None, work_condition: str,
    study_condition: str, transition: str = "grant",
) -> ImmigrationStatus:
    """Grant the application: its letter, and the immigration status the holder can prove, in one transaction.

    The system (actor None) grants through "grant_automatically", when an automated decision's rules all passed.
    """
    route = application.route_details
    with transaction.atomic():
        application_transition(application, transition, actor=actor, reason=reason)
        if work_condition not in route.work_conditions or study_condition not in route.study_conditions:
            # Raised inside the transaction, like the end date's check below: the grant rolls back.
            work = " or ".join(dict(Condition.WORK)[code] for code in route.work_conditions)
            study = " or ".join(dict(Condition.STUDY)[code] for code in route.study_conditions)
            raise WorkflowError(f"A {route.name} grant carries these conditions: work, {work}; study, {study}.")
        if valid_until is None and not application.route_details.indefinite:
            # Raised inside the transaction: the grant above rolls back with it.
            raise WorkflowError(f"A {application.route_details.name} grant needs the date the permission ends.")
        status = ImmigrationStatus.objects.create(
            application=application,
            holder_id=application.applicant_id,
            route=application.route,
            valid_from=timezone.localdate(),
            valid_until=valid_until,
            work_condition=work_condition,
            study_condition=study_condition,
            photo=_status_photo(application),
        )
        _letter(application, "grant", actor, reason, status=status, template=transition)
    return status


def _status_photo(application: Application) -> bytes:
    """The face from the newest identity check's passport photo, kept with the status for share-code checks."""
    check = application.identity_checks.select_related("passport_photo").filter(passport_photo__purged_at=None).first()
    if check is None:
        return b""
    try:
        return check_portrait(check, "passport")
    except OSError:
        # A grant never fails for want of a photo: the status is shown without one.
        logger.warning("No photo for the status of %s: its passport photo could not be read", application.reference)
        return b""


def case_propose_refusal(*, application: Application, actor: User, reasons: list[str], reason: str) -> None:
    """Propose to refuse; a different caseworker with the senior permission confirms or returns it."""
    if not reasons or set(reasons) - set(RefusalReason.LABELS):
        raise WorkflowError("Choose at least one reason for the refusal.")
    application_transition(application, "propose_refusal", actor=actor, reason=reason, by=actor, reasons=reasons)


def case_confirm_refusal(*, application: Application, actor: User, reason: str) -> None:
    with transaction.atomic():
        reasons = application.refusal_reasons
        application_transition(application, "confirm_refusal", actor=actor, reason=reason)
        proposal = application.events.filter(transition="propose_refusal").last()
        _letter(application, "refuse", proposal.actor, proposal.reason, reasons=reasons)


def case_return_refusal(*, application: Application, actor: User, reason: str) -> None:
    application_transition(application, "return_refusal", actor=actor, reason=reason)


def _letter(application: Application, outcome: str, decided_by: User | None, reason: str, template: str = "", **context) -> None:
    template, body = letter_render(application=application, outcome=template or outcome, reason=reason, **context)
    DecisionLetter.objects.create(application=application, outcome=outcome, template=template, body=body, decided_by=decided_by)


def case_request_information(*, application: Application, actor: User, message: str, respond_by: datetime.date) -> None:
    """Ask the applicant for more information; the service standard clock stops until they answer."""
    with transaction.atomic():
        # Made first: the transition's email quotes it.
        InformationRequest.objects.create(application=application, requested_by=actor, message=message, respond_by=respond_by)
        application_transition(application, "request_information", actor=actor, reason=message)


def case_identity_action(*, application: Application, actor: User, action: str, reason: str) -> None:
    """Adjudicate an identity a check could not confirm (see IdentityAction)."""
    if action not in case_allowed_identity_actions(application=application, user=actor):
        raise WorkflowError("That cannot be done on this application now.")
    if action == IdentityAction.RERUN:
        application_identity_check_rerun(application=application, actor=actor)
        return
    extra = {"by": actor} if action == IdentityAction.PROPOSE_OVERRIDE else {}
    application_transition(application, action, actor=actor, reason=reason, **extra)


def case_resolve_duplicate(*, candidate: DuplicateCandidate, actor: User, resolution: str, reason: str) -> None:
    """Confirm or dismiss a potential duplicate identity, as the caseworker who has the case, once."""
    application = candidate.application
    if not _assigned_to(application, actor):
        raise WorkflowError("Take the case to resolve its potential duplicates.")
    with transaction.atomic():
        updated = DuplicateCandidate.objects.filter(id=candidate.id, resolved_at__isnull=True).update(
            resolution=resolution, reason=reason, resolved_by=actor, resolved_at=timezone.now()
        )
        if not updated:
            raise WorkflowError("This potential duplicate has already been resolved.")
        application_record(
            application, f"{resolution}_duplicate", actor=actor, expected={"assigned_to": actor},
            reason=f"{candidate.candidate.reference}: {reason}",
        )
