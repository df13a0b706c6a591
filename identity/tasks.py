from celery import shared_task

from identity import services


@shared_task(name="identity.run_identity_check")
def run_identity_check(check_id: int) -> None:
    services.identity_check_run(check_id=check_id)
