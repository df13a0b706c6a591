import datetime

from django.db import transaction

from accounts.models import User
from applications import tasks
from applications.models import Application, InformationRequest
from applications.workflow import application_transition
from casework.constants import Decision
from casework.letters import letter_render
from casework.models import DecisionLetter


def case_allowed_decisions(*, application: Application, user: User) -> list[str]:
    """The decisions this user may make on this application now."""
    available = {transition.name for transition in application.get_available_user_state_transitions(user)}
    return [decision for decision, _ in Decision.CHOICES if decision in available]


def case_can_request_information(*, application: Application, user: User) -> bool:
    return any(t.name == "request_information" for t in application.get_available_user_state_transitions(user))


def case_decide(*, application: Application, actor: User, decision: str, reason: str) -> None:
    with transaction.atomic():
        application_transition(application, decision, actor=actor, reason=reason)
        template, body = letter_render(application=application, outcome=decision, reason=reason)
        DecisionLetter.objects.create(application=application, outcome=decision, template=template, body=body, decided_by=actor)
        tasks.send_application_email.delay_on_commit(str(application.id), "decided")


def case_request_information(*, application: Application, actor: User, message: str, respond_by: datetime.date) -> None:
    """Ask the applicant for more information; the service standard clock stops until they answer."""
    with transaction.atomic():
        application_transition(application, "request_information", actor=actor, reason=message)
        InformationRequest.objects.create(application=application, requested_by=actor, message=message, respond_by=respond_by)
        tasks.send_application_email.delay_on_commit(str(application.id), "information_requested")
