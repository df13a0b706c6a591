from smtplib import SMTPException

from celery import shared_task

from applications import notifications


# Mail servers fail transiently; a message that cannot be built (no such
# application) is not retried.
@shared_task(name="applications.send_application_email", autoretry_for=(SMTPException, OSError), retry_backoff=True, max_retries=5)
def send_application_email(application_id: str, kind: str, event_id: int) -> None:
    notifications.application_email_send(application_id=application_id, kind=kind, event_id=event_id)
