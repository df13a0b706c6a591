"""Emails to applicants about their application, sent by a Celery task after the change commits."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from applications.models import Application

SUBJECTS = {
    "submitted": "We have received your application {reference}",
    "information_requested": "We need more information for your application {reference}",
    "decided": "A decision has been made on your application {reference}",
    "new_photos": "We need new photos for your application {reference}",
}


def application_email_send(*, application_id: str, kind: str) -> None:
    application = Application.objects.select_related("applicant").get(id=application_id)
    context = {
        "application": application,
        "status_url": settings.SERVICE_URL + reverse("applications:overview", args=[application.id]),
        "information_request": application.information_requests.first(),
        "identity_check": application.identity_checks.first(),
    }
    send_mail(
        SUBJECTS[kind].format(reference=application.reference),
        render_to_string(f"applications/emails/{kind}.txt", context),
        None,
        [application.applicant.email],
    )
