import datetime
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django.urls import reverse

from applications.routes import DocumentKind
from audit.access_log import access_log_append, access_log_prune, access_log_verify, record_hash
from audit.models import AccessAction, AccessLogHead, AccessRecord
from tests.conftest import signed_in
from tests.factories import granted

SEARCH = {"reference": "", "name": "collins", "reason": "correspondence"}


@pytest.fixture
def decided(applicant, caseworker):
    return granted(applicant, caseworker, route="skilled-worker")


def _consume(response) -> None:
    if response.streaming:
        b"".join(response.streaming_content)


def _read_paths(application):
    documents = {document.kind: document for document in application.documents.all()}
    return [
        ("casework:case", [application.id], {}, AccessAction.CASE_VIEWED, ""),
        ("applications:document", [documents["english_language"].id], {}, AccessAction.DOCUMENT_VIEWED, str(documents["english_language"].id)),
        ("applications:document", [documents[DocumentKind.PASSPORT_PHOTO].id], {}, AccessAction.FACE_IMAGE_VIEWED, str(documents[DocumentKind.PASSPORT_PHOTO].id)),
        ("applications:document", [documents[DocumentKind.SELFIE].id], {}, AccessAction.FACE_IMAGE_VIEWED, str(documents[DocumentKind.SELFIE].id)),
        ("holder:letter", [application.id], {}, AccessAction.LETTER_VIEWED, "page"),
        ("holder:letter-pdf", [application.id], {}, AccessAction.LETTER_VIEWED, "pdf"),
    ]


def test_every_read_path_writes_exactly_one_row_naming_who_in_which_role_what_and_from_where(decided, caseworker, auditor):
    for user, role, assigned in [(caseworker, "Caseworker", True), (auditor, "Auditor", False)]:
        client = signed_in(user)
        for name, args, data, action, target in _read_paths(decided):
            before = AccessRecord.objects.count()
            response = client.get(reverse(name, args=args), data, REMOTE_ADDR="203.0.113.9")
            assert response.status_code == 200, name
            _consume(response)
            rows = list(AccessRecord.objects.filter(id__gt=0).order_by("id"))[before:]
            assert len(rows) == 1, (name, len(rows))
            row = rows[0]
            assert (row.actor_id, row.actor_role, row.action, row.application_id, row.subject_id) == (
                user.id, role, action, decided.id, decided.applicant_id
            ), name
            assert (row.target, row.client_address, row.viewer_assigned) == (target, "203.0.113.9", assigned), name

    before = AccessRecord.objects.count()
    response = signed_in(auditor).get(reverse("casework:search"), SEARCH)
    assert response.status_code == 200 and decided.reference in response.content.decode()
    assert AccessRecord.objects.count() == before + 1
    search = AccessRecord.objects.last()
    assert (search.action, search.target, search.application_id) == (AccessAction.SEARCH, "name=collins", None)
    assert search.reason.startswith("Correspondence")
    assert access_log_verify().ok


def test_the_applicant_reading_their_own_letter_and_photos_is_recorded_as_the_applicant(decided, applicant):
    client = signed_in(applicant)
    selfie = decided.documents.get(kind=DocumentKind.SELFIE)
    _consume(client.get(reverse("applications:document", args=[selfie.id])))
    client.get(reverse("holder:letter", args=[decided.id]))
    rows = list(AccessRecord.objects.filter(actor_id=applicant.id).values_list("actor_role", "action", "viewer_assigned"))
    assert rows == [("Applicant", AccessAction.FACE_IMAGE_VIEWED, None), ("Applicant", AccessAction.LETTER_VIEWED, None)]


def test_a_read_that_is_refused_writes_nothing(decided, second_applicant):
    client = signed_in(second_applicant)
    document = decided.documents.first()
    assert client.get(reverse("applications:document", args=[document.id])).status_code == 404
    assert client.get(reverse("holder:letter", args=[decided.id])).status_code == 404
    assert client.get(reverse("casework:case", args=[decided.id])).status_code == 403
    assert not AccessRecord.objects.exists()


def test_the_log_cannot_be_changed_or_deleted_through_the_service(decided, caseworker, admin_client):
    signed_in(caseworker).get(reverse("casework:case", args=[decided.id]))
    record = AccessRecord.objects.get()
    record.reason = "nothing to see"
    with pytest.raises(PermissionError):
        record.save()
    with pytest.raises(PermissionError):
        record.delete()
    with pytest.raises(PermissionError):
        AccessRecord.objects.filter(id=record.id).update(reason="x")
    with pytest.raises(PermissionError):
        AccessRecord.objects.all().delete()
    change = admin_client.post(reverse("admin:audit_accessrecord_change", args=[record.id]), {"reason": "x"})
    assert change.status_code == 403
    assert admin_client.post(reverse("admin:audit_accessrecord_delete", args=[record.id]), {"post": "yes"}).status_code == 403
    assert AccessRecord.objects.get().reason == ""


