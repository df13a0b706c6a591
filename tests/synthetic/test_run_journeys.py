"""run_journeys against a live server with a real Celery worker: every scenario once, then the cleanup.

In CI this is PostgreSQL and Redis (.ci/run); under `make test`, SQLite and the filesystem broker.
"""

import json

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from applications.models import Application
from identity.models import FaceEnrolment
from payments.models import FakeProviderPayment, Payment
from synthetic.journeys.scenarios import SCENARIOS
from synthetic.models import SyntheticEmail
from tests.conftest import PASSWORD

pytestmark = pytest.mark.worker


@pytest.fixture
def journeys(live_service, caseworker, senior_caseworker, settings, tmp_path, monkeypatch):
    """(run, report): run the command against the live server with this test's staff, and read its JSON report."""
    settings.SYNTHETIC_JOURNEYS_KEY = "test-synthetic-key"
    monkeypatch.setenv("JOURNEY_STAFF_PASSWORD", PASSWORD)

    def run(*options: str) -> dict:
        call_command(
            "run_journeys", "--target", live_service.url, "--caseworker", caseworker.email, "--senior", senior_caseworker.email,
            "--staff-password-env", "JOURNEY_STAFF_PASSWORD", "--report", str(tmp_path / "report.json"), "--seed", "7", *options,
        )

    def report() -> dict:
        return json.loads((tmp_path / "report.json").read_text())

    return run, report


def test_every_scenario_passes_and_the_cleanup_removes_its_records(celery_worker, journeys, live_service, capsys):
    run, report = journeys
    run("--journeys", str(len(SCENARIOS)), "--concurrency", "2", "--timeout", "90")

    figures = report()
    assert figures["passed"] == len(SCENARIOS) and figures["failed"] == 0
    assert sorted(journey["scenario"] for journey in figures["journeys"]) == sorted(SCENARIOS)
    for scenario in figures["scenarios"].values():
        # Every scenario waits for the background work somewhere, and times it.
        waits = {"identity check", "first identity check", "automated checks", "applicant sees decision"} & set(scenario["steps"])
        assert waits and all(scenario["steps"][step]["p95"] > 0 for step in waits)
    out = capsys.readouterr().out
    assert f"{len(SCENARIOS)} journeys, {len(SCENARIOS)} passed, 0 failed" in out
    # One synthetic applicant a scenario, two in the duplicate one, none of them real.
    synthetic = User.objects.exclude(synthetic_cohort="")
    assert synthetic.count() == len(SCENARIOS) + 1
    assert not Application.objects.real().exists()
    assert FaceEnrolment.objects.exclude(cohort="").exists()

    run("--cleanup", "--target", live_service.url)
    assert not User.objects.exclude(synthetic_cohort="").exists()
    assert not Application.objects.exists()
    assert not Payment.objects.exists() and not FakeProviderPayment.objects.exists()
    assert not FaceEnrolment.objects.exists()
    assert not SyntheticEmail.objects.exists()
    assert User.objects.filter(synthetic_cohort="").count() == 2  # the staff


def test_a_stopped_worker_fails_the_journey_at_its_first_background_step_with_the_response(journeys, capsys):
    """No worker runs, so no email is sent: the command says where and why, with the response, and exits non-zero."""
    run, report = journeys
    with pytest.raises(CommandError, match="1 of 1 journeys failed"):
        run("--journeys", "1", "--scenarios", "grant", "--timeout", "3")

    journey = report()["journeys"][0]
    assert [step["name"] for step in journey["steps"]] == ["register", "confirm email"]
    failure = journey["failure"]
    assert failure["step"] == "confirm email"
    assert failure["message"] == "the email “Confirm your email address” did not happen within 3 s"
    assert failure["response"]["status"] == 200 and "/synthetic/mailbox/" in failure["response"]["url"]
    assert failure["response"]["excerpt"] == '{"emails": []}'
    err = capsys.readouterr().err
    assert "failed at “confirm email”: the email “Confirm your email address” did not happen within 3 s" in err
    assert "GET http" in err


def test_an_unknown_scenario_is_refused_before_anything_runs(journeys):
    run, _ = journeys
    with pytest.raises(CommandError, match="Unknown scenario 'grants'"):
        run("--scenarios", "grants=2")
