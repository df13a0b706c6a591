"""Subject access: one archive of everything held about a person, with a readable index.

Prepared by a background job (audit.tasks.prepare_subject_access_export), kept for
SUBJECT_ACCESS_EXPORT_HOURS, then deleted. What it holds about other people is left
out: staff appear by role, never by name; a potential duplicate is shown by its
distance, never by the other application; share-code checkers by the organisation
they gave. Internal case notes are not included (they are never shown to the
applicant; whether an exemption applies is for a person to decide on each request).
"""

import json
import logging
import tempfile
import zipfile
from datetime import timedelta
from shutil import copyfileobj

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import User
from applications.models import Application
from applications.routes import DocumentKind
from audit.access_log import APPLICANT_ROLE, role_of
from audit.models import AccessAction, AccessRecord, SubjectAccessExport
from casework.models import ShareCodeCheck
from outbox.services import outbox_enqueue

logger = logging.getLogger(__name__)

# The Celery task that prepares an archive (audit/tasks.py); queued through the outbox.
PREPARE_EXPORT = "audit.prepare_subject_access_export"


def subject_access_request(*, subject: User, requested_by: User) -> SubjectAccessExport:
    """Ask for an archive of `subject`'s records; one already being prepared is returned instead of a second."""
    waiting = SubjectAccessExport.objects.filter(
        subject=subject, status__in=[SubjectAccessExport.Status.PENDING, SubjectAccessExport.Status.RUNNING]
    ).first()
    if waiting:
        return waiting
    with transaction.atomic():
        export = SubjectAccessExport.objects.create(subject=subject, requested_by=requested_by)
        outbox_enqueue(task=PREPARE_EXPORT, key=f"subject-access:{export.id}", kwargs={"export_id": str(export.id)})
    return export


def _claim(export_id) -> bool:
    """Take the export for this run; a run that died mid-way is taken over after the task's hard time limit."""
    stale = timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    return bool(
        SubjectAccessExport.objects.filter(
            Q(status=SubjectAccessExport.Status.PENDING) | Q(status=SubjectAccessExport.Status.RUNNING, requested_at__lt=stale),
            id=export_id,
        ).update(status=SubjectAccessExport.Status.RUNNING)
    )


def subject_access_prepare(*, export_id) -> None:
    if not _claim(export_id):
        return
    export = SubjectAccessExport.objects.select_related("subject").get(id=export_id)
    try:
        with tempfile.TemporaryFile() as archive:
            with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
                _write_archive(zipped, export.subject)
            size = archive.seek(0, 2)
            archive.seek(0)
            export.file.save(f"{export.id}.zip", File(archive), save=False)
    except Exception as error:
        logger.exception("Subject access export %s failed", export_id)
        SubjectAccessExport.objects.filter(id=export_id).update(status=SubjectAccessExport.Status.FAILED, error=repr(error)[:2000])
        raise
    now = timezone.now()
    SubjectAccessExport.objects.filter(id=export_id).update(
        status=SubjectAccessExport.Status.READY, file=export.file.name, size=size, ready_at=now,
        expires_at=now + timedelta(hours=settings.SUBJECT_ACCESS_EXPORT_HOURS),
    )


def subject_access_expire(*, now=None) -> int:
    """Delete the archives whose time is up; returns how many."""
    now = now or timezone.now()
    count = 0
    for export in SubjectAccessExport.objects.filter(status=SubjectAccessExport.Status.READY, expires_at__lte=now):
        export.file.delete(save=False)
        SubjectAccessExport.objects.filter(id=export.id).update(status=SubjectAccessExport.Status.EXPIRED, file="")
        count += 1
    return count


def _when(value) -> str | None:
    return value.isoformat() if value else None


def _who(actor_id, subject: User, actors: dict[int, User]) -> str:
    if actor_id is None:
        return "The system"
    if actor_id == subject.id:
        return "You"
    actor = actors.get(actor_id)
    return role_of(actor) if actor else "A member of staff"


def _write_json(zipped: zipfile.ZipFile, name: str, data) -> str:
    zipped.writestr(name, json.dumps(data, indent=2, ensure_ascii=False, default=str))
    return name


