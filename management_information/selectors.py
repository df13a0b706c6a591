"""The figures of the management information pages, each as a Table.

Casework figures read CaseFigure and StateSpell (rebuilt from the log by refresh.py);
identity figures read the identity checks directly, which are one row per attempt.
Every function runs a fixed number of queries, whatever the number of cases.
"""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Count, Min, Q, QuerySet
from django.db.models.functions import Trunc, TruncMonth
from django.utils import timezone

from applications.models import State
from automation.models import AutomatedDecision, QualityCheck
from applications.routes import ROUTES
from casework.constants import RefusalReason
from identity.models import DuplicateCandidate, IdentityCheck
from management_information.clock import add_working_days
from management_information.constants import AGE_BANDS, CLOCK_NOT_STARTED, PERCENTILES
from management_information.models import CaseFigure, CheckFigure, CheckProblem, FigureMemo, FiguresRefresh, RequestFigure, StateSpell
from management_information.percentiles import grouped_percentiles
from management_information.refresh import FINISHED_CHECKS
from management_information.tables import Chart, Table, percent

DECIDED = [State.GRANTED, State.REFUSED]
STATE_LABELS = dict(State.choices)


@dataclass(frozen=True)
class Filters:
    date_from: datetime.date
    date_to: datetime.date
    route: str = ""
    period: str = "week"

    @property
    def routes(self) -> list[str]:
        return [self.route] if self.route else list(ROUTES)


def default_filters(today: datetime.date | None = None) -> Filters:
    """The last twelve whole weeks and this one: a quarter's worth, Monday to today."""
    today = today or timezone.localdate()
    return Filters(date_from=today - datetime.timedelta(days=today.weekday() + 7 * 12), date_to=today)


def latest_refresh() -> FiguresRefresh | None:
    return FiguresRefresh.objects.order_by("-finished_at").first()


def route_name(code: str) -> str:
    return ROUTES[code].name if code in ROUTES else code


def _figures(filters: Filters) -> QuerySet[CaseFigure]:
    figures = CaseFigure.objects.all()
    return figures.filter(route=filters.route) if filters.route else figures


def _periods(filters: Filters, kind: str) -> list[datetime.date]:
    """Every period starting in or containing the range, so quiet periods show as zero."""
    if kind == "day":
        start, step = filters.date_from, 1
    else:
        start, step = filters.date_from - datetime.timedelta(days=filters.date_from.weekday()), 7
    periods = []
    while start <= filters.date_to:
        periods.append(start)
        start += datetime.timedelta(days=step)
    return periods


def _months(filters: Filters) -> list[datetime.date]:
    month, months = filters.date_from.replace(day=1), []
    while month <= filters.date_to:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def _period_label(day: datetime.date, kind: str) -> str:
    return day.isoformat() if kind == "day" else f"w/c {day.isoformat()}"


def as_date(value) -> datetime.date:
    """A truncated date or datetime (PostgreSQL returns the latter in the current time zone) as a date."""
    return timezone.localdate(value) if isinstance(value, datetime.datetime) else value


# Casework.

def intake_and_decisions(filters: Filters) -> Table:
    kind = filters.period
    figures = _figures(filters)
    intake = Counter({
        (as_date(row["period"]), row["route"]): row["count"]
        for row in figures.filter(submitted_on__range=(filters.date_from, filters.date_to))
        .annotate(period=Trunc("submitted_on", kind)).values("period", "route").annotate(count=Count("pk"))
    })
    decisions = Counter({
        (as_date(row["period"]), row["route"]): row["count"]
        for row in figures.filter(decided_on__range=(filters.date_from, filters.date_to), outcome__in=DECIDED)
        .annotate(period=Trunc("decided_on", kind)).values("period", "route").annotate(count=Count("pk"))
    })
    periods = _periods(filters, kind)
    rows = [
        [_period_label(period, kind), route_name(route), intake[period, route], decisions[period, route]]
        for period in periods for route in filters.routes
    ]
    labels = [_period_label(period, kind) for period in periods]
    chart = Chart(
        "line", labels,
        {
            "Applications made": [sum(intake[period, route] for route in filters.routes) for period in periods],
            "Decisions (grants and refusals)": [sum(decisions[period, route] for route in filters.routes) for period in periods],
        },
        "Applications", "Applications made and decided per " + kind,
    )
    return Table(
        "intake-and-decisions", f"Applications made and decided, per {kind} and route",
        [kind.capitalize(), "Route", "Applications made", "Decisions"], rows,
        notes="Made: submitted by the applicant. Decisions: grants and refusals (withdrawals are not decisions).",
        chart=chart,
    )


