import csv
import datetime
import io
from types import SimpleNamespace

import pytest
from django.urls import reverse

from applications.models import Application
from applications.routes import DocumentKind
from audit.models import AccessRecord
from tests.conftest import signed_in
from tests.factories import checked, in_review

MONDAY = datetime.datetime(2026, 11, 9, 10, 0, tzinfo=datetime.timezone.utc)


def _at(monkeypatch, moment):
    # The log takes the time itself, under its lock; only its clock is set here.
    monkeypatch.setattr("audit.access_log.timezone", SimpleNamespace(now=lambda: moment))


def _get(user, name, *args):
    response = signed_in(user).get(reverse(name, args=args))
    assert response.status_code == 200
    if response.streaming:
        b"".join(response.streaming_content)


@pytest.fixture
def reads(monkeypatch, applicant, second_applicant, caseworker, second_caseworker, auditor):
    """Cy (caseworker) has case A; case B waits unassigned; a synthetic journey's case C waits too."""
    case_a = in_review(applicant, caseworker)
    case_b = checked(second_applicant)
    case_c = checked(second_applicant)
    Application.objects.filter(id=case_c.id).update(synthetic_cohort="journey-1")
    photo_b = case_b.documents.get(kind=DocumentKind.SELFIE)

    _at(monkeypatch, MONDAY)
    _get(caseworker, "casework:case", case_a.id)  # assigned: not counted
    _get(caseworker, "casework:case", case_a.id)
    _get(caseworker, "casework:case", case_b.id)
    _get(caseworker, "applications:document", photo_b.id)
    _get(second_caseworker, "casework:case", case_a.id)
    _get(second_caseworker, "casework:case", case_c.id)  # synthetic: not counted
    _at(monkeypatch, MONDAY + datetime.timedelta(days=9))
    _get(caseworker, "casework:case", case_b.id)
    _get(auditor, "casework:case", case_a.id)
    _get(auditor, "casework:case", case_b.id)
    monkeypatch.undo()
    return case_a, case_b


def test_the_report_counts_reads_of_cases_not_assigned_to_the_reader_by_person_and_week(reads, caseworker, second_caseworker, auditor):
    response = signed_in(auditor).get(reverse("audit:access-report"), {"format": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        ["week starting", "person", "role", "case pages", "documents", "face images", "letters", "cases", "total"],
        ["2026-11-16", caseworker.email, "Caseworker", "1", "0", "0", "0", "1", "1"],
        ["2026-11-16", auditor.email, "Auditor", "2", "0", "0", "0", "2", "2"],
        ["2026-11-09", caseworker.email, "Caseworker", "1", "0", "1", "0", "1", "2"],
        ["2026-11-09", second_caseworker.email, "Caseworker", "1", "0", "0", "0", "1", "1"],
    ]
    # The synthetic journey's read is in the log, only not in the figures.
    assert AccessRecord.objects.filter(cohort="journey-1").count() == 1


def test_the_report_page_shows_a_period(reads, caseworker, auditor):
    page = signed_in(auditor).get(reverse("audit:access-report"), {"until_day": 15, "until_month": 11, "until_year": 2026})
    text = page.content.decode()
    assert page.status_code == 200
    assert caseworker.email in text and auditor.email not in text.split("<table")[1]


def test_only_auditors_see_the_report(reads, caseworker, team_leader):
    for user in (caseworker, team_leader):
        assert signed_in(user).get(reverse("audit:access-report")).status_code == 403


def test_the_applicant_sees_which_roles_read_their_application_but_never_who(reads, applicant, caseworker, second_caseworker, auditor):
    for user in (caseworker, second_caseworker, auditor):
        user.first_name, user.last_name = "Staffname", f"Surname{user.id}"
        user.save()
    case_a, _ = reads
    _get(applicant, "applications:document", case_a.documents.get(kind=DocumentKind.SELFIE).id)
    page = signed_in(applicant).get(reverse("applications:overview", args=[case_a.id])).content.decode()
    history = page.split('id="access-history"')[1]
    table = history.split("</table>")[0]
    assert table.count("<tr") == 1 + 4  # header, and the four reads by staff (not the applicant's own)
    assert table.count("Caseworker") == 3 and table.count("Auditor") == 1
    assert "Viewed the case" in table
    for user in (caseworker, second_caseworker, auditor):
        assert user.email not in page and "Staffname" not in page and f"Surname{user.id}" not in page
    assert "Applicant" not in table


def test_an_application_nobody_has_read_says_so(applicant):
    application = checked(applicant)
    page = signed_in(applicant).get(reverse("applications:overview", args=[application.id])).content.decode()
    assert "Nobody else has looked at your application yet" in page
