"""Tell team leaders when a staff account is locked out again and again.

Anyone who knows a caseworker's address can lock the account for a while with a
few wrong passwords. The lockout stays (it protects the password); repeated
lockouts of a staff account are reported, since they may be someone stopping a
person from working or guessing their password.
"""

import uuid

from django.conf import settings
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.models import User
from accounts.throttle import throttle_count, throttle_record
from outbox.services import email_enqueue

_ACTION = "staff-lockout"


def _team_leaders():
    return User.objects.filter(
        Q(groups__permissions__codename="manage_casework") | Q(user_permissions__codename="manage_casework"), is_active=True
    ).distinct()


def staff_lockout_record(*, email: str) -> None:
    """Count a lockout of this account if it is a staff account; alert team leaders at the threshold.

    Axes reports a lockout again for every attempt while it lasts: only the first
    within one cool-off period counts.
    """
    user = User.objects.filter(email=email.strip().lower()).first()
    if user is None or not (user.is_staff or user.groups.exists()):
        return
    cooloff = int(settings.AXES_COOLOFF_TIME.total_seconds())
    if throttle_count(action=_ACTION, subject=user.email, window=cooloff):
        return
    throttle_record(action=_ACTION, subject=user.email)
    lockouts = throttle_count(action=_ACTION, subject=user.email, window=settings.STAFF_LOCKOUT_ALERT_WINDOW)
    if lockouts == settings.STAFF_LOCKOUT_ALERT_AFTER:
        staff_lockout_alert(user=user, lockouts=lockouts)


def staff_lockout_alert(*, user: User, lockouts: int) -> None:
    """Email every team leader (but the locked person) through the outbox."""
    body = render_to_string(
        "accounts/emails/staff_lockout_alert.txt",
        {
            "account": user.email,
            "lockouts": lockouts,
            "hours": settings.STAFF_LOCKOUT_ALERT_WINDOW // 3600,
            "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds()) // 60,
            "reset": settings.SERVICE_URL + reverse("accounts:password-reset"),
        },
    )
    alert = uuid.uuid4()
    for leader in _team_leaders().exclude(id=user.id):
        email_enqueue(
            key=f"staff-lockout:{user.id}:{alert}:{leader.id}", to=leader.email,
            subject=f"Staff account locked {lockouts} times: {user.email}", body=body,
        )
