import io
import stat
from pathlib import Path

import pytest
import weasyprint
from django.urls import reverse

from applications.models import Application, Document
from tests import images
from tests.conftest import signed_in
from tests.factories import draft_application, upload


@pytest.fixture
def application(applicant) -> Application:
    return Application.objects.create(applicant=applicant, route="skilled-worker")


def _url(application, kind="english_language"):
    return reverse("applications:evidence", args=[application.id, kind])


def test_a_pdf_is_stored_as_it_is_under_a_random_name(applicant, application):
    response = signed_in(applicant).post(_url(application), {"file": upload("IELTS certificate.pdf", images.pdf(), "application/pdf")}, follow=True)

    assert "IELTS certificate.pdf uploaded" in response.content.decode()
    document = application.documents.get()
    assert (document.kind, document.content_type, document.original_name) == ("english_language", "application/pdf", "IELTS certificate.pdf")
    assert document.file.name.endswith(".pdf") and "IELTS" not in document.file.name
    with document.file.open("rb") as stored:
        assert stored.read() == images.pdf()


def test_a_photo_of_a_document_is_accepted_and_cleaned(applicant, application):
    signed_in(applicant).post(_url(application), {"file": upload("scan.jpg", images.with_gps_and_rotation())})

    document = application.documents.get()
    assert document.content_type == "image/jpeg"
    with document.file.open("rb") as stored:
        assert b"Test camera maker" not in stored.read()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (images.text(), "The file must be a JPG, PNG or PDF file"),
        (images.pdf()[:-8], "the file is damaged or incomplete"),
        (images.pdf().replace(b"/Type /Catalog", b"/Type /Catalog /Encrypt 2 0 R"), "protected with a password"),
        (images.truncated_jpeg(), "the file is damaged or incomplete"),
        (images.decompression_bomb(8_000), "too large in pixels"),
    ],
    ids=["text", "truncated-pdf", "encrypted-pdf", "truncated-jpeg", "bomb"],
)
def test_bad_files_are_refused_with_a_reason_and_nothing_is_stored(applicant, application, content, message):
    response = signed_in(applicant).post(_url(application), {"file": upload("evidence.pdf", content, "application/pdf")})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Document.objects.exists()


def test_a_file_can_be_removed(applicant, application, django_capture_on_commit_callbacks):
    client = signed_in(applicant)
    client.post(_url(application), {"file": upload("one.pdf", images.pdf(), "application/pdf")})
    document = application.documents.get()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url(application), {"remove": str(document.id)})

    assert not application.documents.exists()
    assert not document.file.storage.exists(document.file.name)


def test_there_is_a_limit_on_files_per_kind(applicant, application):
    client = signed_in(applicant)
    for number in range(5):
        client.post(_url(application), {"file": upload(f"{number}.pdf", images.pdf(), "application/pdf")})

    response = client.post(_url(application), {"file": upload("6.pdf", images.pdf(), "application/pdf")}, follow=True)

    assert "You can upload at most 5 files" in response.content.decode()
    assert application.documents.count() == 5


@pytest.mark.parametrize("value", ["not-a-uuid", "", "00000000-0000-0000-0000-000000000000"])
def test_removing_a_file_that_is_not_there_is_not_found(applicant, application, value):
    assert signed_in(applicant).post(_url(application), {"remove": value}).status_code == 404


def test_an_evidence_kind_of_another_route_is_not_found(applicant, application):
    assert signed_in(applicant).get(_url(application, "life_in_the_uk")).status_code == 404


def test_another_applicants_file_cannot_be_removed(applicant, second_applicant, application):
    signed_in(applicant).post(_url(application), {"file": upload("one.pdf", images.pdf(), "application/pdf")})
    document = application.documents.get()
    mine = Application.objects.create(applicant=second_applicant, route="skilled-worker")

    response = signed_in(second_applicant).post(_url(mine), {"remove": str(document.id)})

    assert response.status_code == 404
    assert Document.objects.filter(id=document.id).exists()


def test_pdfs_are_downloaded_never_shown_in_a_page(applicant):
    document = draft_application(applicant, route="skilled-worker").documents.get(kind="english_language")

    response = signed_in(applicant).get(reverse("applications:document", args=[document.id]))

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == images.pdf()


def test_uploaded_files_and_their_folders_are_readable_by_the_service_only(applicant, application, settings):
    signed_in(applicant).post(_url(application), {"file": upload("scan.jpg", images.astronaut_passport())})

    path = Path(application.documents.get().file.path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


@pytest.mark.parametrize(
    ("content", "what"),
    [
        (images.pdf_with_javascript(), "JavaScript"),
        (images.pdf_with_javascript_in_a_disguised_name(), "JavaScript"),
        (images.pdf_with_javascript_on_a_link(), "JavaScript"),
        (images.pdf_with_launch_action(), "an action that opens another program"),
        (images.pdf_with_embedded_file(), "embedded files"),
    ],
    ids=["javascript", "disguised-name", "link", "launch", "embedded-file"],
)
def test_a_pdf_with_active_content_is_refused(applicant, application, content, what):
    response = signed_in(applicant).post(_url(application), {"file": upload("certificate.pdf", content, "application/pdf")})

    assert response.status_code == 200
    assert f"The file contains {what}" in response.content.decode()
    assert not Document.objects.exists()


def test_a_plain_pdf_with_links_and_text_is_kept_byte_for_byte(applicant, application):
    content = _pdf_with_a_link()

    signed_in(applicant).post(_url(application), {"file": upload("certificate.pdf", content, "application/pdf")})

    with application.documents.get().file.open("rb") as stored:
        assert stored.read() == content


def _pdf_with_a_link() -> bytes:
    page = '<p>IELTS Test Report Form: overall band 7.5</p><p><a href="https://ielts.example/verify">Verify</a></p>'
    return weasyprint.HTML(string=page).write_pdf()
