"""Exact figures from a known history (conftest.py), on each page and in each table's CSV."""

import datetime

import pytest
from django.urls import reverse

from applications.routes import ROUTES as ROUTE_CODES
from management_information.models import FigureMemo
from management_information.refresh import figures_refresh
from management_information.selectors import Filters, memos_prepare, time_in_state
from tests.conftest import signed_in
from tests.management_information.pages import csv_rows, html_table

MARCH = {"date_from": "2026-03-01", "date_to": "2026-03-31"}
WEEKS = ["w/c 2026-02-23", "w/c 2026-03-02", "w/c 2026-03-09", "w/c 2026-03-16", "w/c 2026-03-23", "w/c 2026-03-30"]
VISITOR, STUDENT, SETTLEMENT, ETA = "Standard Visitor", "Student", "Settlement", "Electronic travel authorisation"
ROUTES = [VISITOR, "Skilled Worker", STUDENT, "Family (partner)", SETTLEMENT, ETA]


@pytest.fixture
def leader(history, team_leader):
    figures_refresh()
    return signed_in(team_leader)


def _shown(rows):
    return [[("–" if cell is None else str(cell)) for cell in row] for row in rows]


def _csv(rows):
    return [["" if cell is None else str(cell) for cell in row] for row in rows]


def assert_figures(client, page: str, table: str, header: list[str], rows: list[list], **query):
    """The same figures in the page's table and in its CSV download."""
    url = reverse(f"management_information:{page}")
    response = client.get(url, query)
    assert response.status_code == 200
    assert html_table(response, table) == [header, *_shown(rows)]
    download = client.get(url, {**query, "download": table})
    assert download.status_code == 200
    assert csv_rows(download) == [header, *_csv(rows)]


def test_intake_and_decisions_per_week_leave_out_synthetic_journeys(leader):
    assert_figures(leader, "overview", "intake-and-decisions", ["Week", "Route", "Applications made", "Decisions"], [
        [WEEKS[0], VISITOR, 0, 0], [WEEKS[1], VISITOR, 3, 0], [WEEKS[2], VISITOR, 1, 1],
        [WEEKS[3], VISITOR, 0, 0], [WEEKS[4], VISITOR, 0, 2], [WEEKS[5], VISITOR, 0, 0],
    ], **MARCH, route="visitor")


def test_intake_and_decisions_per_day(leader):
    response = leader.get(reverse("management_information:overview"), {"date_from": "2026-03-02", "date_to": "2026-03-03", "period": "day"})
    rows = html_table(response, "intake-and-decisions")
    assert rows[0] == ["Day", "Route", "Applications made", "Decisions"]
    assert [row for row in rows[1:] if row[2:] != ["0", "0"]] == [["2026-03-02", VISITOR, "3", "0"], ["2026-03-03", STUDENT, "2", "0"]]


def test_backlog_by_state_and_by_working_days_on_the_clock(leader):
    assert_figures(leader, "overview", "backlog-by-state", ["State", "Cases"], [
        ["Submitted", 0], ["Checking identity", 1], ["New photos needed", 0], ["Identity needs review", 1],
        ["Identity accepted, awaiting a second caseworker", 0], ["Automated checks", 0], ["Waiting for a caseworker", 2],
        ["With a caseworker", 1],
        ["Waiting for information from the applicant", 0], ["Refusal proposed, awaiting a second caseworker", 0], ["All open cases", 5],
    ], **MARCH)
    assert_figures(leader, "overview", "backlog-by-age", ["Working days", "Cases"], [
        ["clock not started (identity not yet confirmed)", 2], ["0 to 5", 0], ["6 to 10", 1], ["11 to 15", 1],
        ["16 to 20", 1], ["21 to 40", 0], ["41 to 120", 0], ["over 120", 0],
    ], **MARCH)


def test_cases_due_soon_and_breached(leader):
    assert_figures(leader, "overview", "due-and-breached",
                   ["Route", "On the clock", "Due within 3 working days", "Past the due date", "Clock paused"], [
                       [VISITOR, 2, 1, 1, 0], ["Skilled Worker", 0, 0, 0, 0], [STUDENT, 0, 0, 0, 0],
                       ["Family (partner)", 0, 0, 0, 0], [SETTLEMENT, 1, 0, 0, 0], [ETA, 0, 0, 0, 0],
                   ], **MARCH)


