"""The pages: the applicant's notice and request for a person, the quality-check queue, the watch list."""

from django.urls import reverse

from automation.models import QualityCheck, WatchListEntry
from automation.services import automated_decision_make
from tests.conftest import signed_in


def _granted(eta, settings, sample: bool = False):
    settings.AUTOMATED_GRANT_SAMPLE_RATE = 1.0 if sample else 0.0
    decision = automated_decision_make(application_id=str(eta.id))
    eta.refresh_from_db()
    return decision


def test_the_applicant_is_told_the_decision_was_automated_and_can_ask_for_a_person(eta, applicant, settings):
    decision = _granted(eta, settings)
    client = signed_in(applicant)
    status_url = reverse("applications:overview", args=[eta.id])

    page = client.get(status_url).content.decode()
    assert "This decision was made automatically" in page
    assert "Decision made automatically: application granted" in page
    assert "Ask for a person to look at this decision" in page

    response = client.post(reverse("automation:request-review", args=[eta.id]))
    client.post(reverse("automation:request-review", args=[eta.id]))

    assert response["Location"] == status_url
    check = QualityCheck.objects.get()
    assert (check.decision, check.reason) == (decision, QualityCheck.Reason.REQUESTED)
    page = client.get(status_url).content.decode()
    assert "You asked for a person to look at this decision" in page


def test_nobody_else_can_ask_for_a_review_of_an_applicants_decision(eta, second_applicant, settings):
    _granted(eta, settings)

    response = signed_in(second_applicant).post(reverse("automation:request-review", args=[eta.id]))

    assert response.status_code == 404
    assert not QualityCheck.objects.exists()


def test_a_sampled_grant_is_checked_by_a_senior_caseworker_and_the_outcome_recorded(eta, senior_caseworker, settings):
    _granted(eta, settings, sample=True)
    check = QualityCheck.objects.get()
    client = signed_in(senior_caseworker)

    queue = client.get(reverse("automation:quality")).content.decode()
    assert eta.reference in queue
    page = client.get(reverse("automation:quality-check", args=[check.id])).content.decode()
    assert "No match on the watch list" in page
    response = client.post(reverse("automation:quality-check", args=[check.id]), {"outcome": "agreed", "notes": "Checked the passport."})

    assert response["Location"] == reverse("automation:quality")
    check.refresh_from_db()
    assert (check.outcome, check.checked_by, check.notes) == ("agreed", senior_caseworker, "Checked the passport.")
    # Recorded once: a second verdict changes nothing.
    client.post(reverse("automation:quality-check", args=[check.id]), {"outcome": "disagreed"})
    check.refresh_from_db()
    assert check.outcome == "agreed"


def test_a_quality_check_needs_an_outcome(eta, senior_caseworker, settings):
    _granted(eta, settings, sample=True)
    check = QualityCheck.objects.get()

    response = signed_in(senior_caseworker).post(reverse("automation:quality-check", args=[check.id]), {"outcome": "maybe"})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    check.refresh_from_db()
    assert check.checked_at is None


def test_caseworkers_cannot_see_the_quality_queue_or_the_watch_list(caseworker):
    client = signed_in(caseworker)

    assert client.get(reverse("automation:quality")).status_code == 403
    assert client.get(reverse("automation:watch-list")).status_code == 403
    assert client.post(reverse("automation:watch-list"), {"full_name": "X Y"}).status_code == 403


def test_a_team_leader_keeps_the_watch_list(team_leader):
    client = signed_in(team_leader)

    response = client.post(reverse("automation:watch-list"), {
        "full_name": "Александр Иванов", "date_of_birth_day": "3", "date_of_birth_month": "4", "date_of_birth_year": "1970",
        "reason": "Deported in 2019.",
    })

    assert response["Location"] == reverse("automation:watch-list")
    entry = WatchListEntry.objects.get()
    assert (entry.normalised_name, entry.added_by, str(entry.date_of_birth)) == ("aleksandr ivanuv", team_leader, "1970-04-03")
    assert "Александр Иванов" in client.get(reverse("automation:watch-list")).content.decode()

    client.post(reverse("automation:watch-list-remove", args=[entry.id]))
    assert not WatchListEntry.objects.exists()


def test_a_watch_list_entry_without_a_date_of_birth_is_turned_away(team_leader):
    response = signed_in(team_leader).post(reverse("automation:watch-list"), {"full_name": "Ali Khan", "reason": "Test"})

    assert response.status_code == 200
    assert "Enter the person&#x27;s date of birth" in response.content.decode()
    assert not WatchListEntry.objects.exists()