def backlog_by_state(filters: Filters) -> Table:
    counts = dict(_figures(filters).filter(outcome="").values_list("state").annotate(count=Count("pk")))
    order = [state for state in State if state not in (State.DRAFT, *DECIDED, State.WITHDRAWN)]
    rows = [[STATE_LABELS[state], counts.get(state, 0)] for state in order]
    rows.append(["All open cases", sum(counts.values())])
    return Table("backlog-by-state", "Open cases by state", ["State", "Cases"], rows)


def backlog_by_age(filters: Filters) -> Table:
    counts = dict(_figures(filters).filter(outcome="").values_list("working_days").annotate(count=Count("pk")))
    rows = [[CLOCK_NOT_STARTED, counts.pop(None, 0)]]
    for label, first, last in AGE_BANDS:
        rows.append([label, sum(n for days, n in counts.items() if days >= first and (last is None or days <= last))])
    return Table(
        "backlog-by-age", "Open cases by age (working days on the service-standard clock)", ["Working days", "Cases"], rows,
        notes="Age counts working days since identity was confirmed, without the days the case waited for the applicant.",
        chart=Chart("bar", [row[0] for row in rows[1:]], {"Open cases": [row[1] for row in rows[1:]]}, "Cases",
                    "Open cases by working days on the clock"),
    )


def due_and_breached(filters: Filters, refresh: FiguresRefresh | None) -> Table:
    today = timezone.localdate(refresh.finished_at) if refresh else timezone.localdate()
    soon = add_working_days(today, settings.DUE_SOON_WORKING_DAYS)
    counts = {
        row["route"]: row
        for row in _figures(filters).filter(outcome="").values("route").annotate(
            running=Count("pk", filter=Q(due_on__isnull=False)),
            soon=Count("pk", filter=Q(due_on__range=(today, soon))),
            breached=Count("pk", filter=Q(due_on__lt=today)),
            paused=Count("pk", filter=Q(state=State.AWAITING_INFORMATION)),
        )
    }
    rows = []
    for route in filters.routes:
        row = counts.get(route, {})
        rows.append([route_name(route), row.get("running", 0), row.get("soon", 0), row.get("breached", 0), row.get("paused", 0)])
    return Table(
        "due-and-breached", "Cases due soon and past their service standard",
        ["Route", "On the clock", f"Due within {settings.DUE_SOON_WORKING_DAYS} working days", "Past the due date", "Clock paused"], rows,
    )


def within_standard(filters: Filters) -> Table:
    counts = {
        (as_date(row["month"]), row["route"]): (row["decided"], row["within"])
        for row in _figures(filters).filter(decided_on__range=(filters.date_from, filters.date_to), within_standard__isnull=False)
        .annotate(month=TruncMonth("decided_on")).values("month", "route")
        .annotate(decided=Count("pk"), within=Count("pk", filter=Q(within_standard=True)))
    }
    months = _months(filters)
    rows = []
    for month in months:
        for route in filters.routes:
            decided, within = counts.get((month, route), (0, 0))
            rows.append([month.strftime("%Y-%m"), route_name(route), decided, within, percent(within, decided)])
    chart = Chart(
        "bar", [month.strftime("%b %Y") for month in months],
        {route_name(route): [percent(*reversed(counts.get((month, route), (0, 0)))) for month in months] for route in filters.routes},
        "% within standard", "Share of decisions made within the service standard, per route and month",
    )
    return Table(
        "within-standard", "Decided within the service standard, per route and month",
        ["Month", "Route", "Decisions", "Within the standard", "Within the standard (%)"], rows,
        notes="On the same working-day clock as the case page: it starts when identity is confirmed and "
              "stops while the case waits for the applicant. Each route's standard is in its rules.",
        chart=chart,
    )


