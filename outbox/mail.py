"""Delivering an outbox email through Django's email backend (console, file, SMTP or GOV.UK Notify)."""

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string

from outbox.models import Email, Message


def email_deliver(*, email_id: int) -> None:
    """Send the email unless it has been sent. Only one delivery holds it at a time (the message's lease)."""
    email = Email.objects.get(id=email_id)
    if email.status != Email.Status.PENDING:
        return
    Email.objects.filter(id=email.id).update(attempts=F("attempts") + 1)
    if not _diverted(email):
        send_mail(email.subject, email.body, None, [email.to])
    Email.objects.filter(id=email.id).update(status=Email.Status.SENT, sent_at=timezone.now(), last_error="")


def _diverted(email: Email) -> bool:
    # A documented hook (settings.OUTBOX_EMAIL_DIVERT): synthetic journeys keep
    # their accounts' email in their own mailbox instead of sending it.
    hook = settings.OUTBOX_EMAIL_DIVERT
    return bool(hook) and import_string(hook)(to=email.to, subject=email.subject, body=email.body)


def email_give_up(message: Message, error: BaseException) -> None:
    Email.objects.filter(id=message.kwargs["email_id"], status=Email.Status.PENDING).update(
        status=Email.Status.FAILED, last_error=f"{type(error).__name__}: {error}"[:2000]
    )
