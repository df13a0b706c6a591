"""The published statistics of the management information, as open data."""

import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema

from api.errors import error_responses
from api.etags import etagged
from management_information.constants import SUPPRESS_BELOW
from management_information.selectors import latest_refresh
from management_information.statistics import published_statistics

router = Router(tags=["Statistics"])


class StatisticsRow(Schema):
    quarter: str = Field(..., examples=["2026-Q3"])
    route: str
    route_name: str
    applications: int | None
    decisions: int | None
    grant_rate: float | None = Field(..., description="Per cent of decisions that were grants.")
    within_standard_rate: float | None = Field(..., description="Per cent of decisions made within the route's service standard.")
    suppressed: list[str] = Field(..., description="Figures left out (null) because they are small enough to point at a person.")


class Statistics(Schema):
    figures_as_of: datetime.datetime | None
    suppression: str
    rows: list[StatisticsRow]


@router.get("/statistics", url_name="statistics", auth=None, response={200: Statistics, 304: None, **error_responses(400)},
            summary="Published statistics")
def statistics(request: HttpRequest):
    """Applications, decisions, grant rate and share decided within the service standard, per route and quarter.
    No sign-in; answers 304 to an If-None-Match with the current ETag."""
    refresh = latest_refresh()
    answer = Statistics(
        figures_as_of=refresh.finished_at if refresh else None,
        suppression=f"Counts from 1 to {SUPPRESS_BELOW - 1}, and rates that would reveal one, are null and named in 'suppressed'.",
        rows=published_statistics(),
    )
    return etagged(request, answer)