def time_in_state(filters: Filters, refresh: FiguresRefresh | None = None) -> Table:
    def work_out() -> list[list]:
        spells = StateSpell.objects.filter(left_on__range=(filters.date_from, filters.date_to))
        if filters.route:
            spells = spells.filter(route=filters.route)
        found = grouped_percentiles(spells, group="state", value="hours", percents=PERCENTILES)
        return [[state, found[state]["count"], *(found[state][p] for p in PERCENTILES)] for state in State if state in found]

    rows = [
        [STATE_LABELS.get(state, state), count, *(round(value, 1) for value in values)]
        for state, count, *values in memo(refresh, f"time-in-state {filters.date_from} {filters.date_to} {filters.route}", work_out)
    ]
    return Table(
        "time-in-state", "Time spent in each state (hours)",
        ["State", "Stays ended", *(f"p{p} (hours)" for p in PERCENTILES)], rows,
        notes="Stays that ended in the date range; p80 means 80 in 100 stays were this long or shorter.",
    )


def decision_rates(filters: Filters) -> Table:
    counts = {
        row["route"]: row
        for row in _figures(filters).filter(decided_on__range=(filters.date_from, filters.date_to)).values("route").annotate(
            granted=Count("pk", filter=Q(outcome=State.GRANTED)),
            refused=Count("pk", filter=Q(outcome=State.REFUSED)),
            withdrawn=Count("pk", filter=Q(outcome=State.WITHDRAWN)),
        )
    }
    rows = []
    for route in filters.routes:
        row = counts.get(route, {})
        granted, refused = row.get("granted", 0), row.get("refused", 0)
        rows.append([route_name(route), granted + refused, granted, refused, percent(granted, granted + refused),
                     percent(refused, granted + refused), row.get("withdrawn", 0)])
    return Table(
        "decision-rates", "Grants and refusals per route",
        ["Route", "Decisions", "Granted", "Refused", "Grant rate (%)", "Refusal rate (%)", "Withdrawn"], rows,
    )


def refusal_reasons(filters: Filters) -> Table:
    refused = _figures(filters).filter(decided_on__range=(filters.date_from, filters.date_to), outcome=State.REFUSED)
    refusals = dict(refused.values_list("route").annotate(count=Count("pk")))
    reasons = _reason_counts(refused)
    rows = [
        [route_name(route), code, reasons[route, code], percent(reasons[route, code], refusals.get(route, 0))]
        for route in filters.routes for code in RefusalReason.LABELS if reasons[route, code]
    ]
    return Table(
        "refusal-reasons", "Refusal reasons per route", ["Route", "Reason", "Refusals giving it", "Share of the route's refusals (%)"], rows,
        notes="A refusal can give several reasons, so shares can add up to more than 100.",
    )


def _reason_counts(refused: QuerySet[CaseFigure]) -> Counter:
    """Refusals giving each reason, per route, counted in the database: reading every refusal's list of
    reasons into Python took most of a year's page. Each JSON array's elements are a set of rows there."""
    elements = "jsonb_array_elements_text(f.refusal_reasons) AS reason(value)" if connection.vendor == "postgresql" else "json_each(f.refusal_reasons) AS reason"
    inner, params = refused.values("application", "route", "refusal_reasons").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT f.route, reason.value, COUNT(DISTINCT f.application) FROM ({inner}) AS f, {elements} GROUP BY f.route, reason.value",
            params,
        )
        return Counter({(route, code): count for route, code, count in cursor.fetchall()})


