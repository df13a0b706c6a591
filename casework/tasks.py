from celery import shared_task

from casework import services


@shared_task(name="casework.release_stale_cases")
def release_stale_cases() -> int:
    return services.cases_release_stale()
