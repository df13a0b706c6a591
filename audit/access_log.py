"""The access log: an append-only, hash-chained record of every read of personal data.

Views call `access_record(...)` at their top, beside their access check, before
anything is shown: a read that cannot be recorded does not happen.

Chain: each row's hash is SHA-256 over its own contents and the previous row's
hash. Appends lock the one AccessLogHead row, so two writers never link to the
same predecessor, and the head remembers the last row written, so that rows
removed from the end also show. `access_log_verify` walks the chain from the
anchor that pruning leaves (the hash of the last row pruned). The hash is not
keyed: someone able to rewrite the whole table could rebuild the chain, so keep
the head hash that `manage.py verify_access_log` prints somewhere else as well.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from audit.models import AccessAction, AccessLogHead, AccessRecord
from config.middleware import client_ip

# Roles in the order a person's role is named by (someone in two groups is named by both).
STAFF_ROLES = ["Auditor", "Team leader", "Senior caseworker", "Caseworker"]
APPLICANT_ROLE = "Applicant"

_HASHED_FIELDS = [
    "created_at", "actor_id", "actor_role", "action", "application_id", "subject_id",
    "target", "reason", "client_address", "viewer_assigned", "cohort",
]


def role_of(user) -> str:
    """The user's role as the log names it: their staff groups, or "Applicant"."""
    if not hasattr(user, "_access_log_role"):
        groups = set(user.groups.values_list("name", flat=True))
        user._access_log_role = ", ".join(role for role in STAFF_ROLES if role in groups) or APPLICANT_ROLE
    return user._access_log_role


def _canonical(value):
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.timezone.utc).isoformat()
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)


def record_hash(record: AccessRecord, prev_hash: str) -> str:
    contents = {name: _canonical(getattr(record, name)) for name in _HASHED_FIELDS}
    payload = json.dumps({"prev": prev_hash, **contents}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


def _head_for_update() -> AccessLogHead:
    try:
        return AccessLogHead.objects.select_for_update().get(id=1)
    except AccessLogHead.DoesNotExist:
        # Migration audit 0002 makes the row; a database flushed since (tests) gets it back here.
        AccessLogHead.objects.get_or_create(id=1)
        return AccessLogHead.objects.select_for_update().get(id=1)


def access_log_append(**fields) -> AccessRecord:
    """Append one row to the chain. Prefer `access_record`, which fills the fields from a request."""
    with transaction.atomic():
        head = _head_for_update()
        # The time is taken under the lock, so rows are in time order as well as id order (pruning relies on it).
        record = AccessRecord(created_at=timezone.now(), prev_hash=head.last_hash, **fields)
        record.hash = record_hash(record, head.last_hash)
        record.save(force_insert=True)
        AccessLogHead.objects.filter(id=1).update(last_id=record.id, last_hash=record.hash)
    return record


def access_record(
    request: HttpRequest,
    *,
    action: str,
    application=None,
    subject=None,
    target: str = "",
    reason: str = "",
) -> AccessRecord:
    """Record that the signed-in user is reading `application`'s records, or `subject`'s (a person's, across
    their applications), or searching (neither).

    Call it at the top of a view, after the access check and before the data is read out.
    """
    user = request.user
    role = role_of(user)
    fields = {
        "actor_id": user.pk,
        "actor_role": role,
        "action": action,
        "target": target,
        "reason": reason,
        "client_address": client_ip(request),
    }
    if application is not None:
        fields.update(
            application_id=application.id,
            subject_id=application.applicant_id,
            cohort=application.synthetic_cohort,
            viewer_assigned=None if role == APPLICANT_ROLE else application.assigned_to_id == user.pk,
        )
    elif subject is not None:
        fields.update(subject_id=subject.pk, cohort=subject.synthetic_cohort)
    elif user.synthetic_cohort:
        fields["cohort"] = user.synthetic_cohort
    return access_log_append(**fields)


def access_record_status_check(*, client_name: str, client_address: str, application, purpose: str) -> AccessRecord:
    """Record one status check by a third party's system through the status API.

    For the API to call, once per check that reaches a status, beside its own access
    check: `client_name` is the API client's registered name (there is no user),
    `purpose` the reason the client gave (right to work, right to rent). The holder
    then sees the check in their access history as "Status checked".
    """
    return access_log_append(
        actor_id=None,
        actor_role="API client",
        action=AccessAction.STATUS_CHECKED,
        application_id=application.id,
        subject_id=application.applicant_id,
        cohort=application.synthetic_cohort,
        target=client_name,
        reason=purpose,
        client_address=client_address,
    )


@dataclass(frozen=True)
class Verification:
    rows: int
    head_hash: str
    broken_at: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem


def access_log_verify() -> Verification:
    """Walk the chain from the anchor to the head; the first row where it breaks, and why."""
    # The head first: rows appended while we read come after it and are left for next time.
    head = AccessLogHead.objects.get_or_create(id=1)[0]
    expected, last_id, rows = head.anchor_hash, None, 0
    chain = AccessRecord.objects.filter(id__gt=head.anchor_id, id__lte=head.last_id).order_by("id")
    for record in chain.iterator(chunk_size=2000):
        if record.prev_hash != expected:
            after = f"row {last_id}" if last_id else "the start of the log"
            return Verification(rows, head.last_hash, record.id, f"row {record.id} does not follow {after}: a row between them was removed, or {after} was changed and its hash rewritten")
        if record_hash(record, record.prev_hash) != record.hash:
            return Verification(rows, head.last_hash, record.id, f"row {record.id} does not match its hash: it was changed")
        expected, last_id, rows = record.hash, record.id, rows + 1
    if expected != head.last_hash:
        return Verification(rows, head.last_hash, last_id, f"the log ends at row {last_id or 'none'} but row {head.last_id} was the last written: rows at the end were removed")
    return Verification(rows, head.last_hash)


def access_log_prune(*, now: datetime.datetime | None = None) -> int:
    """Delete rows older than ACCESS_LOG_RETENTION_DAYS, leaving the last one's hash as the anchor."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.ACCESS_LOG_RETENTION_DAYS)
    with transaction.atomic():
        head = _head_for_update()
        last = (
            AccessRecord.objects.filter(id__gt=head.anchor_id, id__lte=head.last_id, created_at__lt=cutoff)
            .order_by("-id").values("id", "hash").first()
        )
        if last is None:
            return 0
        # The only deletion there is, so it goes around the model's refusal on purpose.
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {AccessRecord._meta.db_table} WHERE id <= %s", [last["id"]])
            deleted = cursor.rowcount
        AccessLogHead.objects.filter(id=1).update(anchor_id=last["id"], anchor_hash=last["hash"], pruned_at=timezone.now())
    return deleted
