"""Emails to applicants about their application, written to the outbox with the transition that sends them."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from applications.models import Application, ApplicationEvent
from outbox.models import Email
from outbox.services import email_enqueue

SUBJECTS = {
    "submitted": "We have received your application {reference}",
    "information_requested": "We need more information for your application {reference}",
    "decided": "A decision has been made on your application {reference}",
    "new_photos": "We need new photos for your application {reference}",
}


def application_email_enqueue(*, application: Application, kind: str, event: ApplicationEvent) -> Email:
    """The email `kind` for the event that causes it, once, rendered now with what the transaction has written."""
    context = {
        "application": application,
        "status_url": settings.SERVICE_URL + reverse("applications:overview", args=[application.id]),
        "information_request": application.information_requests.first(),
        "identity_check": application.identity_checks.first(),
    }
    return email_enqueue(
        key=f"application-email:{kind}:{event.id}",
        to=application.applicant.email,
        subject=SUBJECTS[kind].format(reference=application.reference),
        body=render_to_string(f"applications/emails/{kind}.txt", context),
        about=str(application.id),
    )
