"""Published statistics: applications, decisions, grant rate and share decided within the service standard,
per route and quarter, with small numbers suppressed so that no person can be picked out.

`published_statistics` is the one selector behind the HTML page, the CSV and the JSON.
"""

from collections import defaultdict

from django.db.models import Count, Q
from django.db.models.functions import TruncQuarter

from applications.models import State
from applications.routes import ROUTES
from management_information.constants import SUPPRESS_BELOW
from management_information.models import CaseFigure
from management_information.selectors import as_date, route_name
from management_information.tables import percent

FIELDS = ["quarter", "route", "route_name", "applications", "decisions", "grant_rate", "within_standard_rate", "suppressed"]


def is_small(count: int) -> bool:
    """1 to 4 could point at a person; 0 points at nobody."""
    return 0 < count < SUPPRESS_BELOW


def _rate(part: int, whole: int) -> tuple[float | None, bool]:
    """A rate, unless it would let someone work out a small number (its part, the rest, or the whole)."""
    if whole == 0:
        return None, False
    if is_small(part) or is_small(whole - part) or is_small(whole):
        return None, True
    return percent(part, whole), False


def _quarter(day) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def published_statistics() -> list[dict]:
    """One row per quarter and route, oldest first; a suppressed figure is None and named in "suppressed"."""
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in CaseFigure.objects.annotate(quarter=TruncQuarter("submitted_on")).values("quarter", "route").annotate(count=Count("pk")):
        counts[_quarter(as_date(row["quarter"])), row["route"]]["applications"] = row["count"]
    for row in (
        CaseFigure.objects.filter(outcome__in=[State.GRANTED, State.REFUSED]).annotate(quarter=TruncQuarter("decided_on"))
        .values("quarter", "route").annotate(
            decisions=Count("pk"), granted=Count("pk", filter=Q(outcome=State.GRANTED)),
            on_clock=Count("pk", filter=Q(within_standard__isnull=False)), within=Count("pk", filter=Q(within_standard=True)),
        )
    ):
        entry = counts[_quarter(as_date(row["quarter"])), row["route"]]
        for key in ("decisions", "granted", "on_clock", "within"):
            entry[key] = row[key]
    order = list(ROUTES)
    rows = []
    for (quarter, route), entry in sorted(counts.items(), key=lambda item: (item[0][0], order.index(item[0][1]) if item[0][1] in order else 99)):
        suppressed = []
        row = {"quarter": quarter, "route": route, "route_name": route_name(route)}
        for key in ("applications", "decisions"):
            row[key] = None if is_small(entry[key]) else entry[key]
            if row[key] is None:
                suppressed.append(key)
        for key, part, whole in (("grant_rate", entry["granted"], entry["decisions"]), ("within_standard_rate", entry["within"], entry["on_clock"])):
            row[key], hidden = _rate(part, whole)
            if hidden:
                suppressed.append(key)
        row["suppressed"] = suppressed
        rows.append(row)
    return rows
