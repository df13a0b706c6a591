"""Who sees management information, the navigation link, and bad filter input."""

import pytest
from django.urls import reverse

from management_information.refresh import figures_refresh
from tests.conftest import signed_in

PAGES = ["overview", "service-standard", "decisions", "identity", "threshold-replay"]


@pytest.mark.parametrize("page", PAGES)
def test_team_leaders_auditors_and_analysts_see_the_pages(page, team_leader, auditor, performance_analyst):
    for user in (team_leader, auditor, performance_analyst):
        assert signed_in(user).get(reverse(f"management_information:{page}")).status_code == 200


@pytest.mark.parametrize("page", PAGES)
def test_applicants_and_caseworkers_do_not(page, applicant, caseworker, client):
    url = reverse(f"management_information:{page}")
    assert signed_in(applicant).get(url).status_code == 403
    assert signed_in(caseworker).get(url).status_code == 403
    assert client.get(url).status_code == 302


def test_the_team_leaders_navigation_links_the_pages(team_leader, caseworker):
    link = f'href="{reverse("management_information:overview")}">Management information<'
    assert link in signed_in(team_leader).get(reverse("casework:queue")).content.decode()
    assert link not in signed_in(caseworker).get(reverse("casework:queue")).content.decode()


@pytest.mark.parametrize("query, message", [
    ({"date_from": "2026-13-01"}, "Enter the start date as a real date, like 2026-09-01"),
    ({"date_from": "2026-05-01", "date_to": "2026-04-01"}, "The end date must be the same as or after the start date"),
    ({"date_from": "2020-01-01", "date_to": "2026-01-01"}, "Choose a date range of at most 2 years"),
    ({"date_from": "1900-01-01", "date_to": "1900-02-01"}, "Choose dates between 2000 and next year"),
    ({"route": "no-such-route"}, "Select a valid choice"),
    ({"period": "year"}, "Select a valid choice"),
])
def test_bad_filters_get_a_clear_error_and_no_figures(team_leader, query, message):
    response = signed_in(team_leader).get(reverse("management_information:overview"), query)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "There is a problem" in page
    assert 'id="intake-and-decisions"' not in page


def test_an_unknown_download_is_not_found(history, team_leader):
    figures_refresh()
    response = signed_in(team_leader).get(reverse("management_information:overview"), {"download": "nothing-like-this"})
    assert response.status_code == 404
