import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncWeek

from accounts.models import User
from audit.access_log import APPLICANT_ROLE
from audit.models import CASE_READS, AccessAction, AccessRecord


@dataclass(frozen=True)
class ReportRow:
    week: datetime.date
    person: str
    role: str
    case_pages: int
    documents: int
    face_images: int
    letters: int
    cases: int
    total: int


def unassigned_reads_report(*, since: datetime.date | None = None, until: datetime.date | None = None) -> list[ReportRow]:
    """Reads by staff of cases not assigned to them at the time, by week (Monday) and person.

    Synthetic journeys' own cases are left out: their caseworkers open them by address and
    would swamp the figures; the log itself keeps them.
    """
    reads = AccessRecord.objects.filter(viewer_assigned=False, action__in=CASE_READS, cohort="")
    if since:
        reads = reads.filter(created_at__date__gte=since)
    if until:
        reads = reads.filter(created_at__date__lte=until)
    grouped = (
        reads.annotate(week=TruncWeek("created_at"))
        .values("week", "actor_id", "actor_role")
        .annotate(
            case_pages=Count("id", filter=Q(action=AccessAction.CASE_VIEWED)),
            documents=Count("id", filter=Q(action=AccessAction.DOCUMENT_VIEWED)),
            face_images=Count("id", filter=Q(action=AccessAction.FACE_IMAGE_VIEWED)),
            letters=Count("id", filter=Q(action=AccessAction.LETTER_VIEWED)),
            cases=Count("application_id", distinct=True),
            total=Count("id"),
        )
        .order_by("-week", "actor_id")
    )
    rows = list(grouped)
    people = dict(User.objects.filter(id__in={row["actor_id"] for row in rows}).values_list("id", "email"))
    return [
        ReportRow(
            week=row["week"].date() if isinstance(row["week"], datetime.datetime) else row["week"],
            person=people.get(row["actor_id"], f"deleted account {row['actor_id']}"),
            role=row["actor_role"],
            **{key: row[key] for key in ("case_pages", "documents", "face_images", "letters", "cases", "total")},
        )
        for row in rows
    ]


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime.datetime
    role: str
    what: str


def application_access_history(*, application_id, applicant_id: int, limit: int = 50) -> list[HistoryEntry]:
    """Who read an application's records, by role only (never a member of staff's name), newest first.

    The applicant's own reads are left out: this is what others looked at. The whole
    history is in their subject access archive; the page shows the latest `limit`.
    """
    records: QuerySet = (
        AccessRecord.objects.filter(application_id=application_id)
        .exclude(actor_id=applicant_id)
        .exclude(actor_role=APPLICANT_ROLE)
        .order_by("-id")
        .values_list("created_at", "actor_role", "action")[:limit]
    )
    return [HistoryEntry(at=at, role=role, what=AccessAction(action).label) for at, role, action in records]
