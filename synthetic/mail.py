from accounts.models import User
from synthetic.models import SyntheticEmail


def divert_to_mailbox(*, to: str, subject: str, body: str) -> bool:
    """settings.OUTBOX_EMAIL_DIVERT: keep a synthetic account's email in the synthetic mailbox instead of sending it."""
    if not User.objects.filter(email=to).exclude(synthetic_cohort="").exists():
        return False
    SyntheticEmail.objects.create(to=to, subject=subject, body=body)
    return True
