import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Case, Count, DateField, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone

from accounts.models import User
from applications.models import Application, ApplicationEvent, State
from applications.states import FINAL_STATES
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
IDENTITY_REVIEW_STATES = [State.IDENTITY_ADJUDICATION, State.IDENTITY_OVERRIDE_PROPOSED]


def identity_review_due(referred_on: datetime.date) -> datetime.date:
    return add_working_days(referred_on, settings.IDENTITY_REVIEW_WORKING_DAYS)


def with_due_dates(cases: QuerySet[Application]) -> QuerySet[Application]:
    """Annotate `due`: the service-standard date, or for an identity under review, its review date.

    The review date counts working days from the referral, which SQL cannot: the few
    distinct referral days among the cases are read first (one query) and each is
    mapped to its date, so the queue sorts and pages on the same date it shows.
    """
    referred = (
        ApplicationEvent.objects.filter(application=OuterRef("pk"), to_state=State.IDENTITY_ADJUDICATION)
        .exclude(from_state=State.IDENTITY_ADJUDICATION)
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    cases = cases.annotate(referred_on=TruncDate(Subquery(referred)))
    days = (
        cases.filter(state__in=IDENTITY_REVIEW_STATES).exclude(referred_on=None)
        .order_by().values_list("referred_on", flat=True).distinct()
    )
    review_due = [When(state__in=IDENTITY_REVIEW_STATES, referred_on=day, then=Value(identity_review_due(day))) for day in days]
    if not review_due:
        return cases.annotate(due=F("due_on"))
    return cases.annotate(due=Case(*review_due, default=F("due_on"), output_field=DateField()))


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
    return with_due_dates(cases).select_related("assigned_to").order_by(F("due").asc(nulls_last=True), "submitted_at", "id")


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
    """When a case is due: from the queue's annotation, or read for one case."""
    today = today or timezone.localdate()
    on = application.due if hasattr(application, "due") else with_due_dates(Application.objects.filter(id=application.id)).values_list("due", flat=True).first()
    if on is None:
        return Due(None, False, False)
    soon_from = add_working_days(today, settings.DUE_SOON_WORKING_DAYS)
    return Due(on, on < today, today <= on <= soon_from)


@dataclass(frozen=True)
class CaseworkerLoad:
    caseworker: User
    by_state: dict[str, int]
    total: int
    breached: int


def team_overview(*, today: datetime.date | None = None) -> dict:
    """For a team leader: the open backlog, what is waiting for no one, and what each caseworker holds (three queries)."""
    today = today or timezone.localdate()
    cases = with_due_dates(Application.objects.real().filter(state__in=QUEUE_STATES))
    totals = cases.aggregate(
        open=Count("id"),
        unassigned=Count("id", filter=Q(assigned_to__isnull=True)),
        breached=Count("id", filter=Q(due__lt=today)),
    )
    held = cases.exclude(assigned_to=None).order_by().values_list("assigned_to", "state").annotate(
        count=Count("id"), breached=Count("id", filter=Q(due__lt=today))
    )
    loads: dict[int, dict] = {}
    for user_id, state, count, breached in held:
        load = loads.setdefault(user_id, {"by_state": {}, "total": 0, "breached": 0})
        load["by_state"][state] = count
        load["total"] += count
        load["breached"] += breached
    caseworkers = User.objects.filter(groups__permissions__codename="work_cases", is_active=True).distinct().order_by("email")
    return {
        **totals,
        "caseworkers": [
            CaseworkerLoad(user, loads.get(user.id, {}).get("by_state", {}), loads.get(user.id, {}).get("total", 0), loads.get(user.id, {}).get("breached", 0))
            for user in caseworkers
        ],
    }


def recently_decided(*, limit: int = 20) -> QuerySet[Application]:
    """Decided and withdrawn cases, latest first, for the auditor's page."""
    return Application.objects.real().filter(state__in=FINAL_STATES).exclude(decided_at=None).order_by("-decided_at")[:limit]


def case_flags(application: Application, *, due: Due, clock, duplicates) -> list[tuple[str, str]]:
    """What a caseworker must notice about a case at once: (text, GOV.UK tag colour)."""
    flags = []
    if due.breached:
        flags.append(("Past its due date", "red"))
    if any(candidate.resolved_at is None for candidate in duplicates):
        flags.append(("Potential duplicate identity", "red"))
    if application.state in IDENTITY_REVIEW_STATES:
        flags.append(("Identity needs review", "orange"))
    if application.state == State.REFUSAL_PROPOSED:
        flags.append(("Refusal awaiting a second caseworker", "purple"))
    if clock is not None and clock.paused:
        flags.append(("Clock stopped: waiting for the applicant", "grey"))
    if application.synthetic_cohort:
        flags.append(("Synthetic test case", "grey"))
    return flags
