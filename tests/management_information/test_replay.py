"""Threshold replay over the known history's stored distances: exact counts, and no case touched."""

import pytest
from django.urls import reverse

from applications.models import Application, ApplicationEvent
from identity.models import IdentityCheck
from management_information.refresh import figures_refresh
from management_information.replay import threshold_replay
from tests.conftest import signed_in
from tests.management_information.pages import html_table

P, R, F = "passed", "referred", "failed"


@pytest.fixture
def checks(history):
    figures_refresh()
    return history


def _matrix(**cells):
    matrix = {(was, would): 0 for was in (P, R, F) for would in (P, R, F)}
    for key, count in cells.items():
        was, would = key.split("_")
        matrix[{"p": P, "r": R, "f": F}[was], {"p": P, "r": R, "f": F}[would]] = count
    return matrix


def test_looser_thresholds_pass_every_referral_including_one_a_person_refused(checks):
    # Distances: passed 0.30, 0.35, 0.40 and 0.30; referred 0.55 (accepted by a person) and 0.58 (new photos asked for).
    replay = threshold_replay(pass_threshold=0.6, fail_threshold=0.7, weeks=52)
    assert replay.matrix == _matrix(p_p=4, r_p=2)
    assert (replay.replayed, replay.changed, replay.more_referrals) == (6, 2, -2)
    assert (replay.passes_a_person_refused, replay.fails_a_person_accepted, replay.not_replayed) == (1, 0, 1)


def test_stricter_thresholds_refer_more_and_fail_one_a_person_accepted(checks):
    replay = threshold_replay(pass_threshold=0.32, fail_threshold=0.5, weeks=52)
    assert replay.matrix == _matrix(p_p=2, p_r=2, r_f=2)
    assert (replay.changed, replay.more_referrals, replay.passes_a_person_refused, replay.fails_a_person_accepted) == (4, 0, 0, 1)


def test_only_the_chosen_weeks_are_replayed(checks):
    assert threshold_replay(pass_threshold=0.5, fail_threshold=0.6, weeks=1).replayed == 0


def test_distances_survive_the_biometric_purge(history):
    from applications.retention import biometrics_purge

    for application in (history.a1, history.a4, history.a5):
        biometrics_purge(application=application)
    figures_refresh(full=True)
    assert threshold_replay(pass_threshold=0.6, fail_threshold=0.7, weeks=52).matrix == _matrix(p_p=4, r_p=2)


def test_the_page_shows_the_counts_and_changes_no_case(checks, team_leader):
    before = (list(Application.objects.order_by("id").values_list("id", "state", "due_on")), ApplicationEvent.objects.count(),
              list(IdentityCheck.objects.order_by("id").values_list("id", "status", "distance")))
    client = signed_in(team_leader)
    response = client.get(reverse("management_information:threshold-replay"), {"pass_threshold": "0.32", "fail_threshold": "0.5", "weeks": "52"})
    assert html_table(response, "threshold-replay") == [
        ["As decided", "Would be passed", "Would be referred to a caseworker", "Would be failed", "Checks"],
        ["Passed", "2", "2", "0", "4"], ["Referred to a caseworker", "0", "0", "2", "2"], ["Failed", "0", "0", "0", "0"], ["All", "2", "2", "2", "6"],
    ]
    page = response.content.decode()
    assert "Would fail automatically, but a person accepted the identity</dt><dd class=\"govuk-summary-list__value\">1<" in page
    download = client.get(reverse("management_information:threshold-replay"),
                          {"pass_threshold": "0.32", "fail_threshold": "0.5", "weeks": "52", "download": "threshold-replay"})
    assert download.content.decode().splitlines()[1] == "Passed,2,2,0,4"
    after = (list(Application.objects.order_by("id").values_list("id", "state", "due_on")), ApplicationEvent.objects.count(),
             list(IdentityCheck.objects.order_by("id").values_list("id", "status", "distance")))
    assert after == before


@pytest.mark.parametrize("query, message", [
    ({"pass_threshold": "0.7", "fail_threshold": "0.5", "weeks": "4"}, "The fail threshold must be the same as or more than the pass threshold"),
    ({"pass_threshold": "abc", "fail_threshold": "0.5", "weeks": "4"}, "Enter the pass threshold as a number, like 0.45"),
    ({"pass_threshold": "0.4", "fail_threshold": "0.5", "weeks": "0"}, "Enter at least 1 week"),
    ({"pass_threshold": "0.4", "fail_threshold": "9", "weeks": "4"}, "The fail threshold must be 2 or less"),
    ({"pass_threshold": "", "fail_threshold": "0.5", "weeks": "4"}, "Enter a pass threshold"),
])
def test_bad_thresholds_get_a_clear_error(team_leader, query, message):
    response = signed_in(team_leader).get(reverse("management_information:threshold-replay"), query)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'id="threshold-replay"' not in response.content.decode()
