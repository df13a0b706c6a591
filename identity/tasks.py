from celery import shared_task

from identity import gallery


@shared_task(name="identity.write_gallery_snapshot")
def write_gallery_snapshot() -> str:
    # A worker process starting later maps this instead of reading every row.
    return str(gallery.snapshot_write())
