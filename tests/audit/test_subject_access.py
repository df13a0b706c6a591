import datetime
import os
import io
import json
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Application
from applications.routes import DocumentKind
from audit.models import AccessAction, AccessRecord, SubjectAccessExport
from audit.subject_access import subject_access_expire, subject_access_prepare, subject_access_request
from casework.share_codes import share_code_check, share_code_create
from applications.retention import biometrics_purge
from outbox.models import Message
from tests.conftest import signed_in, wait_for
from tests.factories import granted, submitted


@pytest.fixture
def records(applicant, second_applicant, caseworker):
    """The applicant's granted case, read by staff and checked by an employer; someone else's case beside it."""
    mine = granted(applicant, caseworker, route="skilled-worker")
    code = share_code_create(status=mine.immigration_status, holder=applicant)
    share_code_check(code=code.code, date_of_birth=datetime.date(1956, 11, 19), organisation="Acme Ltd", address="198.51.100.7")
    signed_in(caseworker).get(reverse("casework:case", args=[mine.id]))
    theirs = submitted(second_applicant)
    Application.objects.filter(id=theirs.id).update(answers={**theirs.answers, "given_names": "Bartholomew", "family_name": "Otherperson", "email": "bart@elsewhere.example"})
    signed_in(caseworker).get(reverse("casework:case", args=[theirs.id]))
    return mine, Application.objects.get(id=theirs.id)


def _archive(response) -> zipfile.ZipFile:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def _assert_everything_and_nothing_else(archive: zipfile.ZipFile, mine: Application, theirs: Application, caseworker) -> None:
    names = set(archive.namelist())
    folder = f"applications/{mine.reference}"
    documents = {document.kind: document for document in mine.documents.all()}
    expected = {
        "index.html", "account.json", "access-history.json", f"{folder}/application.json", f"{folder}/identity.json",
        f"{folder}/decision-letter.txt", f"{folder}/share-codes.json",
        *(f"{folder}/documents/{document.kind}-{document.id}.{document.extension}" for document in documents.values()),
    }
    assert names == expected
    index = archive.read("index.html").decode()
    assert all(f'href="{name}"' in index for name in expected - {"index.html"})
    selfie = documents[DocumentKind.SELFIE]
    with selfie.file.open("rb") as original:
        assert archive.read(f"{folder}/documents/selfie-{selfie.id}.jpg") == original.read()

    assert json.loads(archive.read("account.json"))["email"] == mine.applicant.email
    application = json.loads(archive.read(f"{folder}/application.json"))
    assert application["answers"]["passport_number"] == "P1234567"
    assert application["immigration_status"]["work"] == mine.route_details.work_conditions[0]
    assert [entry["by"] for entry in application["history"]][:1] == ["You"]
    assert "Caseworker" in {entry["by"] for entry in application["history"]}
    identity = json.loads(archive.read(f"{folder}/identity.json"))
    check = mine.identity_checks.get()
    assert identity["checks"][0]["face_distance"] == pytest.approx(check.distance)
    assert identity["checks"][0]["pass_threshold"] == check.pass_threshold
    assert archive.read(f"{folder}/decision-letter.txt").decode() == mine.letter.body
    codes = json.loads(archive.read(f"{folder}/share-codes.json"))
    assert [(check["organisation"], check["outcome"]) for check in codes[0]["checks"]] == [("Acme Ltd", "Status shown")]
    history = json.loads(archive.read("access-history.json"))
    assert {"who": "Caseworker", "what": "Viewed the case"}.items() <= history[0].items()

    everything = b"".join(archive.read(name) for name in names).decode("latin-1")
    for foreign in [theirs.reference, str(theirs.id), theirs.applicant.email, "Bartholomew", "Otherperson", "bart@elsewhere",
                    caseworker.email, *(str(document.id) for document in theirs.documents.all())]:
        assert foreign not in everything, foreign