def caseworkers(filters: Filters) -> Table:
    figures = _figures(filters)
    decided = {
        row["decided_by__email"]: row
        for row in figures.filter(decided_on__range=(filters.date_from, filters.date_to), decided_by__isnull=False)
        .values("decided_by__email").annotate(granted=Count("pk", filter=Q(outcome=State.GRANTED)), refused=Count("pk", filter=Q(outcome=State.REFUSED)))
    }
    in_hand = dict(figures.filter(outcome="", assigned_to__isnull=False).values_list("assigned_to__email").annotate(count=Count("pk")))
    rows = []
    for email in sorted(set(decided) | set(in_hand)):
        row = decided.get(email, {})
        granted, refused = row.get("granted", 0), row.get("refused", 0)
        rows.append([email, granted, refused, granted + refused, in_hand.get(email, 0)])
    return Table(
        "caseworkers", "Caseworkers: decisions made and cases in hand",
        ["Caseworker", "Granted", "Refused", "Decisions", "Cases in hand"], rows,
        notes="A refusal counts for the caseworker who proposed it; the second caseworker who confirmed it is not counted.",
    )


def information_requests(filters: Filters) -> Table:
    requests = RequestFigure.objects.filter(sent_on__range=(filters.date_from, filters.date_to))
    if filters.route:
        requests = requests.filter(route=filters.route)
    counts = {row["route"]: row for row in requests.values("route").annotate(sent=Count("pk"), answered_count=Count("pk", filter=Q(answered=True)))}
    times = grouped_percentiles(requests.filter(answered=True), group="route", value="hours_to_answer", percents=PERCENTILES)
    rows = []
    for route in filters.routes:
        row, waited = counts.get(route, {}), times.get(route, {})
        rows.append([
            route_name(route), row.get("sent", 0), row.get("answered_count", 0),
            *(round(waited[p] / 24, 1) if p in waited else None for p in PERCENTILES),
        ])
    return Table(
        "information-requests", "Requests for information and how long applicants took to answer",
        ["Route", "Requests sent", "Answered", *(f"p{p} answer time (days)" for p in PERCENTILES)], rows,
    )


# Identity.

def _checks(filters: Filters) -> QuerySet[CheckFigure]:
    checks = CheckFigure.objects.filter(finished_on__range=(filters.date_from, filters.date_to))
    return checks.filter(route=filters.route) if filters.route else checks


def identity_outcomes(filters: Filters) -> Table:
    counts = Counter()
    for week, route, status, count in _checks(filters).values_list("week", "route", "status").annotate(count=Count("pk")):
        counts[week, route, status] += count
    weeks = _periods(filters, "week")
    rows = []
    for week in weeks:
        for route in filters.routes:
            total = sum(counts[week, route, status] for status in FINISHED_CHECKS)
            rows.append([_period_label(week, "week"), route_name(route), total,
                         *(percent(counts[week, route, status], total) for status in FINISHED_CHECKS)])
    series = {}
    for status in FINISHED_CHECKS:
        series[IdentityCheck.Status(status).label] = [
            percent(sum(counts[week, route, status] for route in filters.routes),
                    sum(counts[week, route, s] for route in filters.routes for s in FINISHED_CHECKS))
            for week in weeks
        ]
    return Table(
        "identity-outcomes", "Identity check outcomes per route and week",
        ["Week", "Route", "Checks", "Passed (%)", "Referred (%)", "Failed (%)", "Could not be completed (%)"], rows,
        notes="Each attempt (a pair of photos) counts once, in the week its check finished.",
        chart=Chart("line", [_period_label(week, "week") for week in weeks], series, "% of checks", "Identity check outcomes per week"),
    )


def _reason_label(code: str) -> str:
    image, _, problem = code.partition(".")
    return f"{'Passport photo' if image == 'passport' else 'Selfie'}: {problem.replace('_', ' ')}"


