import base64

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from identity.models import IdentityCheck
from management_information import selectors
from management_information.charts import chart_svg
from management_information.constants import SUPPRESS_BELOW, SUPPRESSED
from management_information.forms import FiltersForm, ReplayForm
from management_information.replay import OUTCOMES, threshold_replay
from management_information.statistics import published_statistics
from management_information.tables import Table, csv_text

PERMISSION = "management_information.view_management_information"


def _require(request: HttpRequest) -> None:
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied


def _csv_response(table: Table, name: str) -> HttpResponse:
    response = HttpResponse(csv_text(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def _body(table: Table) -> str:
    """The table's rows as HTML. Built here rather than cell by cell in the template, which took
    most of the time of a page with a year of weekly rows."""
    def cell(value) -> str:
        if value is None:
            return mark_safe('<td class="govuk-table__cell govuk-table__cell--numeric">–</td>')
        numeric = " govuk-table__cell--numeric" if not isinstance(value, str) else ""
        return format_html('<td class="govuk-table__cell{}">{}</td>', numeric, value)

    return format_html_join(
        "\n", '<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">{}</th>{}</tr>',
        ((row[0], mark_safe("".join(cell(value) for value in row[1:]))) for row in table.rows),
    )


def _shown(tables: list[Table], query: str) -> list[dict]:
    return [
        {
            "table": table,
            "body": _body(table),
            # A column of numbers is aligned right, its header too.
            "header": [(name, index > 0 and bool(table.rows) and not isinstance(table.rows[0][index], str))
                       for index, name in enumerate(table.columns)],
            "chart": "data:image/svg+xml;base64," + base64.b64encode(chart_svg(table.chart).encode()).decode() if table.chart else None,
            "csv_url": f"?{query}&download={table.slug}" if query else f"?download={table.slug}",
        }
        for table in tables
    ]


def _navigation(current: str) -> list[dict]:
    pages = [(page, title) for page, (title, _) in selectors.PAGES.items()] + [("threshold-replay", "Threshold replay")]
    return [{"url": reverse(f"management_information:{page}"), "title": title, "current": page == current} for page, title in pages]


def _with_default_dates(query):
    """The query with the default date range filled in where it gives none, so the form shows the dates used."""
    query = query.copy()
    defaults = selectors.default_filters()
    for name in ("date_from", "date_to"):
        if not query.get(name):
            query[name] = getattr(defaults, name).isoformat()
    return query


@login_required
def figures_page(request: HttpRequest, page: str) -> HttpResponse:
    _require(request)
    form = FiltersForm(_with_default_dates(request.GET))
    refresh = selectors.latest_refresh()
    tables = selectors.page_tables(page, form.filters(), refresh) if form.is_valid() else []
    if slug := request.GET.get("download"):
        table = next((table for table in tables if table.slug == slug), None)
        if table is None:
            raise Http404("No such figure")
        filters = form.filters()
        return _csv_response(table, f"{slug}-{filters.date_from}-to-{filters.date_to}")
    query = request.GET.copy()
    query.pop("download", None)
    return render(request, "management_information/figures.html", {
        "title": selectors.PAGES[page][0], "page": page, "form": form, "refresh": refresh, "navigation": _navigation(page),
        "tables": _shown(tables, query.urlencode()), "refresh_minutes": settings.MI_REFRESH_MINUTES,
    })


@login_required
def replay_page(request: HttpRequest) -> HttpResponse:
    _require(request)
    initial = {"pass_threshold": settings.FACE_MATCH_PASS_THRESHOLD, "fail_threshold": settings.FACE_MATCH_FAIL_THRESHOLD, "weeks": 12}
    form = ReplayForm(request.GET if "weeks" in request.GET else None, initial=initial)
    replay = table = None
    if form.is_bound and form.is_valid():
        replay = threshold_replay(**form.cleaned_data)
        table = _replay_table(replay)
        if request.GET.get("download") == table.slug:
            return _csv_response(table, "threshold-replay")
    query = request.GET.copy()
    query.pop("download", None)
    return render(request, "management_information/replay.html", {
        "form": form, "replay": replay, "navigation": _navigation("threshold-replay"),
        "refresh": selectors.latest_refresh(), "refresh_minutes": settings.MI_REFRESH_MINUTES,
        "tables": _shown([table], query.urlencode()) if table else [],
        "current": {"pass": settings.FACE_MATCH_PASS_THRESHOLD, "fail": settings.FACE_MATCH_FAIL_THRESHOLD},
    })


def _replay_table(replay) -> Table:
    label = {status: IdentityCheck.Status(status).label for status in OUTCOMES}
    rows = [[label[was], *(replay.matrix[was, would] for would in OUTCOMES), replay.total(was, proposed=False)] for was in OUTCOMES]
    rows.append(["All", *(replay.total(would, proposed=True) for would in OUTCOMES), replay.replayed])
    return Table(
        "threshold-replay", "Checks as decided (rows) and as the proposed thresholds would decide them (columns)",
        ["As decided", *(f"Would be {label[status].lower()}" for status in OUTCOMES), "Checks"], rows,
    )


# Published statistics: no sign-in.

def _statistics_table(rows: list[dict]) -> Table:
    def shown(row, key):
        return SUPPRESSED if key in row["suppressed"] else row[key]

    return Table(
        "statistics", "Applications and decisions per route and quarter",
        ["Quarter", "Route", "Applications", "Decisions", "Grant rate (%)", "Decided within the service standard (%)"],
        [[row["quarter"], row["route_name"], *(shown(row, key) for key in ("applications", "decisions", "grant_rate", "within_standard_rate"))]
         for row in rows],
    )


def statistics_page(request: HttpRequest) -> HttpResponse:
    return render(request, "management_information/statistics.html", {
        "table": _statistics_table(published_statistics()), "refresh": selectors.latest_refresh(),
        "suppressed": SUPPRESSED, "threshold": SUPPRESS_BELOW, "refresh_minutes": settings.MI_REFRESH_MINUTES,
    })


def statistics_csv(request: HttpRequest) -> HttpResponse:
    return _csv_response(_statistics_table(published_statistics()), "immigration-applications-statistics")


def statistics_json(request: HttpRequest) -> JsonResponse:
    refresh = selectors.latest_refresh()
    return JsonResponse({
        "figures_as_of": refresh.finished_at.isoformat() if refresh else None,
        "suppression": f"Counts from 1 to {SUPPRESS_BELOW - 1}, and rates that would reveal one, are null and named in 'suppressed'.",
        "rows": published_statistics(),
    })
