"""Published statistics: exact figures from the known history, the suppression rule, the same numbers in HTML, CSV and JSON."""

import pytest
from django.urls import reverse

from management_information.refresh import figures_refresh
from management_information.statistics import _rate, is_small, published_statistics
from tests.management_information.pages import csv_rows, html_table

HEADER = ["Quarter", "Route", "Applications", "Decisions", "Grant rate (%)", "Decided within the service standard (%)"]


@pytest.fixture
def published(history):
    return figures_refresh()


@pytest.mark.parametrize("count, small", [(0, False), (1, True), (4, True), (5, False), (12, False)])
def test_counts_from_1_to_4_are_small(count, small):
    assert is_small(count) is small


@pytest.mark.parametrize("part, whole, shown", [
    (7, 13, (53.8, False)),
    (12, 13, (None, True)),   # one refusal could be worked out from the rate
    (1, 13, (None, True)),    # one grant
    (3, 3, (None, True)),     # three decisions in all
    (0, 5, (0.0, False)),
    (0, 0, (None, False)),    # nothing to count: not a suppression
])
def test_a_rate_is_suppressed_when_it_would_reveal_a_small_number(part, whole, shown):
    assert _rate(part, whole) == shown


def test_figures_per_route_and_quarter_with_small_numbers_suppressed(published):
    # Q1 visitor: 14 made (4 in March, 10 in February), 13 decided (7 granted), 7 within the standard.
    # Synthetic journeys are not counted: the journey's March grant would make 15 and 14.
    assert published_statistics() == [
        {"quarter": "2026-Q1", "route": "visitor", "route_name": "Standard Visitor", "applications": 14, "decisions": 13,
         "grant_rate": 53.8, "within_standard_rate": 53.8, "suppressed": []},
        {"quarter": "2026-Q1", "route": "student", "route_name": "Student", "applications": None, "decisions": None,
         "grant_rate": None, "within_standard_rate": None, "suppressed": ["applications", "decisions", "grant_rate", "within_standard_rate"]},
        {"quarter": "2026-Q4", "route": "visitor", "route_name": "Standard Visitor", "applications": None, "decisions": 0,
         "grant_rate": None, "within_standard_rate": None, "suppressed": ["applications"]},
        {"quarter": "2026-Q4", "route": "student", "route_name": "Student", "applications": None, "decisions": 0,
         "grant_rate": None, "within_standard_rate": None, "suppressed": ["applications"]},
        {"quarter": "2026-Q4", "route": "settlement", "route_name": "Settlement", "applications": None, "decisions": 0,
         "grant_rate": None, "within_standard_rate": None, "suppressed": ["applications"]},
    ]


EXPECTED = [
    ["2026-Q1", "Standard Visitor", "14", "13", "53.8", "53.8"],
    ["2026-Q1", "Student", "[c]", "[c]", "[c]", "[c]"],
    ["2026-Q4", "Standard Visitor", "[c]", "0", "–", "–"],
    ["2026-Q4", "Student", "[c]", "0", "–", "–"],
    ["2026-Q4", "Settlement", "[c]", "0", "–", "–"],
]


def test_the_page_needs_no_sign_in_and_shows_the_same_figures(client, published):
    response = client.get(reverse("statistics:page"))
    assert response.status_code == 200
    assert html_table(response, "statistics") == [HEADER, *EXPECTED]
    assert "Figures as of" in response.content.decode()


def test_the_csv_has_the_same_figures(client, published):
    response = client.get(reverse("statistics:csv"))
    assert csv_rows(response) == [HEADER, *[[cell.replace("–", "") for cell in row] for row in EXPECTED]]


def test_the_json_has_the_same_figures_and_says_when_they_were_worked_out(client, published):
    data = client.get(reverse("statistics:json")).json()
    assert data["figures_as_of"] == published.finished_at.isoformat()
    assert data["rows"] == published_statistics()
    assert [row["applications"] for row in data["rows"]] == [14, None, None, None, None]


def test_before_any_refresh_nothing_is_published(client, db):
    assert "No figures have been published yet" in client.get(reverse("statistics:page")).content.decode()
    assert client.get(reverse("statistics:json")).json() == {
        "figures_as_of": None, "rows": [],
        "suppression": "Counts from 1 to 4, and rates that would reveal one, are null and named in 'suppressed'.",
    }
