from smtplib import SMTPException

from celery import shared_task

from accounts import services


@shared_task(name="accounts.send_email_confirmation", autoretry_for=(SMTPException, OSError), retry_backoff=True, max_retries=5)
def send_email_confirmation(user_id: int, key: str) -> None:
    services.email_confirmation_send(user_id=user_id, key=key)
