from smtplib import SMTPException

from outbox import mail
from outbox.consumer import outbox_task
from outbox.services import DELIVER_EMAIL


# A mail server that refuses or cannot be reached is tried again with backoff for
# EMAIL_GIVE_UP_AFTER seconds; then the email is marked as not sent, where the case shows it.
@outbox_task(DELIVER_EMAIL, retry_on=(SMTPException, OSError), on_give_up=mail.email_give_up)
def deliver_email(*, email_id: int) -> None:
    mail.email_deliver(email_id=email_id)