def quality_reasons(filters: Filters) -> Table:
    """How often each photo-quality problem was found; the rate is per check finished in that route and week."""
    totals = {(week, route): count for week, route, count in _checks(filters).values_list("week", "route").annotate(count=Count("pk"))}
    problems = CheckProblem.objects.filter(finished_on__range=(filters.date_from, filters.date_to))
    if filters.route:
        problems = problems.filter(route=filters.route)
    order = {route: index for index, route in enumerate(ROUTES)}
    found = sorted(problems.values_list("week", "route", "code").annotate(count=Count("pk")), key=lambda row: (row[0], order.get(row[1], 99), row[2]))
    rows = [
        [_period_label(week, "week"), route_name(route), _reason_label(code), count, percent(count, totals.get((week, route), 0))]
        for week, route, code, count in found
    ]
    return Table("quality-reasons", "Photo quality problems per route and week",
                 ["Week", "Route", "Problem", "Checks", "Share of the week's checks (%)"], rows)


def referrals_accepted(filters: Filters) -> Table:
    counts = {
        row["route"]: row
        for row in _checks(filters).filter(status=IdentityCheck.Status.REFERRED).values("route").annotate(
            referred=Count("pk"), accepted=Count("pk", filter=Q(person_accepted=True)), refused=Count("pk", filter=Q(person_refused=True)),
        )
    }
    rows = []
    for route in filters.routes:
        row = counts.get(route, {})
        referred, accepted, refused = row.get("referred", 0), row.get("accepted", 0), row.get("refused", 0)
        rows.append([route_name(route), referred, accepted, refused, referred - accepted - refused, percent(accepted, referred)])
    return Table(
        "referrals-accepted", "Referred checks: how many a person accepted",
        ["Route", "Referred", "Accepted by a person", "Not accepted", "Not yet looked at", "Accepted (%)"], rows,
        notes="Accepted: a second caseworker confirmed the identity. Not accepted: new photos were asked for, or a refusal proposed.",
    )


def duplicate_flags(filters: Filters) -> Table:
    flags = DuplicateCandidate.objects.filter(
        application__synthetic_cohort="", identity_check__finished_at__date__range=(filters.date_from, filters.date_to)
    )
    if filters.route:
        flags = flags.filter(application__route=filters.route)
    counts = {
        row["application__route"]: row
        for row in flags.values("application__route").annotate(
            flagged=Count("pk"),
            confirmed=Count("pk", filter=Q(resolution=DuplicateCandidate.Resolution.CONFIRMED)),
            dismissed=Count("pk", filter=Q(resolution=DuplicateCandidate.Resolution.DISMISSED)),
        )
    }
    rows = []
    for route in filters.routes:
        row = counts.get(route, {})
        confirmed, dismissed = row.get("confirmed", 0), row.get("dismissed", 0)
        rows.append([route_name(route), row.get("flagged", 0), confirmed, dismissed, row.get("flagged", 0) - confirmed - dismissed,
                     percent(dismissed, confirmed + dismissed)])
    return Table(
        "duplicate-flags", "Potential duplicate identities: confirmed against dismissed",
        ["Route", "Flagged", "Confirmed", "Dismissed", "Not yet resolved", "Dismissed (%)"], rows,
        notes="Dismissed (%) is the 1:N search's false-positive rate as caseworkers found it.",
    )


