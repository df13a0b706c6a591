from celery import shared_task

from audit import access_log, subject_access
from outbox.consumer import outbox_task


@shared_task(name="audit.prune_access_log")
def prune_access_log() -> int:
    return access_log.access_log_prune()


@outbox_task(subject_access.PREPARE_EXPORT)
def prepare_subject_access_export(*, export_id: str) -> None:
    subject_access.subject_access_prepare(export_id=export_id)


@shared_task(name="audit.expire_subject_access_exports")
def expire_subject_access_exports() -> int:
    return subject_access.subject_access_expire()
