"""Images of extreme shape and unusual kinds, through every upload field.

Each is either accepted (and stored as a clean JPEG) or refused with the field's
own message; none gives an error page. A 1 x 100,000 px PNG of a hundred-odd bytes
used to pass the pixel cap and then crash the JPEG encoder.
"""

import io

import pytest
from django.urls import reverse
from PIL import Image

from applications.models import Document
from tests import images
from tests.applications.test_after_submission import _request_information
from tests.conftest import signed_in
from tests.factories import draft_application, in_review, upload

TOO_LONG = "sides must be at most 65,500 pixels"
DAMAGED = "the file is damaged or incomplete"

# name: (content, the message when refused, or None when the file is a usable image)
HOSTILE = {
    "1xN": (images.strip(1, 100_000), TOO_LONG),
    "Nx1": (images.strip(100_000, 1), TOO_LONG),
    "2x70000": (images.strip(2, 70_000), TOO_LONG),
    "1x60000": (images.strip(1, 60_000), None),
    "60000x1": (images.strip(60_000, 1), None),
    "16-bit": (images.sixteen_bit_gradient(), None),
    "cmyk": (images.cmyk_jpeg(), None),
    "palette-transparency": (images.palette_with_transparency(), None),
    "animated": (images.animated_png(), None),
    "truncated-png": (images.truncated_png(), DAMAGED),
    "truncated-jpeg": (images.truncated_jpeg(), DAMAGED),
}
CASES = [pytest.param(content, message, id=name) for name, (content, message) in HOSTILE.items()]


def _file(content: bytes):
    return upload("image.png", content, "image/png")


@pytest.mark.parametrize(("content", "message"), CASES)
def test_evidence_field(applicant, content, message):
    application = draft_application(applicant, route="skilled-worker", photos=False)
    before = application.documents.filter(kind="english_language").count()

    response = signed_in(applicant).post(reverse("applications:evidence", args=[application.id, "english_language"]), {"file": _file(content)})

    if message:
        assert response.status_code == 200
        assert message in response.content.decode()
        assert application.documents.filter(kind="english_language").count() == before
    else:
        assert response.status_code == 302
        stored = application.documents.filter(kind="english_language").latest("uploaded_at")
        assert stored.content_type == "image/jpeg"


@pytest.mark.parametrize("field", ["passport_photo", "selfie"])
@pytest.mark.parametrize(("content", "message"), CASES)
def test_photo_fields(applicant, field, content, message):
    application = draft_application(applicant)
    before = set(application.documents.values_list("id", flat=True))
    photos = {"passport_photo": upload("p.jpg", images.astronaut_passport()), "selfie": upload("s.jpg", images.astronaut_selfie())}
    photos[field] = _file(content)

    response = signed_in(applicant).post(reverse("applications:photos", args=[application.id]), photos)

    assert response.status_code == 200
    page = response.content.decode()
    # The field's own error; a usable image is refused for what the photo check finds (no face, too small).
    assert f'href="#id_{field}"' in page
    if message:
        assert message in page
    assert set(application.documents.values_list("id", flat=True)) == before


@pytest.mark.parametrize(("content", "message"), CASES)
def test_reply_field(applicant, caseworker, content, message):
    application = in_review(applicant, caseworker)
    _request_information(caseworker, application)

    response = signed_in(applicant).post(reverse("applications:respond", args=[application.id]), {"response": "Attached.", "files": [_file(content)]})

    if message:
        assert response.status_code == 200
        assert message in response.content.decode()
        assert not Document.objects.filter(information_request__isnull=False).exists()
    else:
        assert response.status_code == 302
        stored = Document.objects.get(information_request__isnull=False)
        with stored.file.open("rb") as file:
            assert Image.open(io.BytesIO(file.read())).format == "JPEG"
