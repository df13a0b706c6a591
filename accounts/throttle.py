"""Counting actions per subject in a time window, in the database.

In the database rather than Django's cache because the default cache is each
process's own memory: with several web processes, each would count a fraction.
"""

import hashlib
import hmac
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Attempt


def _hash(action: str, subject: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{action}:{subject}".encode(), hashlib.sha256).hexdigest()


def throttle_count(*, action: str, subject: str, window: int) -> int:
    since = timezone.now() - timedelta(seconds=window)
    return Attempt.objects.filter(action=action, subject_hash=_hash(action, subject), at__gte=since).count()


def throttle_record(*, action: str, subject: str) -> None:
    Attempt.objects.create(action=action, subject_hash=_hash(action, subject))


def throttle_allow(*, action: str, limits: dict[str, int], window: int) -> bool:
    """Record the action for every subject (`{subject: limit}`) unless one has reached its limit.

    Refused attempts are not recorded, so the count falls as the window passes.
    Approximate under simultaneous requests (each counts before any has written),
    which lets a burst exceed a limit by the number of requests in flight.
    """
    if any(throttle_count(action=action, subject=subject, window=window) >= limit for subject, limit in limits.items()):
        return False
    with transaction.atomic():
        for subject in limits:
            throttle_record(action=action, subject=subject)
    Attempt.objects.filter(action=action, at__lt=timezone.now() - timedelta(seconds=window)).delete()
    return True