def _fill(count: int) -> list[AccessRecord]:
    return [access_log_append(actor_id=1, actor_role="Caseworker", action=AccessAction.CASE_VIEWED, reason=f"read {n}") for n in range(count)]


def _sql(statement: str, *params) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement.replace("TABLE", AccessRecord._meta.db_table), params)


def _verify_command_fails_at(row_id: int) -> str:
    with pytest.raises(CommandError) as failure:
        call_command("verify_access_log")
    assert failure.value.returncode == 1
    assert f"broken at row {row_id}:" in str(failure.value)
    return str(failure.value)


@pytest.mark.django_db
def test_an_intact_chain_verifies(capsys):
    _fill(5)
    call_command("verify_access_log")
    assert "5 rows verified" in capsys.readouterr().out


@pytest.mark.django_db
def test_the_chain_names_an_edited_row():
    rows = _fill(5)
    _sql("UPDATE TABLE SET reason = %s WHERE id = %s", "edited", rows[2].id)
    assert "it was changed" in _verify_command_fails_at(rows[2].id)


@pytest.mark.django_db
def test_the_chain_names_the_row_after_an_edited_row_whose_hash_was_rewritten():
    rows = _fill(5)
    edited = AccessRecord.objects.get(id=rows[2].id)
    edited.reason = "edited"
    _sql("UPDATE TABLE SET reason = %s, hash = %s WHERE id = %s", "edited", record_hash(edited, edited.prev_hash), rows[2].id)
    assert "was removed, or row" in _verify_command_fails_at(rows[3].id)


@pytest.mark.django_db
def test_the_chain_names_the_row_after_a_deleted_row():
    rows = _fill(5)
    _sql("DELETE FROM TABLE WHERE id = %s", rows[1].id)
    message = _verify_command_fails_at(rows[2].id)
    assert f"does not follow row {rows[0].id}" in message


@pytest.mark.django_db
def test_the_chain_notices_rows_deleted_at_the_end():
    rows = _fill(5)
    _sql("DELETE FROM TABLE WHERE id >= %s", rows[3].id)
    assert "rows at the end were removed" in _verify_command_fails_at(rows[2].id)


@pytest.mark.django_db
def test_pruning_old_rows_leaves_an_anchor_that_the_chain_continues_from(settings):
    settings.ACCESS_LOG_RETENTION_DAYS = 30
    rows = _fill(4)
    now = rows[1].created_at + datetime.timedelta(days=30, microseconds=1)
    assert access_log_prune(now=now) == 2
    assert list(AccessRecord.objects.values_list("id", flat=True)) == [rows[2].id, rows[3].id]
    assert AccessLogHead.objects.get().anchor_hash == rows[1].hash
    _fill(1)
    result = access_log_verify()
    assert (result.ok, result.rows) == (True, 3)
    # The oldest row kept cannot quietly go either.
    _sql("DELETE FROM TABLE WHERE id = %s", rows[2].id)
    assert access_log_verify().broken_at == rows[3].id


def test_concurrent_writers_never_fork_the_chain(committed_db):
    errors = []

    def write(number: int) -> None:
        try:
            for n in range(10):
                access_log_append(actor_id=number, actor_role="Caseworker", action=AccessAction.CASE_VIEWED, reason=f"{number}-{n}")
        except Exception as error:  # reported below: a thread's exception would otherwise vanish
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(number,)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    result = access_log_verify()
    assert (result.ok, result.rows) == (True, 80)
    assert AccessRecord.objects.values("prev_hash").distinct().count() == 80


def test_a_case_page_shown_again_after_a_form_with_errors_is_a_read_too(decided, caseworker):
    response = signed_in(caseworker).post(reverse("casework:note", args=[decided.id]), {"text": ""})
    assert response.status_code == 400 and decided.reference in response.content.decode()
    assert list(AccessRecord.objects.values_list("action", "application_id")) == [(AccessAction.CASE_VIEWED, decided.id)]


@pytest.mark.django_db
def test_a_fork_cannot_be_written_even_around_the_lock():
    from django.db import IntegrityError, transaction

    first = _fill(1)[0]
    fork = AccessRecord(created_at=first.created_at, actor_id=2, actor_role="Caseworker", action=AccessAction.CASE_VIEWED, prev_hash=first.prev_hash)
    fork.hash = record_hash(fork, fork.prev_hash)
    with pytest.raises(IntegrityError), transaction.atomic():
        fork.save(force_insert=True)
