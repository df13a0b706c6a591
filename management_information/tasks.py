from celery import shared_task

from management_information.refresh import figures_refresh
from management_information.selectors import memos_prepare


@shared_task(name="management_information.refresh_figures")
def refresh_figures() -> int:
    refresh = figures_refresh()
    memos_prepare(refresh)
    return refresh.applications
