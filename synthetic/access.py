"""Which requests come from a synthetic journey.

A journey sends the service's synthetic-journeys key and its cohort in two
headers. An account registered with them is synthetic: its applications stay out
of the casework queues and figures and out of the real duplicate gallery, and its
email is kept in the synthetic mailbox instead of being sent. Without the key
(SYNTHETIC_JOURNEYS_KEY, empty by default when DEBUG is off) the headers do
nothing, so nobody can opt a real application out of those checks.
"""

import hmac
import re

from django.conf import settings
from django.http import HttpRequest

KEY_HEADER = "X-Synthetic-Key"
COHORT_HEADER = "X-Synthetic-Cohort"
_COHORT = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")


def synthetic_enabled() -> bool:
    return bool(settings.SYNTHETIC_JOURNEYS_KEY)


def has_synthetic_key(request: HttpRequest) -> bool:
    given = request.headers.get(KEY_HEADER, "")
    return synthetic_enabled() and hmac.compare_digest(given.encode(), settings.SYNTHETIC_JOURNEYS_KEY.encode())


def synthetic_cohort(request: HttpRequest) -> str:
    """The request's synthetic cohort, or "" for everything that is not a keyed synthetic journey."""
    cohort = request.headers.get(COHORT_HEADER, "")
    if cohort and _COHORT.fullmatch(cohort) and has_synthetic_key(request):
        return cohort
    return ""


class SyntheticCohortMiddleware:
    """Sets `request.synthetic_cohort` for the rest of the service to read (registration tags accounts with it).

    One of the two hooks through which synthetic journeys reach the service; the
    other is settings.OUTBOX_EMAIL_DIVERT (synthetic/mail.py). Nothing else imports this package.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        request.synthetic_cohort = synthetic_cohort(request)
        return self.get_response(request)
