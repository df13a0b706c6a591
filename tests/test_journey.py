"""The walking skeleton, end to end, through HTTP, with a real Celery worker.

An applicant registers, confirms their email address and applies; the worker
consumes the real messages, sends the emails and runs the real face match; a
caseworker signs in, finds the case and decides; the applicant sees the decision
and reads the letter.
"""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, State
from applications.routes import ROUTES
from tests import images
from tests.conftest import PASSWORD, wait_for
from tests.factories import answer_every_question, upload

pytestmark = pytest.mark.worker


def _signed_in(user) -> Client:
    client = Client()
    assert client.post(reverse("accounts:sign-in"), {"username": user.email, "password": PASSWORD}).status_code == 302
    return client


def _email_to(address: str, subject: str):
    return next((m for m in mail.outbox if address in m.to and subject in m.subject), None)


@pytest.mark.parametrize(
    ("selfie", "identity_state", "decision", "applicant_sees"),
    [
        (images.astronaut_selfie, State.READY_FOR_CASEWORK, "grant", "Your application has been granted"),
        (images.hopper_selfie, State.IDENTITY_ADJUDICATION, "propose_refusal", "Your application has been refused"),
    ],
    ids=["matching-faces-granted", "different-faces-refused"],
)
def test_apply_verify_and_decide(celery_worker, caseworker, senior_caseworker, selfie, identity_state, decision, applicant_sees):
    email, password = "journey@example.com", "a-long-passphrase-here"
    applicant = Client()
    assert applicant.post(reverse("accounts:register"), {"email": email, "password": password}).status_code == 302
    applicant.post(reverse("accounts:sign-out"))
    assert applicant.post(reverse("accounts:sign-in"), {"username": email, "password": password}).status_code == 302
    confirmation = wait_for(lambda: _email_to(email, "Confirm your email address"), "the confirmation email")
    link = re.search(r"https?://\S+(/accounts/confirm-email/\S+/)", confirmation.body).group(1)
    assert applicant.get(link).status_code == 302

    overview = applicant.post(reverse("applications:start"), {"route": "visitor"})["Location"]
    application = Application.objects.get()
    answer_every_question(applicant, application.id, ROUTES["visitor"])
    response = applicant.post(
        reverse("applications:photos", args=[application.id]),
        {"passport_photo": upload("passport.jpg", images.astronaut_passport()), "selfie": upload("selfie.jpg", selfie())},
    )
    assert response["Location"] == overview
    response = applicant.post(reverse("applications:check-answers", args=[application.id]), {"declaration": "on"}, follow=True)
    reference = re.search(r'id="reference">([0-9A-Z-]+)<', response.content.decode()).group(1)
    assert wait_for(lambda: _email_to(email, f"We have received your application {reference}"), "the submission email")

    def identity_checked():
        application.refresh_from_db()
        return application.state != State.IDENTITY_CHECKING

    wait_for(identity_checked, "the identity check")
    assert application.reference == reference
    assert application.state == identity_state

    caseworker_client = _signed_in(caseworker)
    assert reference in caseworker_client.get(reverse("casework:queue")).content.decode()
    take = reverse("casework:next") if decision == "grant" else reverse("casework:take", args=[application.id])
    caseworker_client.post(take)
    case_page = caseworker_client.get(reverse("casework:case", args=[application.id])).content.decode()
    assert f"{application.identity_checks.get().distance:.3f}" in case_page
    assert f">{caseworker.email}<" in case_page
    caseworker_client.post(
        reverse("casework:decision", args=[application.id]),
        {"decision": decision, "work_condition": "none", "study_condition": "permitted", "reasons": ["identity"],
         "valid_until_day": "1", "valid_until_month": "6", "valid_until_year": str(timezone.localdate().year + 1),
         "grant_reason": "Decided in the journey test.", "reason": "Decided in the journey test."},
    )
    if decision == "propose_refusal":
        _signed_in(senior_caseworker).post(reverse("casework:refusal-review", args=[application.id]), {"outcome": "confirm_refusal"})
    assert wait_for(lambda: _email_to(email, f"A decision has been made on your application {reference}"), "the decision email")

    status_page = applicant.get(overview).content.decode()
    assert applicant_sees in status_page
    letter = applicant.get(reverse("holder:letter", args=[application.id])).content.decode()
    assert "Decided in the journey test." in letter
    pdf = applicant.get(reverse("holder:letter-pdf", args=[application.id]))
    assert pdf.content.startswith(b"%PDF-")
