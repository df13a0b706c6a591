"""Emails to applicants about their application, sent by a Celery task after the change commits."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.mail import send_once
from applications.models import Application

SUBJECTS = {
    "submitted": "We have received your application {reference}",
    "information_requested": "We need more information for your application {reference}",
    "decided": "A decision has been made on your application {reference}",
    "new_photos": "We need new photos for your application {reference}",
}


def application_email_send(*, application_id: str, kind: str, event_id: int) -> None:
    """Send the email for the event that caused it, once (see accounts.mail.send_once)."""
    application = Application.objects.select_related("applicant").get(id=application_id)
    context = {
        "application": application,
        "status_url": settings.SERVICE_URL + reverse("applications:overview", args=[application.id]),
        "information_request": application.information_requests.first(),
        "identity_check": application.identity_checks.first(),
    }
    send_once(
        key=f"application-email:{kind}:{event_id}",
        subject=SUBJECTS[kind].format(reference=application.reference),
        body=render_to_string(f"applications/emails/{kind}.txt", context),
        to=[application.applicant.email],
    )
