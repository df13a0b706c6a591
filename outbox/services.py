"""Writing jobs and emails into the outbox, inside the caller's transaction."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from outbox.models import Email, Message

DELIVER_EMAIL = "outbox.deliver_email"


def outbox_enqueue(*, task: str, key: str, kwargs: dict | None = None, give_up_after: int | None = None) -> Message:
    """Queue `task` to run once the surrounding transaction commits; nothing is queued if it rolls back.

    `key` makes it once-only: queueing the same key again returns the first message.
    """
    now = timezone.now()
    seconds = settings.OUTBOX_GIVE_UP_AFTER if give_up_after is None else give_up_after
    with transaction.atomic():
        message, _ = Message.objects.get_or_create(
            key=key,
            defaults={"task": task, "kwargs": kwargs or {}, "created_at": now, "available_at": now,
                      "give_up_at": now + timedelta(seconds=seconds)},
        )
    return message


def email_enqueue(*, key: str, to: str, subject: str, body: str, about: str = "") -> Email:
    """An email sent once for `key`, delivered by a job that retries for EMAIL_GIVE_UP_AFTER seconds."""
    with transaction.atomic():
        email, created = Email.objects.get_or_create(key=key, defaults={"to": to, "subject": subject, "body": body, "about": about})
        if created:
            outbox_enqueue(task=DELIVER_EMAIL, key=f"email:{key}", kwargs={"email_id": email.id},
                           give_up_after=settings.EMAIL_GIVE_UP_AFTER)
    return email
