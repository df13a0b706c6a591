from django.db import OperationalError

from applications.transitions import Job
from automation import services
from outbox.consumer import outbox_task


def _give_up(message, error: BaseException) -> None:
    services.automated_decision_give_up(application_id=message.kwargs["application_id"], error=error)


# A database briefly away: the outbox tries the job again with backoff; given up, the case goes to a person.
@outbox_task(Job.AUTOMATED_DECISION, retry_on=(OperationalError,), on_give_up=_give_up)
def make_automated_decision(*, application_id: str) -> None:
    services.automated_decision_make(application_id=application_id)
