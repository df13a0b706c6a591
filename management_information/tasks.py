from celery import shared_task

from management_information.refresh import figures_refresh


@shared_task(name="management_information.refresh_figures")
def refresh_figures() -> int:
    return figures_refresh().applications
