from datetime import timedelta

from django.core.mail import send_mail
from django.db.models import Q
from django.utils import timezone

from accounts.models import SentEmail, User
from synthetic.models import SyntheticEmail

# A claim older than this belongs to a worker that died while sending.
_CLAIM_TIMEOUT = timedelta(minutes=5)


def send_once(*, key: str, subject: str, body: str, to: list[str]) -> bool:
    """Send an email at most once for `key`, however often the task that sends it is delivered.

    Returns False if it was already sent (or is being sent). A failed send releases
    the claim, so that the task's retry can send it.
    """
    SentEmail.objects.get_or_create(key=key)
    now = timezone.now()
    claimed = (
        SentEmail.objects.filter(key=key, sent_at__isnull=True)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - _CLAIM_TIMEOUT))
        .update(claimed_at=now)
    )
    if not claimed:
        return False
    try:
        _deliver(subject, body, to)
    except BaseException:
        SentEmail.objects.filter(key=key).update(claimed_at=None)
        raise
    SentEmail.objects.filter(key=key).update(sent_at=timezone.now())
    return True


def _deliver(subject: str, body: str, to: list[str]) -> None:
    """Send, except to synthetic accounts, whose email is kept in the synthetic mailbox."""
    synthetic = set(User.objects.filter(email__in=to).exclude(synthetic_cohort="").values_list("email", flat=True))
    SyntheticEmail.objects.bulk_create([SyntheticEmail(to=address, subject=subject, body=body) for address in to if address in synthetic])
    if real := [address for address in to if address not in synthetic]:
        send_mail(subject, body, None, real)
