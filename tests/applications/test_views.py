import pytest
from django.conf import settings
from django.urls import reverse

from applications.models import Application, Document, State
from applications.services import application_add_photos, application_submit
from applications.uploads import read_photo
from applications.workflow import WorkflowError
from identity.models import IdentityCheck
from tests import images
from tests.conftest import signed_in
from tests.factories import draft_application, refused, upload


def test_start_page_is_public(client, db):
    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert "<h1" in response.content.decode()


def test_application_pages_need_sign_in(client, applicant):
    application = draft_application(applicant)

    response = client.get(reverse("applications:overview", args=[application.id]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign-in"))


def test_start_an_application_for_a_route(applicant):
    client = signed_in(applicant)

    response = client.post(reverse("applications:start"), {"route": "skilled-worker"})

    application = Application.objects.get()
    assert response["Location"] == reverse("applications:overview", args=[application.id])
    assert (application.applicant, application.route, application.state) == (applicant, "skilled-worker", State.DRAFT)


def test_start_without_a_route_shows_the_error_summary(applicant):
    response = signed_in(applicant).post(reverse("applications:start"), {"route": ""})

    page = response.content.decode()
    assert "<title>Error: What are you applying for?" in page
    assert 'href="#id_route_0"' in page
    assert not Application.objects.exists()


def _post_photos(client, application, passport, selfie):
    return client.post(
        reverse("applications:photos", args=[application.id]),
        {"passport_photo": passport, "selfie": selfie},
    )


def test_photos_are_stored_privately_under_random_names(applicant):
    application = Application.objects.create(applicant=applicant, route="visitor")

    response = _post_photos(
        signed_in(applicant),
        application,
        upload("my passport.jpg", images.astronaut_passport()),
        upload("me.png", images.png(images.astronaut_selfie()), "image/png"),
    )

    assert response.status_code == 302
    documents = {document.kind: document for document in application.documents.all()}
    assert set(documents) == {"passport_photo", "selfie"}
    assert "passport" not in documents["passport_photo"].file.name
    assert documents["selfie"].original_name == "me.png"
    assert documents["selfie"].content_type == "image/jpeg"


@pytest.mark.parametrize(
    ("selfie", "message"),
    [
        (upload("selfie.jpg", images.pdf(), "application/pdf"), "The photo of your face is a PDF"),
        (upload("selfie.jpg", images.text()), "The photo of your face must be a JPG or PNG file"),
        (upload("selfie.jpg", images.truncated_jpeg()), "the file is damaged or incomplete"),
        (upload("selfie.png", images.decompression_bomb(), "image/png"), "too large in pixels"),
        (upload("selfie.jpg", images.no_face()), "We could not find a face in the photo of your face"),
        (upload("selfie.jpg", images.two_faces()), "There is more than one face"),
        (upload("selfie.jpg", images.tiny_face_selfie()), "Move closer"),
        (upload("selfie.jpg", images.dark_selfie()), "with more light"),
    ],
    ids=["pdf", "text", "corrupt", "bomb", "no-face", "two-faces", "face-too-small", "dark"],
)
def test_bad_photo_gets_a_specific_message_and_changes_nothing(applicant, selfie, message):
    application = draft_application(applicant)
    before = set(application.documents.values_list("id", flat=True))

    response = _post_photos(signed_in(applicant), application, upload("p.jpg", images.astronaut_passport()), selfie)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert set(application.documents.values_list("id", flat=True)) == before


def test_a_request_too_large_to_hold_two_photos_is_refused_unread(applicant, settings):
    settings.UPLOAD_MAX_BYTES = 20_000
    settings.REQUEST_MAX_BYTES = 50_000
    application = Application.objects.create(applicant=applicant, route="visitor")

    response = _post_photos(
        signed_in(applicant), application, upload("p.jpg", b"\xff\xd8\xff" + b"0" * 60_000), upload("s.jpg", b"x")
    )

    assert response.status_code == 413
    assert "Each file must be smaller than" in response.content.decode()
    assert not Document.objects.exists()


def test_oversized_photo_is_refused(applicant, settings):
    settings.UPLOAD_MAX_BYTES = 20_000
    application = Application.objects.create(applicant=applicant, route="visitor")

    response = _post_photos(
        signed_in(applicant), application, upload("p.jpg", images.astronaut_passport()), upload("s.jpg", images.astronaut_selfie())
    )

    assert "The passport photo must be smaller than" in response.content.decode()
    assert not Document.objects.exists()


def test_passport_photo_without_a_face_is_refused(applicant):
    application = Application.objects.create(applicant=applicant, route="visitor")

    response = _post_photos(
        signed_in(applicant), application, upload("p.jpg", images.no_face()), upload("s.jpg", images.astronaut_selfie())
    )

    assert "We could not find the portrait on the passport photo page" in response.content.decode()
    assert not Document.objects.exists()


def test_a_page_photographed_sideways_is_accepted_at_upload(applicant):
    """The check finds the portrait whichever way up the page is, so the applicant is not asked to take it again."""
    application = Application.objects.create(applicant=applicant, route="visitor")
    sideways = images.turned(images.encode(images.page("astronaut"), quality=90), 90)

    _post_photos(signed_in(applicant), application, upload("p.jpg", sideways), upload("s.jpg", images.turned(images.astronaut_selfie(), 270)))

    assert application.documents.count() == 2


def test_new_photos_replace_the_old_ones(applicant, django_capture_on_commit_callbacks):
    application = draft_application(applicant)
    old = list(application.documents.all())

    with django_capture_on_commit_callbacks(execute=True):
        _post_photos(
            signed_in(applicant), application, upload("p.jpg", images.hopper_passport()), upload("s.jpg", images.hopper_selfie())
        )

    assert application.documents.count() == 2
    assert not Document.objects.filter(id__in=[document.id for document in old]).exists()
    assert not any(document.file.storage.exists(document.file.name) for document in old)


def test_submit_gives_a_reference_and_starts_the_identity_check(applicant):
    application = draft_application(applicant)
    client = signed_in(applicant)

    response = client.post(reverse("applications:check-answers", args=[application.id]), {"declaration": "on"}, follow=True)

    application.refresh_from_db()
    assert application.state == State.IDENTITY_CHECKING
    assert application.reference in response.content.decode()
    assert "Application submitted" in response.content.decode()
    assert [event.transition for event in application.events.all()] == ["submit", "start_identity_check"]
    assert application.identity_checks.get().status == IdentityCheck.Status.PENDING


def test_submit_needs_the_declaration(applicant):
    application = draft_application(applicant)

    response = signed_in(applicant).post(reverse("applications:check-answers", args=[application.id]), {})

    assert "Confirm that the information you have given is true and complete" in response.content.decode()
    application.refresh_from_db()
    assert application.state == State.DRAFT


def test_incomplete_application_cannot_be_submitted(applicant):
    application = Application.objects.create(applicant=applicant, route="visitor")

    response = signed_in(applicant).post(
        reverse("applications:check-answers", args=[application.id]), {"declaration": "on"}, follow=True
    )

    page = response.content.decode()
    assert "You need to fix" in page
    assert "Enter your given names" in page
    application.refresh_from_db()
    assert application.state == State.DRAFT


def test_a_replayed_submission_creates_one_submission(applicant):
    application = draft_application(applicant)
    client = signed_in(applicant)
    url = reverse("applications:check-answers", args=[application.id])

    first = client.post(url, {"declaration": "on"})
    second = client.post(url, {"declaration": "on"})

    assert first["Location"] == second["Location"] == reverse("applications:confirmation", args=[application.id])
    assert application.events.filter(transition="submit").count() == 1
    assert application.identity_checks.count() == 1


def test_two_submissions_racing_make_one(applicant):
    application = draft_application(applicant)
    # Both requests read the draft before either writes.
    first_read = Application.objects.get(id=application.id)
    second_read = Application.objects.get(id=application.id)

    first = application_submit(application=first_read, actor=applicant)
    second = application_submit(application=second_read, actor=applicant)

    assert first.reference == second.reference
    assert application.events.filter(transition="submit").count() == 1
    assert application.identity_checks.count() == 1


def test_photos_sent_after_the_application_was_submitted_change_nothing(applicant):
    application = draft_application(applicant)
    read_before_submission = Application.objects.get(id=application.id)
    application_submit(application=application, actor=applicant)
    files_before = sorted(path.name for path in (settings.MEDIA_ROOT / "documents").iterdir())

    with pytest.raises(WorkflowError, match="can no longer be changed"):
        application_add_photos(
            application=read_before_submission,
            passport_photo=read_photo(upload("p.jpg", images.hopper_passport()), label="Passport"),
            selfie=read_photo(upload("s.jpg", images.hopper_selfie()), label="Selfie"),
        )

    assert application.documents.count() == 2
    assert sorted(path.name for path in (settings.MEDIA_ROOT / "documents").iterdir()) == files_before


def test_a_submitted_application_cannot_be_changed(applicant):
    application = draft_application(applicant)
    application_submit(application=application, actor=applicant)

    response = signed_in(applicant).post(
        reverse("applications:question", args=[application.id, "given_names"]), {"answer": "Someone Else"}, follow=True
    )

    assert "can no longer be changed" in response.content.decode()
    application.refresh_from_db()
    assert application.answers["given_names"] == "Eileen Marie"


@pytest.mark.parametrize(
    ("page", "extra"),
    [("overview", []), ("question", ["given_names"]), ("photos", []), ("evidence", ["bank_statements"]),
     ("check-answers", []), ("withdraw", [])],
)
def test_another_applicant_gets_not_found(applicant, second_applicant, page, extra):
    application = draft_application(applicant)
    url = reverse(f"applications:{page}", args=[application.id, *extra])
    assert signed_in(applicant).get(url).status_code == 200

    assert signed_in(second_applicant).get(url).status_code == 404


@pytest.mark.parametrize("page", ["applications:overview", "applications:confirmation", "holder:letter", "holder:letter-pdf"])
def test_another_applicant_gets_not_found_for_a_decided_application(applicant, second_applicant, caseworker, senior_caseworker, page):
    application = refused(applicant, caseworker, senior_caseworker)
    url = reverse(page, args=[application.id])
    assert signed_in(applicant).get(url).status_code == 200

    assert signed_in(second_applicant).get(url).status_code == 404


def test_another_applicant_cannot_change_an_application(applicant, second_applicant):
    application = draft_application(applicant)

    response = signed_in(second_applicant).post(
        reverse("applications:check-answers", args=[application.id]), {"declaration": "on"}
    )

    assert response.status_code == 404
    application.refresh_from_db()
    assert application.state == State.DRAFT


def test_documents_are_served_to_their_owner_and_caseworkers_only(applicant, second_applicant, caseworker, client):
    application = draft_application(applicant)
    document = application.documents.first()
    url = reverse("applications:document", args=[document.id])
    # Until it is submitted, an application is the applicant's alone.
    assert signed_in(caseworker).get(url).status_code == 404
    application_submit(application=application, actor=applicant)

    owner = signed_in(applicant).get(url)
    assert owner.status_code == 200
    assert owner["Content-Type"] == "image/jpeg"
    assert owner["Cache-Control"] == "private, no-store"
    assert b"".join(owner.streaming_content)[:3] == b"\xff\xd8\xff"
    as_caseworker = signed_in(caseworker).get(url)
    assert as_caseworker.status_code == 200
    # Reading a streamed response to the end is what closes its file.
    assert b"".join(as_caseworker.streaming_content) == b"".join(signed_in(applicant).get(url).streaming_content)
    assert signed_in(second_applicant).get(url).status_code == 404
    assert client.get(url).status_code == 302


def test_each_route_choice_carries_its_summary_as_a_hint(applicant):
    from applications.routes import ROUTES

    page = signed_in(applicant).get(reverse("applications:start")).content.decode()

    for index, route in enumerate(ROUTES.values()):
        assert f'aria-describedby="id_route_{index}-hint"' in page
        assert f'<div id="id_route_{index}-hint" class="govuk-hint govuk-radios__hint">{route.summary}</div>' in page