def check_queue(filters: Filters, now: datetime.datetime | None = None) -> Table:
    now = now or timezone.now()
    waiting = IdentityCheck.objects.filter(application__synthetic_cohort="", status__in=[IdentityCheck.Status.PENDING, IdentityCheck.Status.RUNNING])
    if filters.route:
        waiting = waiting.filter(application__route=filters.route)
    counts = {row["status"]: row for row in waiting.values("status").annotate(count=Count("pk"), oldest=Min("queued_at"))}
    rows = []
    for status in (IdentityCheck.Status.PENDING, IdentityCheck.Status.RUNNING):
        row = counts.get(status, {})
        oldest = row.get("oldest")
        rows.append([IdentityCheck.Status(status).label, row.get("count", 0),
                     int((now - oldest).total_seconds() // 60) if oldest else None])
    return Table("check-queue", "Identity checks on the queue now", ["Status", "Checks", "Oldest, queued (minutes ago)"], rows, live=True)


def automated_decisions(filters: Filters) -> Table:
    """Decisions by the rules and what people found when they looked again: read from the decisions themselves."""
    decisions = AutomatedDecision.objects.filter(
        application__synthetic_cohort="", decided_at__date__range=(filters.date_from, filters.date_to)
    )
    if filters.route:
        decisions = decisions.filter(application__route=filters.route)
    counts = {
        row["application__route"]: row
        for row in decisions.values("application__route").annotate(
            granted=Count("pk", filter=Q(outcome=AutomatedDecision.Outcome.GRANTED)),
            referred=Count("pk", filter=Q(outcome=AutomatedDecision.Outcome.REFERRED)),
        )
    }
    checks = Counter(
        (route, reason, outcome or "waiting")
        for route, reason, outcome in QualityCheck.objects.filter(decision__in=decisions).values_list("decision__application__route", "reason", "outcome")
    )
    rows = []
    for route in filters.routes:
        row = counts.get(route)
        if row is None:
            continue
        sampled = [checks[route, QualityCheck.Reason.SAMPLED, outcome] for outcome in ("agreed", "disagreed", "waiting")]
        requested = [checks[route, QualityCheck.Reason.REQUESTED, outcome] for outcome in ("agreed", "disagreed", "waiting")]
        rows.append([
            route_name(route), row["granted"] + row["referred"], row["granted"], row["referred"], sum(sampled), *sampled,
            percent(sampled[1], sampled[0] + sampled[1]), sum(requested), requested[1],
        ])
    return Table(
        "automated-decisions", "Automated decisions and the quality checks of automatic grants",
        ["Route", "Decided by the rules", "Granted automatically", "Referred to a caseworker", "Sampled for a quality check",
         "Sample: grant was right", "Sample: a caseworker should have decided", "Sample: not checked yet",
         "Sample: wrong grants (% of checked)", "Applicant asked for a person", "Asked: a caseworker should have decided"],
        rows, live=True,
        notes="Counted by the date of the automated decision. The system never refuses: what it does not grant, it refers.",
    )


PAGES = {
    "overview": ("Applications and backlog", [intake_and_decisions, backlog_by_state, backlog_by_age, due_and_breached]),
    "service-standard": ("Service standard and time in state", [within_standard, time_in_state]),
    "decisions": ("Decisions, caseworkers and information requests", [decision_rates, refusal_reasons, automated_decisions, caseworkers, information_requests]),
    "identity": ("Identity checks", [identity_outcomes, quality_reasons, referrals_accepted, duplicate_flags, check_queue]),
}


# Figures that read the refresh itself (its time, or its memos).
_WITH_REFRESH = {due_and_breached, time_in_state}


def page_tables(page: str, filters: Filters, refresh: FiguresRefresh | None) -> list[Table]:
    return [figure(filters, refresh) if figure in _WITH_REFRESH else figure(filters) for figure in PAGES[page][1]]


def memo(refresh: FiguresRefresh | None, key: str, work_out):
    """`work_out()`, kept for this refresh (FigureMemo): the figures it reads change only at a refresh."""
    if refresh is None:
        return work_out()
    kept = FigureMemo.objects.filter(refresh=refresh, key=key).values_list("value", flat=True).first()
    if kept is not None:
        return kept
    value = work_out()
    # Two requests may work it out at once; the first to write keeps it.
    FigureMemo.objects.get_or_create(refresh=refresh, key=key, defaults={"value": value})
    return value


def memos_prepare(refresh: FiguresRefresh, today: datetime.date | None = None) -> None:
    """Work out the costly figures of the pages' default ranges for a new refresh, and drop older refreshes' memos."""
    default = default_filters(today)
    year = Filters(date_from=default.date_to - datetime.timedelta(days=364), date_to=default.date_to)
    for filters in [default, year, *(Filters(default.date_from, default.date_to, route) for route in ROUTES)]:
        time_in_state(filters, refresh)
    FigureMemo.objects.exclude(refresh=refresh).delete()
