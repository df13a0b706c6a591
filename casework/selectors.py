import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, F, QuerySet
from django.utils import timezone

from accounts.models import User
from applications.models import Application, State
from applications.service_standard import add_working_days

# The states a case is in while it is with casework, in the order queues show them.
QUEUE_STATES = [
    State.READY_FOR_CASEWORK,
    State.IN_REVIEW,
    State.AWAITING_INFORMATION,
    State.REFUSAL_PROPOSED,
    State.IDENTITY_ADJUDICATION,
    State.IDENTITY_OVERRIDE_PROPOSED,
]
QUEUE_STATE_CHOICES = [(state.value, state.label) for state in QUEUE_STATES]


def sees_whole_backlog(user: User) -> bool:
    """Team leaders, senior caseworkers (who confirm others' decisions) and auditors see every case;
    other caseworkers see the cases waiting and their own."""
    return (
        user.has_perm("applications.manage_casework")
        or user.has_perm("applications.confirm_refusal")
        or not user.has_perm("applications.work_cases")
    )


def case_queue(*, user: User, route: str = "", state: str = "", assigned: str = "") -> QuerySet[Application]:
    """Open cases, due soonest first; a plain caseworker sees the unassigned ones and their own.

    Synthetic journeys' cases are left out: their journeys open them by address.
    """
    cases = Application.objects.real().filter(state__in=QUEUE_STATES)
    if not sees_whole_backlog(user):
        cases = cases.filter(assigned_to__isnull=True) | cases.filter(assigned_to=user)
    if route:
        cases = cases.filter(route=route)
    if state:
        cases = cases.filter(state=state)
    if assigned == "me":
        cases = cases.filter(assigned_to=user)
    elif assigned == "nobody":
        cases = cases.filter(assigned_to__isnull=True)
    return cases.select_related("assigned_to").order_by(F("due_on").asc(nulls_last=True), "submitted_at", "id")


def case_counts(cases: QuerySet[Application]) -> dict[str, int]:
    """How many cases of a queue are in each state (one query)."""
    counts = dict(cases.order_by().values_list("state").annotate(count=Count("id")))
    return {label: counts.get(value, 0) for value, label in QUEUE_STATE_CHOICES}


@dataclass(frozen=True)
class Due:
    on: datetime.date | None
    breached: bool
    soon: bool


def due(application: Application, today: datetime.date | None = None) -> Due:
    today = today or timezone.localdate()
    if application.due_on is None:
        return Due(None, False, False)
    soon_from = add_working_days(today, settings.DUE_SOON_WORKING_DAYS)
    return Due(application.due_on, application.due_on < today, today <= application.due_on <= soon_from)
