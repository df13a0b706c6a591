"""Share codes: a holder proves their immigration status to an employer or landlord.

A code is made for one purpose (right to work, right to rent, something else) and
answers only that purpose's question (`status_answer`), on the check page and
through the status API alike. A code is 9 characters from an alphabet without look-alikes (no 0, O, 1, I, L or U),
written in three groups (W7K 3MF 9QX), valid for 90 days unless revoked. Only a
keyed hash of it is stored: the holder sees it once, when it is made, and may have
a few working at a time. A check needs the code and the holder's date of birth; it
is refused after too many tries from one address, or too many wrong dates of birth
for one code, and every check, refused or not, is logged for the holder to see.
"""

import datetime
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.models import User
from applications.workflow import WorkflowError
from casework.constants import Condition
from casework.models import ImmigrationStatus, ShareCode, ShareCodeCheck, SharePurpose

ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
LENGTH = 9
VALID_FOR = timedelta(days=90)


class RateLimited(Exception):
    """Too many checks from one address: try again later."""


@dataclass(frozen=True)
class NewShareCode:
    """A code just made: the only time the code itself exists outside the holder's hands."""

    share_code: ShareCode
    code: str


def code_hash(code: str) -> str:
    return salted_hmac("casework.share-code", normalise_code(code), secret=settings.SHARE_CODE_KEY, algorithm="sha256").hexdigest()


def format_code(code: str) -> str:
    return " ".join(code[i : i + 3] for i in range(0, LENGTH, 3))


def normalise_code(text: str) -> str:
    return "".join(text.split()).replace("-", "").upper()


def share_code_create(
    *, status: ImmigrationStatus, holder: User, purpose: str = SharePurpose.OTHER, show_photo: bool = False
) -> NewShareCode:
    if purpose not in SharePurpose.values:
        raise WorkflowError("Choose what the share code is for.")
    if status.holder_id != holder.id:
        raise WorkflowError("Only the holder of a status can share it.")
    now = timezone.now()
    expires_at = now + VALID_FOR
    if status.valid_until:
        # A code never outlives the permission it proves.
        end = timezone.make_aware(datetime.datetime.combine(status.valid_until + timedelta(days=1), datetime.time.min))
        expires_at = min(expires_at, end)
    if expires_at <= now:
        raise WorkflowError("This permission has ended: there is nothing to share.")
    code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    with transaction.atomic():
        # Locking the status makes counting its working codes and adding one a single step.
        ImmigrationStatus.objects.select_for_update().filter(id=status.id).first()
        working = status.share_codes.filter(revoked_at__isnull=True, expires_at__gt=now).count()
        if working >= settings.SHARE_CODES_ACTIVE_LIMIT:
            raise WorkflowError(
                f"You already have {working} share codes that work. Stop one you no longer need before creating another."
            )
        share_code = ShareCode.objects.create(
            status=status, code_hash=code_hash(code), ending=code[-3:], created_at=now, expires_at=expires_at,
            purpose=purpose, show_photo=show_photo,
        )
    return NewShareCode(share_code=share_code, code=code)


def share_code_revoke(*, share_code: ShareCode, holder: User) -> None:
    """Revoke a code so that it can no longer be used. Revoking twice changes nothing."""
    if share_code.status.holder_id != holder.id:
        raise WorkflowError("Only the holder of a status can revoke its codes.")
    ShareCode.objects.filter(id=share_code.id, revoked_at__isnull=True).update(revoked_at=timezone.now())


