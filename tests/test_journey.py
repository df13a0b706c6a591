"""The walking skeleton, end to end, through HTTP, with a real Celery worker.

An applicant registers and applies; the worker consumes the real message and runs
the real face match; a caseworker signs in, finds the case and decides; the
applicant sees the decision.
"""

import re
import time

import pytest
from django.test import Client
from django.urls import reverse

from applications.models import Application, State
from tests import images
from tests.conftest import PASSWORD, upload

pytestmark = pytest.mark.worker


def _wait_for_identity_check(application: Application, timeout: float = 60) -> Application:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        application.refresh_from_db()
        if application.state != State.IDENTITY_CHECKING:
            return application
        time.sleep(0.2)
    raise AssertionError(f"the identity check did not finish within {timeout}s: {application.identity_checks.get()}")


@pytest.mark.parametrize(
    ("selfie", "identity_state", "decision", "applicant_sees"),
    [
        (images.astronaut_selfie, State.READY_FOR_CASEWORK, "grant", "Your application has been granted"),
        (images.hopper_selfie, State.IDENTITY_ADJUDICATION, "refuse", "Your application has been refused"),
    ],
    ids=["matching-faces-granted", "different-faces-refused"],
)
def test_apply_verify_and_decide(celery_worker, caseworker, selfie, identity_state, decision, applicant_sees):
    applicant = Client()
    response = applicant.post(
        reverse("accounts:register"), {"email": "journey@example.com", "password": "a-long-passphrase-here"}
    )
    assert response.status_code == 302
    applicant.post(reverse("accounts:sign-out"))
    response = applicant.post(
        reverse("accounts:sign-in"), {"username": "journey@example.com", "password": "a-long-passphrase-here"}
    )
    assert response.status_code == 302

    response = applicant.post(reverse("applications:start"), {"route": "visitor"})
    overview = response["Location"]
    application = Application.objects.get()
    applicant.post(
        reverse("applications:details", args=[application.id]),
        {"full_name": "Eileen Collins", "date_of_birth_day": "19", "date_of_birth_month": "11", "date_of_birth_year": "1956"},
    )
    response = applicant.post(
        reverse("applications:photos", args=[application.id]),
        {"passport_photo": upload("passport.jpg", images.astronaut_passport()), "selfie": upload("selfie.jpg", selfie())},
    )
    assert response["Location"] == overview
    response = applicant.post(reverse("applications:check-answers", args=[application.id]), {"declaration": "on"}, follow=True)
    reference = re.search(r'id="reference">([0-9A-Z-]+)<', response.content.decode()).group(1)

    application = _wait_for_identity_check(application)
    assert application.reference == reference
    assert application.state == identity_state

    caseworker_client = Client()
    response = caseworker_client.post(reverse("accounts:sign-in"), {"username": caseworker.email, "password": PASSWORD}, follow=True)
    assert reference in response.content.decode()  # signed in, straight to the queue
    case_page = caseworker_client.get(reverse("casework:case", args=[application.id])).content.decode()
    check = application.identity_checks.get()
    assert f"{check.distance:.3f}" in case_page
    caseworker_client.post(
        reverse("casework:decision", args=[application.id]), {"decision": decision, "reason": "Decided in the journey test."}
    )

    status_page = applicant.get(overview).content.decode()
    assert applicant_sees in status_page
    assert "Decided in the journey test." in status_page
