from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone

from applications.models import State
from applications.services import application_retry_identity, application_submit
from applications.uploads import read_photo
from identity import services
from identity.models import DuplicateCandidate, FaceEnrolment, IdentityCheck, IdentityCheckRun
from identity.services import identity_check_run, identity_checks_sweep
from tests import images
from tests.factories import draft_application, upload


def _submitted(applicant, **photos):
    return application_submit(application=draft_application(applicant, **photos), actor=applicant)


def _run(application, task_id="task-1"):
    check = application.identity_checks.order_by("-attempt").first()
    identity_check_run(check_id=check.id, task_id=task_id, worker="test-worker")
    check.refresh_from_db()
    application.refresh_from_db()
    return check


def test_submission_queues_the_check_only_after_commit(applicant, django_capture_on_commit_callbacks):
    draft = draft_application(applicant)

    with django_capture_on_commit_callbacks() as callbacks:
        application = application_submit(application=draft, actor=applicant)

    # The identity check and the acknowledgement email, both only once the submission is committed.
    assert len(callbacks) == 2
    assert application.identity_checks.get().status == IdentityCheck.Status.PENDING


def test_matching_photos_pass_and_send_the_case_to_casework(applicant):
    application = _submitted(applicant)

    check = _run(application)

    assert check.status == IdentityCheck.Status.PASSED
    assert check.distance < check.pass_threshold == 0.5
    assert check.fail_threshold == 0.6
    assert check.evidence["selfie"]["eye_distance_px"] > 60
    assert application.state == State.READY_FOR_CASEWORK
    event = application.events.last()
    assert (event.transition, event.actor) == ("pass_identity", None)
    run = check.runs.get()
    assert (run.trigger, run.worker, run.outcome) == ("submitted", "test-worker", "passed")


def test_photos_of_different_people_go_to_identity_review(applicant):
    application = _submitted(applicant, selfie=images.hopper_selfie())

    check = _run(application)

    assert check.status == IdentityCheck.Status.FAILED
    assert check.reasons == ["no_match"]
    assert application.state == State.IDENTITY_ADJUDICATION


def test_a_distance_between_the_thresholds_is_referred(applicant, settings):
    settings.FACE_MATCH_PASS_THRESHOLD = 0.05
    application = _submitted(applicant)

    check = _run(application)

    assert check.status == IdentityCheck.Status.REFERRED
    assert application.state == State.IDENTITY_ADJUDICATION


@pytest.mark.parametrize("selfie", [images.dark_selfie, images.blurred_selfie, images.tiny_face_selfie], ids=["dark", "blurred", "tiny"])
def test_a_poor_photo_asks_the_applicant_for_new_ones_with_guidance(applicant, selfie, django_capture_on_commit_callbacks):
    application = _submitted(applicant, selfie=selfie())

    with django_capture_on_commit_callbacks() as callbacks:
        check = _run(application)

    assert check.status == IdentityCheck.Status.FAILED
    assert len(check.reasons) == 1 and check.reasons[0].startswith("selfie.")
    assert application.state == State.IDENTITY_RETRY
    assert len(callbacks) == 1  # the email asking for new photos


def test_new_photos_are_a_new_attempt_and_can_pass(applicant):
    application = _submitted(applicant, selfie=images.dark_selfie())
    _run(application)

    application_retry_identity(
        application=application,
        actor=applicant,
        passport_photo=read_photo(upload("p.jpg", images.astronaut_passport()), label="Passport"),
        selfie=read_photo(upload("s.jpg", images.astronaut_selfie()), label="Selfie"),
    )
    check = _run(application)

    assert check.attempt == 2
    assert check.status == IdentityCheck.Status.PASSED
    assert application.state == State.READY_FOR_CASEWORK
    # The first attempt's photos are kept with it.
    assert application.identity_checks.get(attempt=1).selfie.file.storage.exists(application.identity_checks.get(attempt=1).selfie.file.name)


def test_after_the_last_attempt_a_poor_photo_goes_to_a_person(applicant, settings):
    settings.IDENTITY_MAX_ATTEMPTS = 1
    application = _submitted(applicant, selfie=images.dark_selfie())

    _run(application)

    assert application.state == State.IDENTITY_ADJUDICATION


def test_a_duplicated_message_does_no_second_run(applicant):
    application = _submitted(applicant)
    check = _run(application, task_id="first")

    identity_check_run(check_id=check.id, task_id="duplicate")

    assert check.runs.count() == 1
    assert application.events.filter(transition="pass_identity").count() == 1


def test_a_duplicate_message_leaves_a_running_check_alone(applicant):
    application = _submitted(applicant)
    check = application.identity_checks.get()
    IdentityCheck.objects.filter(id=check.id).update(status=IdentityCheck.Status.RUNNING, claimed_by="holder", started_at=timezone.now())

    identity_check_run(check_id=check.id, task_id="another")

    check.refresh_from_db()
    assert check.status == IdentityCheck.Status.RUNNING
    assert not check.runs.exists()


def test_the_redelivered_message_of_a_dead_worker_finishes_the_check_at_once(applicant):
    application = _submitted(applicant)
    check = application.identity_checks.get()
    # A worker claimed it and died mid-run, leaving its run open.
    IdentityCheck.objects.filter(id=check.id).update(status=IdentityCheck.Status.RUNNING, claimed_by="task-1", started_at=timezone.now())
    IdentityCheckRun.objects.create(identity_check=check, trigger="submitted", task_id="task-1")

    check = _run(application, task_id="task-1")

    assert check.status == IdentityCheck.Status.PASSED
    assert [(run.trigger, run.outcome) for run in check.runs.all()] == [("submitted", "interrupted"), ("redelivered", "passed")]


