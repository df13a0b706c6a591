"""End to end with a real worker: the identity check's pass starts the automated decision, which grants."""

import pytest

from applications.models import Application, State
from automation.models import AutomatedDecision
from tests.conftest import wait_for
from tests.factories import ETA, submitted

pytestmark = pytest.mark.worker


def test_a_paid_eta_is_granted_by_the_worker_without_a_person(celery_worker, applicant, settings):
    settings.AUTOMATED_GRANT_SAMPLE_RATE = 0.0
    application = submitted(applicant, route=ETA)

    def decided():
        return Application.objects.get(id=application.id).state in (State.GRANTED, State.READY_FOR_CASEWORK)

    wait_for(decided, "the automated decision")

    application.refresh_from_db()
    assert application.state == State.GRANTED
    assert [event.transition for event in application.events.all()] == [
        "submit", "start_identity_check", "pass_identity_for_automated_decision", "grant_automatically",
    ]
    decision = AutomatedDecision.objects.get(application=application)
    assert decision.outcome == AutomatedDecision.Outcome.GRANTED
    assert decision.results.filter(passed=True).count() == 6
