import uuid

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from outbox.services import email_enqueue

_CONFIRM_SALT = "accounts.confirm-email"


class ConfirmationLinkError(Exception):
    def __init__(self, *, expired: bool):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def user_register(*, email: str, password: str, synthetic_cohort: str = "") -> User:
    with transaction.atomic():
        user = User.objects.create_user(email=email, password=password, synthetic_cohort=synthetic_cohort)
        email_confirmation_resend(user=user)
    return user


def email_confirmation_token(user: User) -> str:
    # Signed with the address: a link stops working if the address changes.
    return signing.dumps({"user": user.id, "email": user.email}, salt=_CONFIRM_SALT)


def email_confirmation_resend(*, user: User) -> None:
    """Queue a confirmation email with the caller's transaction; each request for one is its own email."""
    link = settings.SERVICE_URL + reverse("accounts:confirm-email", args=[email_confirmation_token(user)])
    hours = settings.EMAIL_CONFIRMATION_MAX_AGE // 3600
    body = render_to_string("accounts/emails/confirm_email.txt", {"link": link, "hours": hours})
    email_enqueue(key=f"confirm-email:{user.id}:{uuid.uuid4()}", to=user.email, subject="Confirm your email address", body=body)


def user_confirm_email(*, token: str) -> User:
    """Confirm the address a link was sent to. Following a link twice is harmless."""
    try:
        data = signing.loads(token, salt=_CONFIRM_SALT, max_age=settings.EMAIL_CONFIRMATION_MAX_AGE)
    except signing.SignatureExpired:
        raise ConfirmationLinkError(expired=True) from None
    except signing.BadSignature:
        raise ConfirmationLinkError(expired=False) from None
    user = User.objects.filter(id=data["user"], email=data["email"]).first()
    if user is None:
        raise ConfirmationLinkError(expired=False)
    User.objects.filter(id=user.id, email_confirmed_at__isnull=True).update(email_confirmed_at=timezone.now())
    user.refresh_from_db()
    return user