def test_a_check_left_running_past_the_time_limit_can_be_taken_by_anyone(applicant, settings):
    application = _submitted(applicant)
    check = application.identity_checks.get()
    long_ago = timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 1)
    IdentityCheck.objects.filter(id=check.id).update(status=IdentityCheck.Status.RUNNING, claimed_by="gone", started_at=long_ago)

    assert _run(application, task_id="new").status == IdentityCheck.Status.PASSED


def test_an_unavailable_database_or_storage_is_retried_not_recorded_as_an_outcome(applicant, monkeypatch):
    application = _submitted(applicant)
    check = application.identity_checks.get()

    def unavailable(document):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(services, "_read", unavailable)
    with pytest.raises(OperationalError):
        identity_check_run(check_id=check.id, task_id="task-1")
    monkeypatch.undo()

    check.refresh_from_db()
    assert check.status == IdentityCheck.Status.RUNNING
    assert check.runs.get().outcome == IdentityCheckRun.Outcome.RETRYING
    # Celery's retry delivers the same task id again, which takes the check back.
    assert _run(application, task_id="task-1").status == IdentityCheck.Status.PASSED


def test_a_check_that_cannot_run_is_an_error_and_goes_to_a_person(applicant):
    application = _submitted(applicant)
    check = application.identity_checks.get()
    check.selfie.file.delete(save=False)

    check = _run(application)

    assert check.status == IdentityCheck.Status.ERROR
    assert "FileNotFoundError" in check.error
    assert application.state == State.IDENTITY_ADJUDICATION
    assert check.runs.get().outcome == "error"


@pytest.mark.parametrize("content", [images.truncated_jpeg(), images.text(), images.decompression_bomb(8_000)], ids=["corrupt", "not-an-image", "bomb"])
def test_a_stored_photo_that_cannot_be_decoded_is_an_outcome_not_an_error(applicant, content):
    application = _submitted(applicant)
    check = application.identity_checks.get()
    with open(check.selfie.file.path, "wb") as stored:
        stored.write(content)

    check = _run(application)

    assert check.status == IdentityCheck.Status.FAILED
    assert check.reasons == ["selfie.unreadable"]


def test_the_sweeper_requeues_a_stuck_check_a_bounded_number_of_times_then_gives_it_to_a_person(
    applicant, settings, django_capture_on_commit_callbacks
):
    application = _submitted(applicant)
    check = application.identity_checks.get()
    old = timezone.now() - timedelta(seconds=settings.IDENTITY_CHECK_PENDING_TIMEOUT + 1)

    for sweep in range(settings.IDENTITY_CHECK_MAX_SWEEPS):
        IdentityCheck.objects.filter(id=check.id).update(queued_at=old)
        with django_capture_on_commit_callbacks() as callbacks:
            assert identity_checks_sweep() == {"requeued": 1, "given_up": 0}
        assert len(callbacks) == 1
    IdentityCheck.objects.filter(id=check.id).update(queued_at=old)
    assert identity_checks_sweep() == {"requeued": 0, "given_up": 1}

    check.refresh_from_db()
    application.refresh_from_db()
    assert check.status == IdentityCheck.Status.ERROR
    assert "Gave up after 3" in check.error
    assert application.state == State.IDENTITY_ADJUDICATION


def test_the_sweeper_recovers_a_check_abandoned_while_running(applicant, settings):
    application = _submitted(applicant)
    check = application.identity_checks.get()
    long_ago = timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 1)
    IdentityCheck.objects.filter(id=check.id).update(status=IdentityCheck.Status.RUNNING, claimed_by="gone", started_at=long_ago)
    IdentityCheckRun.objects.create(identity_check=check, trigger="submitted", task_id="gone")

    assert identity_checks_sweep() == {"requeued": 1, "given_up": 0}
    check = _run(application, task_id="from-the-sweeper")

    assert check.status == IdentityCheck.Status.PASSED
    assert [(run.trigger, run.outcome) for run in check.runs.all()] == [("submitted", "interrupted"), ("sweeper", "passed")]


def test_the_sweeper_leaves_healthy_checks_alone(applicant):
    _submitted(applicant)

    assert identity_checks_sweep() == {"requeued": 0, "given_up": 0}


def test_a_passed_selfie_is_enrolled_and_the_same_face_elsewhere_is_flagged(applicant, second_applicant):
    first = _submitted(applicant)
    _run(first)
    assert FaceEnrolment.objects.filter(application=first).exists()

    second = _submitted(second_applicant)
    check = _run(second)

    candidate = DuplicateCandidate.objects.get()
    assert (candidate.application, candidate.candidate, candidate.identity_check) == (second, first, check)
    assert candidate.distance < 0.5
    assert not candidate.resolved_at


def test_a_different_face_is_not_flagged(applicant, second_applicant):
    _run(_submitted(applicant))

    _run(_submitted(second_applicant, passport=images.hopper_passport(), selfie=images.hopper_selfie()))

    assert not DuplicateCandidate.objects.exists()
    assert FaceEnrolment.objects.count() == 2


def test_an_application_is_not_its_own_duplicate(applicant, settings):
    application = _submitted(applicant, selfie=images.dark_selfie())
    _run(application)
    application_retry_identity(
        application=application, actor=applicant,
        passport_photo=read_photo(upload("p.jpg", images.astronaut_passport()), label="Passport"),
        selfie=read_photo(upload("s.jpg", images.astronaut_selfie()), label="Selfie"),
    )
    _run(application)

    assert not DuplicateCandidate.objects.exists()


def test_an_unknown_check_id_is_ignored(db):
    identity_check_run(check_id=987654, task_id="x")

    assert not IdentityCheck.objects.exists()
