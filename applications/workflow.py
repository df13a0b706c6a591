"""The one way to move an application through its state machine."""

from django.db import transaction
from django_fsm import ConcurrentTransition, can_proceed, has_transition_perm

from accounts.models import User
from applications.models import Application, ApplicationEvent


class WorkflowError(Exception):
    """A change that cannot be made now. The message is written for the person who asked."""


class ConflictError(WorkflowError):
    """Someone else changed the application between reading and writing it."""


def application_transition(
    application: Application, name: str, *, actor: User | None, reason: str = "", **kwargs
) -> ApplicationEvent:
    """Run transition `name` on `application`, save it, and record its event row.

    `actor` is None for the system. Runs in its own transaction, or in the caller's
    if there is one, so that the caller's other writes commit or roll back with it.
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
        raise WorkflowError("You do not have permission to do that.")
    from_state = application.state
    with transaction.atomic():
        method(**kwargs)
        application_save(application)
        return ApplicationEvent.objects.create(
            application=application,
            transition=name,
            from_state=from_state,
            to_state=application.state,
            actor=actor,
            reason=reason,
        )


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
