import datetime

import pytest
from django.utils import timezone

from applications.models import State
from tests.factories import ETA, checked


def awaiting_decision(applicant, **kwargs):
    """An ETA application paid for, submitted and through its identity check (run here), waiting for its rules."""
    return checked(applicant, route=ETA, **kwargs)


@pytest.fixture
def eta(applicant):
    application = awaiting_decision(applicant)
    assert application.state == State.AUTOMATED_CHECKS
    return application


def set_answer(application, key, value):
    # The answers a rule reads, changed after submission as only a test can.
    application.answers[key] = value
    application.save(update_fields=["answers"])


def days(n: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=n)).isoformat()