def test_the_applicant_downloads_everything_held_about_them_prepared_by_a_worker(records, applicant, caseworker, celery_worker):
    mine, theirs = records
    client = signed_in(applicant)
    assert client.post(reverse("audit:your-data")).status_code == 302
    export = wait_for(lambda: SubjectAccessExport.objects.filter(subject=applicant, status="ready").first(), "the archive")
    page = client.get(reverse("audit:your-data")).content.decode()
    download = reverse("audit:export-download", args=[export.id])
    assert download in page
    _assert_everything_and_nothing_else(_archive(client.get(download)), mine, theirs, caseworker)
    record = AccessRecord.objects.get(action=AccessAction.SUBJECT_ACCESS_DOWNLOADED)
    assert (record.actor_id, record.subject_id, record.actor_role) == (applicant.id, applicant.id, "Applicant")


def _prepared(subject, requested_by) -> SubjectAccessExport:
    export = subject_access_request(subject=subject, requested_by=requested_by)
    subject_access_prepare(export_id=export.id)
    return SubjectAccessExport.objects.get(id=export.id)


def test_staff_prepare_the_same_archive_on_request_and_their_download_is_recorded(records, applicant, caseworker, team_leader):
    mine, theirs = records
    assert signed_in(caseworker).post(reverse("audit:staff-request", args=[mine.id])).status_code == 403
    assert signed_in(team_leader).post(reverse("audit:staff-request", args=[mine.id])).status_code == 302
    export = SubjectAccessExport.objects.get(subject=applicant)
    assert Message.objects.filter(key=f"subject-access:{export.id}").count() == 1
    assert export.requested_by == team_leader
    subject_access_prepare(export_id=export.id)
    page = signed_in(team_leader).get(reverse("audit:staff-exports")).content.decode()
    assert reverse("audit:export-download", args=[export.id]) in page
    _assert_everything_and_nothing_else(_archive(signed_in(team_leader).get(reverse("audit:export-download", args=[export.id]))), mine, theirs, caseworker)
    record = AccessRecord.objects.get(action=AccessAction.SUBJECT_ACCESS_DOWNLOADED)
    assert (record.actor_id, record.actor_role, record.subject_id) == (team_leader.id, "Team leader", applicant.id)


def test_nobody_else_can_download_an_archive(records, applicant, second_applicant, caseworker, team_leader):
    export = _prepared(applicant, applicant)
    # A team leader downloads only the copies they prepared themselves.
    for user in (second_applicant, caseworker, team_leader):
        assert signed_in(user).get(reverse("audit:export-download", args=[export.id])).status_code == 404
    assert not AccessRecord.objects.filter(action=AccessAction.SUBJECT_ACCESS_DOWNLOADED).exists()


def test_deleted_face_images_are_listed_but_not_included(records, applicant):
    mine, _ = records
    biometrics_purge(application=mine)
    export = _prepared(applicant, applicant)
    with export.file.open("rb") as file:
        archive = zipfile.ZipFile(io.BytesIO(file.read()))
    assert not any("selfie" in name or "passport_photo" in name for name in archive.namelist())
    documents = json.loads(archive.read(f"applications/{mine.reference}/application.json"))["documents"]
    assert sum("retention rule" in document.get("deleted", "") for document in documents) == 2


def test_an_archive_is_offered_for_a_limited_time(records, applicant, settings):
    settings.SUBJECT_ACCESS_EXPORT_HOURS = 24
    export = _prepared(applicant, applicant)
    path = export.file.path
    assert subject_access_expire(now=timezone.now() + datetime.timedelta(hours=23)) == 0
    assert subject_access_expire(now=timezone.now() + datetime.timedelta(hours=25)) == 1
    export.refresh_from_db()
    assert export.status == "expired" and not export.file
    assert not os.path.exists(path)
    assert signed_in(applicant).get(reverse("audit:export-download", args=[export.id])).status_code == 404


def test_asking_twice_while_one_is_being_prepared_prepares_one(applicant):
    first = subject_access_request(subject=applicant, requested_by=applicant)
    assert subject_access_request(subject=applicant, requested_by=applicant) == first
    assert SubjectAccessExport.objects.count() == 1