def _address_hash(address: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class CheckResult:
    outcome: str
    check: ShareCodeCheck
    status: ImmigrationStatus | None = None
    share_code: ShareCode | None = None


def share_code_check(
    *, code: str, date_of_birth: datetime.date, organisation: str, address: str, purpose: str | None = None,
    channel: str = ShareCodeCheck.Channel.PAGE,
) -> CheckResult:
    """Check a code and date of birth; the status is returned only when both are right, and the code
    was made for `purpose` (None: whatever the code was made for, as on the check page).

    On the page, raises RateLimited when this address has checked too often; the API
    counts each client's calls against its own quota instead. Every attempt, refused
    or not, is logged.
    """
    now = timezone.now()
    address_hash = _address_hash(address)
    window = now - timedelta(seconds=settings.SHARE_CODE_CHECK_WINDOW)
    # Approximate under a burst of simultaneous requests from one address (each
    # counts before any has written); the per-code limit below is exact.
    if channel == ShareCodeCheck.Channel.PAGE and (
        ShareCodeCheck.objects.filter(address_hash=address_hash, checked_at__gte=window, channel=channel).count()
        >= settings.SHARE_CODE_CHECKS_PER_ADDRESS
    ):
        # Logged too, against the code if it is one: the holder sees the attempts.
        share_code = ShareCode.objects.filter(code_hash=code_hash(code)).first()
        ShareCodeCheck.objects.create(
            share_code=share_code, organisation=organisation, outcome=ShareCodeCheck.Outcome.RATE_LIMITED, address_hash=address_hash
        )
        raise RateLimited
    with transaction.atomic():
        # Locking the code makes counting its wrong dates of birth and recording this
        # attempt one step, so simultaneous guesses cannot exceed the limit.
        share_code = ShareCode.objects.select_for_update().select_related("status__application").filter(code_hash=code_hash(code)).first()
        outcome, status = _outcome(share_code, date_of_birth, now, purpose)
        check = ShareCodeCheck.objects.create(
            share_code=share_code, organisation=organisation, outcome=outcome, address_hash=address_hash, channel=channel
        )
    return CheckResult(outcome=outcome, check=check, status=status, share_code=share_code if status else None)


def _outcome(share_code: ShareCode | None, date_of_birth: datetime.date, now, purpose: str | None) -> tuple[str, ImmigrationStatus | None]:
    status = None
    if share_code is None:
        outcome = ShareCodeCheck.Outcome.NOT_FOUND
    elif share_code.revoked_at:
        outcome = ShareCodeCheck.Outcome.REVOKED
    elif share_code.expires_at <= now:
        outcome = ShareCodeCheck.Outcome.EXPIRED
    elif share_code.checks.filter(outcome=ShareCodeCheck.Outcome.WRONG_DATE_OF_BIRTH, checked_at__gte=now - timedelta(days=1)).count() >= settings.SHARE_CODE_WRONG_DOB_LIMIT:
        # Guessing dates of birth for a known code is slow and visible to the holder.
        outcome = ShareCodeCheck.Outcome.LOCKED
    elif share_code.status.application.answers.get("date_of_birth") != date_of_birth.isoformat():
        outcome = ShareCodeCheck.Outcome.WRONG_DATE_OF_BIRTH
    elif purpose is not None and purpose != share_code.purpose:
        # Said only after the date of birth matched, so it reveals nothing to a guesser.
        outcome = ShareCodeCheck.Outcome.WRONG_PURPOSE
    else:
        outcome, status = ShareCodeCheck.Outcome.SHOWN, share_code.status
    return outcome, status


@dataclass(frozen=True)
class StatusAnswer:
    """The answer to a share code's one question, and no more than it needs."""

    purpose: str
    name: str
    # Right to work: may they work (and on what terms); right to rent: may they rent; other: the permission.
    allowed: bool
    valid_from: datetime.date
    valid_until: datetime.date | None
    # Work restrictions (right to work), or work and study conditions (other); empty for right to rent.
    conditions: list[str]
    route: str
    photo: bytes

    @property
    def follow_up_check_due(self) -> datetime.date | None:
        """A time-limited permission is checked again before it ends (the Home Office's follow-up check)."""
        return self.valid_until if self.allowed else None


def status_answer(*, share_code: ShareCode, today: datetime.date | None = None) -> StatusAnswer:
    status = share_code.status
    today = today or timezone.localdate()
    current = status.valid_from <= today and (status.valid_until is None or status.valid_until >= today)
    work = dict(Condition.WORK).get(status.work_condition, status.work_condition)
    study = dict(Condition.STUDY).get(status.study_condition, status.study_condition)
    purpose = share_code.purpose
    if purpose == SharePurpose.RIGHT_TO_WORK:
        allowed = current and status.work_condition != "none"
        conditions = [work] if allowed and status.work_condition != "unrestricted" else []
    elif purpose == SharePurpose.RIGHT_TO_RENT:
        allowed, conditions = current, []
    else:
        allowed, conditions = current, [work, study]
    return StatusAnswer(
        purpose=purpose,
        name=status.application.full_name,
        allowed=allowed,
        valid_from=status.valid_from,
        valid_until=status.valid_until,
        conditions=conditions,
        route=status.application.route_details.name,
        photo=bytes(status.photo) if share_code.show_photo else b"",
    )
