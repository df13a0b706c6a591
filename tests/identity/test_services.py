from datetime import timedelta

import pytest
from django.db import OperationalError, transaction
from django.utils import timezone

from applications.models import State
from applications.services import application_retry_identity, application_submit
from applications.uploads import read_photo
from identity import services
from identity.models import DuplicateCandidate, FaceEnrolment, IdentityCheck, IdentityCheckRun
from applications.identity_checks import application_identity_check_give_up, application_identity_check_run
from identity.services import identity_check_run
from outbox.models import Email, Message
from tests import images
from tests.factories import draft_application, upload


def _submitted(applicant, **photos):
    return application_submit(application=draft_application(applicant, **photos), actor=applicant)


def _run(application, task_id="task-1"):
    check = application.identity_checks.order_by("-attempt").first()
    application_identity_check_run(application_id=check.application_id, task_id=task_id, worker="test-worker")
    check.refresh_from_db()
    application.refresh_from_db()
    return check


def test_submission_writes_the_check_job_and_the_email_in_its_own_transaction(applicant):
    application = application_submit(application=draft_application(applicant), actor=applicant)

    started = application.events.get(transition="start_identity_check")
    job = Message.objects.get(task="identity.run_identity_check")
    assert (job.key, job.kwargs, job.status) == (
        f"identity.run_identity_check:{started.id}", {"application_id": str(application.id)}, Message.Status.PENDING
    )
    assert Email.objects.get().subject == f"We have received your application {application.reference}"
    assert application.identity_checks.get().status == IdentityCheck.Status.PENDING


def test_a_submission_that_rolls_back_leaves_no_job_and_no_email(applicant):
    draft = draft_application(applicant)

    with pytest.raises(RuntimeError), transaction.atomic():
        application_submit(application=draft, actor=applicant)
        raise RuntimeError("the request failed after submitting")

    assert not Message.objects.exists() and not Email.objects.exists() and not IdentityCheck.objects.exists()


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
def test_a_poor_photo_asks_the_applicant_for_new_ones_with_guidance(applicant, selfie):
    application = _submitted(applicant, selfie=selfie())

    check = _run(application)

    assert check.status == IdentityCheck.Status.FAILED
    assert len(check.reasons) == 1 and check.reasons[0].startswith("selfie.")
    assert application.state == State.IDENTITY_RETRY
    asking = Email.objects.get(subject__startswith="We need new photos")
    assert check.reason_texts[0] in asking.body


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

    application_identity_check_run(application_id=check.application_id, task_id="duplicate")

    assert check.runs.count() == 1
    assert application.events.filter(transition="pass_identity").count() == 1


def test_a_duplicate_message_leaves_a_running_check_alone(applicant):
    application = _submitted(applicant)
    check = application.identity_checks.get()
    IdentityCheck.objects.filter(id=check.id).update(status=IdentityCheck.Status.RUNNING, claimed_by="holder", started_at=timezone.now())

    application_identity_check_run(application_id=check.application_id, task_id="another")

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


def test_an_unavailable_database_or_storage_is_retried_not_recorded_as_an_outcome(applicant, monkeypatch):
    application = _submitted(applicant)
    check = application.identity_checks.get()

    def unavailable(document):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(services, "_read", unavailable)
    with pytest.raises(OperationalError):
        application_identity_check_run(application_id=check.application_id, task_id="task-1")
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


def test_a_check_left_running_past_the_time_limit_is_taken_back_by_the_next_delivery(applicant, settings):
    application = _submitted(applicant)
    check = application.identity_checks.get()
    long_ago = timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 1)
    IdentityCheck.objects.filter(id=check.id).update(status=IdentityCheck.Status.RUNNING, claimed_by="gone", started_at=long_ago)
    IdentityCheckRun.objects.create(identity_check=check, trigger="submitted", task_id="gone")

    check = _run(application, task_id="published-again")

    assert check.status == IdentityCheck.Status.PASSED
    assert [(run.trigger, run.outcome) for run in check.runs.all()] == [("submitted", "interrupted"), ("redelivered", "passed")]


def test_a_check_cut_short_again_and_again_goes_to_a_person_not_round_again(applicant, settings):
    application = _submitted(applicant)
    check = application.identity_checks.get()
    for number in range(settings.IDENTITY_CHECK_MAX_INTERRUPTIONS):
        IdentityCheckRun.objects.create(identity_check=check, trigger="submitted", task_id=f"killed-{number}",
                                        finished_at=timezone.now(), outcome=IdentityCheckRun.Outcome.INTERRUPTED)

    check = _run(application)

    assert check.status == IdentityCheck.Status.ERROR
    assert "cut short 3 times" in check.error
    assert application.state == State.IDENTITY_ADJUDICATION


def test_a_check_whose_retries_ran_out_goes_to_a_person(applicant):
    application = _submitted(applicant)

    application_identity_check_give_up(application_id=str(application.id), error=OperationalError("database unavailable"))

    check = application.identity_checks.get()
    application.refresh_from_db()
    assert check.status == IdentityCheck.Status.ERROR
    assert "OperationalError: database unavailable" in check.error
    assert application.state == State.IDENTITY_ADJUDICATION


def test_a_passed_selfie_is_enrolled_and_the_same_face_elsewhere_is_flagged(applicant, second_applicant):
    first = _submitted(applicant)
    _run(first)
    assert FaceEnrolment.objects.filter(application=first).exists()

    second = _submitted(second_applicant)
    check = _run(second)

    candidate = DuplicateCandidate.objects.get(application=second)
    assert (candidate.application, candidate.candidate, candidate.identity_check) == (second, first, check)
    assert candidate.distance < 0.5
    assert not candidate.resolved_at
    # The earlier application is flagged too, against the check that enrolled its face.
    mirror = DuplicateCandidate.objects.get(application=first)
    assert (mirror.candidate, mirror.identity_check, mirror.distance) == (second, first.identity_checks.get(), candidate.distance)


def test_a_withdrawn_applications_face_is_not_enrolled(applicant, second_applicant):
    from applications.services import application_withdraw

    first = _submitted(applicant)
    _run(first)
    second = _submitted(second_applicant)
    application_withdraw(application=second, actor=second_applicant)

    check = _run(second)

    assert check.status == IdentityCheck.Status.PASSED
    assert second.state == State.WITHDRAWN
    assert not FaceEnrolment.objects.filter(application=second).exists()
    assert list(FaceEnrolment.objects.values_list("application", flat=True)) == [first.id]


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
