"""The one way to change an application's workflow: transitions, assignment, their event rows and their effects."""

from django.db import transaction
from django_fsm import ConcurrentTransition, can_proceed, has_transition_perm

from accounts.models import User
from applications import notifications
from applications.models import Application, ApplicationEvent
from applications.service_standard import service_standard_clock
from applications.states import FINAL_STATES
from applications.transitions import TRANSITIONS
from outbox.services import outbox_enqueue


class WorkflowError(Exception):
    """A change that cannot be made now. The message is written for the person who asked."""


class ConflictError(WorkflowError):
    """Someone else changed the application between reading and writing it."""


def application_transition(
    application: Application, name: str, *, actor: User | None, reason: str = "", **kwargs
) -> ApplicationEvent:
    """Run transition `name` on `application`, save it, record its event row, and queue its effects.

    What the transition does beyond the state change (the email, the jobs, the
    clock) comes from applications.transitions, and is written in the same
    transaction: the outbox publishes it once that commits. `actor` is None for the
    system. Runs in its own transaction, or in the caller's if there is one, so that
    the caller's other writes commit or roll back with it.
    """
    method = getattr(application, name)
    if not can_proceed(method, check_conditions=False):
        raise WorkflowError(
            f"This application is now “{application.get_state_display()}”, so that can no longer be done."
        )
    if not can_proceed(method):
        # A condition's docstring says, for the user, what must happen first.
        conditions = method._django_fsm.get_transition(application.state).conditions
        failed = next(condition for condition in conditions if not condition(application))
        raise WorkflowError(failed.__doc__.strip())
    if actor is not None and not has_transition_perm(method, actor):
        raise WorkflowError("You cannot do that on this case: it needs to be assigned to you, or another role does it.")
    from_state = application.state
    with transaction.atomic():
        method(**kwargs)
        event = ApplicationEvent(
            application=application, transition=name, from_state=from_state, to_state=application.state, actor=actor, reason=reason
        )
        application.due_on = _due_on(application, event)
        application_save(application)
        event.save()
        _queue_effects(application, event)
        return event


def _queue_effects(application: Application, event: ApplicationEvent) -> None:
    effects = TRANSITIONS[event.transition]
    if effects.email:
        notifications.application_email_enqueue(application=application, kind=effects.email, event=event)
    for job in effects.jobs:
        outbox_enqueue(task=job, key=f"{job}:{event.id}", kwargs={"application_id": str(application.id)})


def application_record(
    application: Application, name: str, *, actor: User | None, expected: dict, reason: str = "", **changes
) -> ApplicationEvent:
    """Change fields that are not the state (who a case is assigned to), with an event row like a transition's.

    Compare-and-swap: the change applies only if the state and the `expected` fields
    are still what the caller read, so two caseworkers taking one case cannot both succeed.
    """
    with transaction.atomic():
        matching = Application.objects.filter(id=application.id, state=application.state, **expected)
        # With nothing to change, only record the event if the case is still as read.
        if not (matching.update(**changes) if changes else matching.select_for_update().exists()):
            raise ConflictError(
                "Someone else changed this case at the same time. Nothing was changed: check the case again."
            )
        for field, value in changes.items():
            setattr(application, field, value)
        return ApplicationEvent.objects.create(
            application=application, transition=name, from_state=application.state, to_state=application.state,
            actor=actor, reason=reason,
        )


def _due_on(application: Application, event: ApplicationEvent):
    if application.state in FINAL_STATES:
        return None
    clock = service_standard_clock([*application.events.all(), event], application.route_details.target_working_days)
    return None if clock is None or clock.paused else clock.due_on


def application_save(application: Application, **kwargs) -> None:
    """Save, provided the state is still the one read with the application.

    ConcurrentTransitionMixin adds the state read to the UPDATE's WHERE clause, so
    of two requests that read the same state only the first one's save succeeds.
    """
    try:
        application.save(**kwargs)
    except ConcurrentTransition:
        raise ConflictError(
            "Someone else changed this application at the same time. Nothing was changed: "
            "check the application again before you try again."
        ) from None
