import uuid

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts import tasks
from accounts.mail import send_once
from accounts.models import User

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


def email_confirmation_send(*, user_id: int, key: str) -> None:
    user = User.objects.get(id=user_id)
    if user.email_confirmed_at:
        return
    link = settings.SERVICE_URL + reverse("accounts:confirm-email", args=[email_confirmation_token(user)])
    hours = settings.EMAIL_CONFIRMATION_MAX_AGE // 3600
    body = render_to_string("accounts/emails/confirm_email.txt", {"link": link, "hours": hours})
    send_once(key=key, subject="Confirm your email address", body=body, to=[user.email])


def email_confirmation_resend(*, user: User) -> None:
    """Queue a confirmation email after commit; each request for one is its own email."""
    tasks.send_email_confirmation.delay_on_commit(user.id, f"confirm-email:{user.id}:{uuid.uuid4()}")


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
