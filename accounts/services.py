import uuid

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from accounts.throttle import throttle_allow
from outbox.services import email_enqueue

_CONFIRM_SALT = "accounts.confirm-email"


class ConfirmationLinkError(Exception):
    def __init__(self, *, expired: bool):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


class Throttled(Exception):
    """Too many requests of this kind for this address or from this client: try again later."""


def user_register(*, email: str, password: str, client: str, synthetic_cohort: str = "") -> None:
    """Create an account and send its confirmation link, or tell the existing account by email.

    The answer is the same either way (GOV.UK's pattern), so registering says nothing
    about who has an account. Raises Throttled past the limits per address and per client.
    """
    limits = {f"address:{email}": settings.REGISTRATIONS_PER_ADDRESS}
    if not synthetic_cohort:
        # Keyed synthetic journeys register many accounts from one test machine.
        limits[f"client:{client}"] = settings.REGISTRATIONS_PER_CLIENT
    if not throttle_allow(action="register", limits=limits, window=settings.THROTTLE_WINDOW):
        raise Throttled
    existing = User.objects.filter(email=email).first()
    if existing is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(email=email, password=password, synthetic_cohort=synthetic_cohort)
                email_confirmation_resend(user=user)
            return
        except IntegrityError:
            # Registered by a simultaneous request.
            existing = User.objects.get(email=email)
    else:
        # The work of hashing a new password, so that the time to answer says nothing either.
        make_password(password)
    body = render_to_string(
        "accounts/emails/account_exists.txt",
        {"sign_in": settings.SERVICE_URL + reverse("accounts:sign-in"), "reset": settings.SERVICE_URL + reverse("accounts:password-reset")},
    )
    email_enqueue(key=f"account-exists:{existing.id}:{uuid.uuid4()}", to=existing.email, subject="You already have an account", body=body)


def password_reset_request(*, email: str, client: str) -> None:
    """Queue a reset link for the account with this address, if there is one; the answer is the same if not.

    Raises Throttled past the limits per address and per client.
    """
    limits = {f"address:{email.lower()}": settings.PASSWORD_RESETS_PER_ADDRESS, f"client:{client}": settings.PASSWORD_RESETS_PER_CLIENT}
    if not throttle_allow(action="password-reset", limits=limits, window=settings.THROTTLE_WINDOW):
        raise Throttled
    for user in User.objects.filter(email__iexact=email, is_active=True):
        if user.has_usable_password():
            password_reset_email(user=user)


def password_reset_email(*, user: User) -> None:
    """Queue a reset link through the outbox: the request never talks to a mail server."""
    # The service's own address, not whatever Host header the request came with.
    context = {"service_url": settings.SERVICE_URL, "uid": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)}
    subject = render_to_string("accounts/emails/password_reset_subject.txt").strip()
    body = render_to_string("accounts/emails/password_reset.txt", context)
    email_enqueue(key=f"password-reset:{user.id}:{uuid.uuid4()}", to=user.email, subject=subject, body=body)


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
