from celery import current_task, shared_task

from applications import identity_checks, retention
from applications.transitions import Job
from identity.errors import TRANSIENT_ERRORS
from outbox.consumer import outbox_task


def _give_up(message, error: BaseException) -> None:
    identity_checks.application_identity_check_give_up(application_id=message.kwargs["application_id"], error=error)


# Storage or the database away: tried again with backoff (outbox/consumer.py) until
# OUTBOX_GIVE_UP_AFTER, then the check is recorded as an error and goes to a person.
@outbox_task(Job.IDENTITY_CHECK, retry_on=TRANSIENT_ERRORS, on_give_up=_give_up)
def run_identity_check(*, application_id: str) -> None:
    request = current_task.request
    identity_checks.application_identity_check_run(
        application_id=application_id, task_id=request.id or "", worker=request.hostname or ""
    )


@shared_task(name="applications.purge_biometrics")
def purge_biometrics() -> int:
    return retention.biometrics_purge_due()
