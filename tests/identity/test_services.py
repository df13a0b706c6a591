from datetime import timedelta

from django.utils import timezone

from applications.models import State
from applications.services import application_submit
from identity.models import IdentityCheck
from identity.services import identity_check_run
from tests import images
from tests.factories import draft_application


def _submitted(applicant, **photos):
    return application_submit(application=draft_application(applicant, **photos), actor=applicant)


def test_submission_queues_the_check_only_after_commit(applicant, django_capture_on_commit_callbacks):
    draft = draft_application(applicant)

    with django_capture_on_commit_callbacks() as callbacks:
        application = application_submit(application=draft, actor=applicant)

    # The identity check and the acknowledgement email, both only once the submission is committed.
    assert len(callbacks) == 2
    check = application.identity_checks.get()
    assert check.status == IdentityCheck.Status.PENDING
    assert application.state == State.IDENTITY_CHECKING


def test_matching_photos_pass_and_send_the_case_to_casework(applicant):
    application = _submitted(applicant)
    check = application.identity_checks.get()

    identity_check_run(check_id=check.id)

    check.refresh_from_db()
    application.refresh_from_db()
    assert check.status == IdentityCheck.Status.PASSED
    assert check.distance < check.pass_threshold == 0.5
    assert application.state == State.READY_FOR_CASEWORK
    event = application.events.last()
    assert (event.transition, event.actor) == ("pass_identity", None)
    assert "distance" in event.reason


def test_photos_of_different_people_send_the_case_to_identity_review(applicant):
    application = _submitted(applicant, selfie=images.hopper_selfie())
    check = application.identity_checks.get()

    identity_check_run(check_id=check.id)

    check.refresh_from_db()
    application.refresh_from_db()
    assert check.status == IdentityCheck.Status.FAILED
    assert check.reasons == ["no_match"]
    assert application.state == State.IDENTITY_ADJUDICATION


def test_a_duplicated_message_does_no_second_run(applicant):
    application = _submitted(applicant)
    check = application.identity_checks.get()

    identity_check_run(check_id=check.id)
    check.refresh_from_db()
    finished_at = check.finished_at
    identity_check_run(check_id=check.id)

    check.refresh_from_db()
    assert check.finished_at == finished_at
    assert application.events.filter(transition="pass_identity").count() == 1


def test_a_check_that_cannot_run_is_recorded_and_the_case_goes_to_a_person(applicant):
    application = _submitted(applicant)
    check = application.identity_checks.get()
    check.selfie.file.delete(save=False)

    identity_check_run(check_id=check.id)

    check.refresh_from_db()
    application.refresh_from_db()
    assert check.status == IdentityCheck.Status.ERROR
    assert "FileNotFoundError" in check.error
    assert application.state == State.IDENTITY_ADJUDICATION
    assert "could not be completed" in application.events.last().reason


def test_a_check_left_running_by_a_dead_worker_is_taken_again(applicant, settings):
    application = _submitted(applicant)
    check = application.identity_checks.get()
    IdentityCheck.objects.filter(id=check.id).update(
        status=IdentityCheck.Status.RUNNING, started_at=timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 1)
    )

    identity_check_run(check_id=check.id)

    check.refresh_from_db()
    assert check.status == IdentityCheck.Status.PASSED


def test_a_check_running_within_its_time_limit_is_left_alone(applicant):
    application = _submitted(applicant)
    check = application.identity_checks.get()
    IdentityCheck.objects.filter(id=check.id).update(status=IdentityCheck.Status.RUNNING, started_at=timezone.now())

    identity_check_run(check_id=check.id)

    check.refresh_from_db()
    assert check.status == IdentityCheck.Status.RUNNING
    assert check.finished_at is None


def test_an_unknown_check_id_is_ignored(db):
    identity_check_run(check_id=987654)

    assert not IdentityCheck.objects.exists()
