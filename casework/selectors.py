from django.db.models import QuerySet

from applications.models import DECIDABLE_STATES, Application


def case_queue() -> QuerySet[Application]:
    """Cases waiting for a decision, oldest submission first."""
    return (
        Application.objects.filter(state__in=DECIDABLE_STATES)
        .select_related("applicant")
        .order_by("submitted_at", "id")
    )