def _write_archive(zipped: zipfile.ZipFile, subject: User) -> None:
    applications = list(
        Application.objects.filter(applicant=subject).order_by("created_at").prefetch_related(
            "events", "documents", "information_requests", "identity_checks__runs", "duplicate_candidates",
        )
    )
    actor_ids = {event.actor_id for application in applications for event in application.events.all() if event.actor_id}
    actors = {user.id: user for user in User.objects.filter(id__in=actor_ids).prefetch_related("groups")}
    sections = []

    account = {
        "email": subject.email,
        "first_name": subject.first_name,
        "last_name": subject.last_name,
        "registered": _when(subject.date_joined),
        "email_confirmed": _when(subject.email_confirmed_at),
        "last_sign_in": _when(subject.last_login),
    }
    sections.append({"title": "Your account", "files": [_write_json(zipped, "account.json", account)]})

    for application in applications:
        folder = f"applications/{application.reference or f'draft-{str(application.id)[:8]}'}"
        section = {"title": f"Application {application.reference or '(draft, not submitted)'}: {application.route_details.name}", "files": []}
        documents = []
        for document in application.documents.all():
            entry = {
                "kind": document.label, "original_name": document.original_name, "uploaded": _when(document.uploaded_at),
                "face_image": document.kind in DocumentKind.PHOTOS,
            }
            if document.purged_at:
                entry["deleted"] = f"Deleted on {document.purged_at:%d %B %Y} under the retention rule for face images"
            else:
                name = f"{folder}/documents/{document.kind}-{document.id}.{document.extension}"
                with document.file.open("rb") as source, zipped.open(name, "w") as target:
                    copyfileobj(source, target)
                entry["file"] = name.removeprefix(f"{folder}/")
                section["files"].append(name)
            documents.append(entry)
        record = {
            "reference": application.reference,
            "route": application.route_details.name,
            "status": application.public_status,
            "started": _when(application.created_at),
            "submitted": _when(application.submitted_at),
            "decided": _when(application.decided_at),
            "answers": application.answers,
            "documents": documents,
            "history": [
                {"when": _when(event.created_at), "what": event.transition, "from": event.from_state, "to": event.to_state,
                 "by": _who(event.actor_id, subject, actors), "reason": event.reason}
                for event in application.events.all()
            ],
            "requests_for_information": [
                {"asked": _when(request.created_at), "message": request.message, "reply_by": _when(request.respond_by),
                 "your_reply": request.response, "replied": _when(request.responded_at)}
                for request in application.information_requests.all()
            ],
            "refusal_reasons": application.refusal_reasons,
        }
        status = getattr(application, "immigration_status", None)
        if status:
            record["immigration_status"] = {
                "valid_from": _when(status.valid_from), "valid_until": _when(status.valid_until),
                "work": status.work_condition, "study": status.study_condition,
            }
        section["files"].insert(0, _write_json(zipped, f"{folder}/application.json", record))

        identity = {
            "checks": [
                {"attempt": check.attempt, "outcome": check.get_status_display(), "face_distance": check.distance,
                 "pass_threshold": check.pass_threshold, "fail_threshold": check.fail_threshold,
                 "reasons": check.reason_texts, "evidence": check.evidence, "checked": _when(check.finished_at),
                 "runs": [{"started": _when(run.started_at), "finished": _when(run.finished_at), "outcome": run.outcome, "trigger": run.trigger} for run in check.runs.all()]}
                for check in application.identity_checks.all()
            ],
            "possible_duplicates": [
                {"face_distance": candidate.distance, "resolution": candidate.get_resolution_display() or "Not yet looked into",
                 "resolved": _when(candidate.resolved_at)}
                for candidate in application.duplicate_candidates.all()
            ],
        }
        purge = getattr(application, "biometric_purge", None)
        if purge:
            identity["face_images_deleted"] = _when(purge.purged_at)
        section["files"].insert(1, _write_json(zipped, f"{folder}/identity.json", identity))

        letter = getattr(application, "letter", None)
        if letter:
            zipped.writestr(f"{folder}/decision-letter.txt", letter.body)
            section["files"].insert(2, f"{folder}/decision-letter.txt")
        if status:
            codes = [
                {"code_ending": code.ending, "created": _when(code.created_at), "expires": _when(code.expires_at), "stopped": _when(code.revoked_at),
                 "checks": [{"when": _when(check.checked_at), "organisation": check.organisation, "outcome": check.get_outcome_display()}
                            for check in ShareCodeCheck.objects.filter(share_code=code)]}
                for code in status.share_codes.all()
            ]
            section["files"].append(_write_json(zipped, f"{folder}/share-codes.json", codes))
        sections.append(section)

    history = [
        {"when": _when(record.created_at), "who": "You" if record.actor_id == subject.id else record.actor_role,
         "what": AccessAction(record.action).label, "application": str(record.application_id) if record.application_id else None}
        for record in AccessRecord.objects.filter(subject_id=subject.id).order_by("id")
    ]
    sections.append({"title": "Who has read your records", "files": [_write_json(zipped, "access-history.json", history)]})

    zipped.writestr("index.html", render_to_string("audit/subject_access_index.html", {
        "subject": subject, "sections": sections, "prepared": timezone.now(), "applicant_role": APPLICANT_ROLE,
    }))