def test_share_within_the_standard_takes_out_the_applicants_pause(leader):
    # A2 took 18 working days, 10 of them waiting for the applicant: within. A3 took 18: outside.
    assert_figures(leader, "service-standard", "within-standard",
                   ["Month", "Route", "Decisions", "Within the standard", "Within the standard (%)"], [
                       ["2026-03", VISITOR, 3, 2, 66.7], ["2026-03", "Skilled Worker", 0, 0, None], ["2026-03", STUDENT, 1, 1, 100.0],
                       ["2026-03", "Family (partner)", 0, 0, None], ["2026-03", SETTLEMENT, 0, 0, None], ["2026-03", ETA, 0, 0, None],
                   ], **MARCH)


def test_time_in_each_state_percentiles(leader):
    # Waiting for a caseworker: 1, 24, 24, 24 and 36 hours. With a caseworker: 23, 24, 192, 240 and 516 hours.
    assert_figures(leader, "service-standard", "time-in-state",
                   ["State", "Stays ended", "p50 (hours)", "p80 (hours)", "p95 (hours)"], [
                       ["Submitted", 6, 0.0, 0.0, 0.0], ["Checking identity", 8, 1.0, 1.0, 1.0], ["New photos needed", 2, 23.0, 119.5, 119.5],
                       ["Identity needs review", 2, 23.5, 23.5, 23.5], ["Identity accepted, awaiting a second caseworker", 1, 24.0, 24.0, 24.0],
                       ["Waiting for a caseworker", 5, 24.0, 24.0, 36.0], ["With a caseworker", 5, 192.0, 240.0, 516.0],
                       ["Waiting for information from the applicant", 1, 336.0, 336.0, 336.0],
                       ["Refusal proposed, awaiting a second caseworker", 1, 24.0, 24.0, 24.0],
                   ], **MARCH)


def test_grant_and_refusal_rates_and_reasons(leader):
    assert_figures(leader, "decisions", "decision-rates",
                   ["Route", "Decisions", "Granted", "Refused", "Grant rate (%)", "Refusal rate (%)", "Withdrawn"], [
                       [VISITOR, 3, 2, 1, 66.7, 33.3, 0], ["Skilled Worker", 0, 0, 0, None, None, 0], [STUDENT, 1, 1, 0, 100.0, 0.0, 1],
                       ["Family (partner)", 0, 0, 0, None, None, 0], [SETTLEMENT, 0, 0, 0, None, None, 0],
                       [ETA, 0, 0, 0, None, None, 0],
                   ], **MARCH)
    assert_figures(leader, "decisions", "refusal-reasons", ["Route", "Reason", "Refusals giving it", "Share of the route's refusals (%)"], [
        [VISITOR, "financial", 1, 100.0], [VISITOR, "documents", 1, 100.0],
    ], **MARCH)


def test_caseworker_throughput_and_cases_in_hand(leader):
    # The journey's grant by the same caseworker does not count; the senior who confirmed a refusal is not its decider.
    assert_figures(leader, "decisions", "caseworkers", ["Caseworker", "Granted", "Refused", "Decisions", "Cases in hand"], [
        ["cy.caseworker@example.com", 3, 1, 4, 1],
    ], **MARCH)


def test_information_requests_and_answer_times(leader):
    assert_figures(leader, "decisions", "information-requests",
                   ["Route", "Requests sent", "Answered", "p50 answer time (days)", "p80 answer time (days)", "p95 answer time (days)"], [
                       [VISITOR, 1, 1, 14.0, 14.0, 14.0], ["Skilled Worker", 0, 0, None, None, None], [STUDENT, 0, 0, None, None, None],
                       ["Family (partner)", 0, 0, None, None, None], [SETTLEMENT, 0, 0, None, None, None],
                       [ETA, 0, 0, None, None, None],
                   ], **MARCH)


def test_identity_outcomes_per_route_and_week(leader):
    response = leader.get(reverse("management_information:identity"), MARCH)
    rows = html_table(response, "identity-outcomes")
    assert rows[0] == ["Week", "Route", "Checks", "Passed (%)", "Referred (%)", "Failed (%)", "Could not be completed (%)"]
    assert [row for row in rows[1:] if row[2] != "0"] == [
        [WEEKS[1], VISITOR, "3", "100.0", "0.0", "0.0", "0.0"],
        [WEEKS[1], STUDENT, "2", "0.0", "100.0", "0.0", "0.0"],
        [WEEKS[2], VISITOR, "2", "0.0", "0.0", "50.0", "50.0"],
        [WEEKS[2], STUDENT, "1", "100.0", "0.0", "0.0", "0.0"],
    ]
    assert len(rows) == 1 + len(WEEKS) * len(ROUTES)


