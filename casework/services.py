from accounts.models import User
from applications.models import Application
from applications.workflow import application_transition
from casework.constants import Decision


def case_allowed_decisions(*, application: Application, user: User) -> list[str]:
    """The decisions this user may make on this application now."""
    available = {transition.name for transition in application.get_available_user_state_transitions(user)}
    return [decision for decision, _ in Decision.CHOICES if decision in available]


def case_decide(*, application: Application, actor: User, decision: str, reason: str) -> None:
    application_transition(application, decision, actor=actor, reason=reason)