def test_quality_reasons_referrals_accepted_and_duplicates(leader):
    assert_figures(leader, "identity", "quality-reasons", ["Week", "Route", "Problem", "Checks", "Share of the week's checks (%)"], [
        [WEEKS[2], VISITOR, "Selfie: blurred", 1, 50.0], [WEEKS[2], VISITOR, "Selfie: too dark", 1, 50.0],
    ], **MARCH)
    assert_figures(leader, "identity", "referrals-accepted",
                   ["Route", "Referred", "Accepted by a person", "Not accepted", "Not yet looked at", "Accepted (%)"], [
                       [VISITOR, 0, 0, 0, 0, None], ["Skilled Worker", 0, 0, 0, 0, None], [STUDENT, 2, 1, 1, 0, 50.0],
                       ["Family (partner)", 0, 0, 0, 0, None], [SETTLEMENT, 0, 0, 0, 0, None], [ETA, 0, 0, 0, 0, None],
                   ], **MARCH)
    assert_figures(leader, "identity", "duplicate-flags",
                   ["Route", "Flagged", "Confirmed", "Dismissed", "Not yet resolved", "Dismissed (%)"], [
                       [VISITOR, 3, 1, 2, 0, 66.7], ["Skilled Worker", 0, 0, 0, 0, None], [STUDENT, 0, 0, 0, 0, None],
                       ["Family (partner)", 0, 0, 0, 0, None], [SETTLEMENT, 0, 0, 0, 0, None], [ETA, 0, 0, 0, 0, None],
                   ], **MARCH)


def test_identity_check_queue_depth_and_oldest_age(leader):
    assert_figures(leader, "identity", "check-queue", ["Status", "Checks", "Oldest, queued (minutes ago)"], [
        ["Waiting to run", 1, 120], ["Running", 0, None],
    ], **MARCH)


def test_route_filter_narrows_every_figure(leader):
    response = leader.get(reverse("management_information:decisions"), {**MARCH, "route": "student"})
    assert html_table(response, "decision-rates")[1:] == [[STUDENT, "1", "1", "0", "100.0", "0.0", "1"]]
    assert html_table(response, "caseworkers")[1:] == [["cy.caseworker@example.com", "1", "0", "1", "0"]]


def test_each_page_says_how_fresh_its_figures_are(history, team_leader):
    client = signed_in(team_leader)
    assert "have not been worked out yet" in client.get(reverse("management_information:overview")).content.decode()
    refresh = figures_refresh()
    for page in ("overview", "service-standard", "decisions", "identity"):
        page_text = client.get(reverse(f"management_information:{page}")).content.decode()
        assert f"Figures as of <strong>{refresh.finished_at.astimezone().strftime('%-d %B %Y, %H:%M')}</strong>" in page_text, page
    assert "As it is now, when this page was loaded." in client.get(reverse("management_information:identity")).content.decode()


def test_charts_are_drawn_on_the_server_with_their_numbers_in_a_table(leader):
    response = leader.get(reverse("management_information:overview"), MARCH)
    page = response.content.decode()
    assert page.count('<img class="app-chart" src="data:image/svg+xml;base64,') == 2
    assert "The same figures are in the table below." in page
    assert "<script" not in page.split("<main")[1].split("</main>")[0]



def test_time_in_state_is_worked_out_once_a_refresh_and_the_same_from_the_memo(history, django_assert_num_queries):
    refresh = figures_refresh()
    filters = Filters(date_from=datetime.date(2026, 3, 1), date_to=datetime.date(2026, 3, 31))
    live = time_in_state(filters)

    first = time_in_state(filters, refresh)
    with django_assert_num_queries(1):
        kept = time_in_state(filters, refresh)

    assert first.rows == kept.rows == live.rows and live.rows
    newer = figures_refresh()
    memos_prepare(newer)
    # The newer refresh's default ranges are kept (all routes, each route, a year); the older refresh's memos are gone.
    assert set(FigureMemo.objects.values_list("refresh", flat=True)) == {newer.id}
    assert FigureMemo.objects.count() == 2 + len(ROUTE_CODES)
