"""The refresh reads the log as the workflow writes it, and the percentile rule."""

from django.conf import settings
from django.utils import timezone

from applications.models import Application, ApplicationEvent
from management_information.models import CaseFigure, FiguresRefresh, StateSpell
from management_information.percentiles import grouped_percentiles
from management_information.refresh import figures_refresh
from management_information.tasks import refresh_figures
from tests.factories import draft_application, granted
from tests.management_information.conftest import _made
from tests.management_information.history import case


def test_a_case_decided_through_the_services_is_counted(applicant, caseworker):
    application = granted(applicant, caseworker)
    refresh_figures.apply()
    figure = CaseFigure.objects.get(application=application)
    today = timezone.localdate()
    assert (figure.route, figure.state, figure.outcome, figure.decided_on, figure.clock_started_on) == ("visitor", "granted", "granted", today, today)
    assert (figure.within_standard, figure.working_days, figure.decided_by, figure.assigned_to) == (True, 0, caseworker, None)
    assert list(StateSpell.objects.filter(application=application).order_by("entered_at").values_list("state", flat=True)) == [
        "submitted", "identity_checking", "ready_for_casework", "in_review",
    ]
    refresh = FiguresRefresh.objects.get()
    assert (refresh.applications, refresh.events) == (1, ApplicationEvent.objects.filter(application=application).count())


def test_a_refresh_replaces_the_figures_and_never_counts_drafts(history, applicant):
    draft_application(applicant, photos=False)
    figures_refresh()
    first = CaseFigure.objects.count()
    figures_refresh()
    # The history has 20 real submitted cases besides its synthetic one; the draft is not submitted.
    assert CaseFigure.objects.count() == first == 20
    assert FiguresRefresh.objects.count() == 2


def test_the_refresh_runs_on_celery_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["refresh-management-information"]
    assert entry == {"task": "management_information.refresh_figures", "schedule": settings.MI_REFRESH_MINUTES * 60.0}


def test_nearest_rank_percentiles(db, applicant):
    application = Application.objects.create(applicant=applicant, route="visitor")
    start = timezone.now()
    StateSpell.objects.bulk_create(
        StateSpell(application=application, route="visitor", state=state, entered_at=start, left_at=start, left_on=start.date(), hours=hours)
        for state, values in {"a": range(1, 11), "b": [7]}.items() for hours in values
    )
    assert grouped_percentiles(StateSpell.objects.all(), group="state", value="hours", percents=(50, 80, 95)) == {
        "a": {"count": 10, 50: 5.0, 80: 8.0, 95: 10.0},
        "b": {"count": 1, 50: 7.0, 80: 7.0, 95: 7.0},
    }


def test_a_refresh_recomputes_cases_with_new_events_and_open_cases_and_a_full_one_all(history, applicant):
    figures_refresh()
    CaseFigure.objects.filter(application__in=[history.a1, history.a7]).update(route="tampered")
    new = case(applicant, "student", _made(timezone.localdate().isoformat(), passed="00:00:02"))
    figures_refresh()
    routes = dict(CaseFigure.objects.filter(application__in=[history.a1, history.a7, new]).values_list("application_id", "route"))
    # A1 was decided in March with nothing since: left as it was. A7 is open, the new case has new events.
    assert routes == {history.a1.id: "tampered", history.a7.id: "visitor", new.id: "student"}
    figures_refresh(full=True)
    assert CaseFigure.objects.get(application=history.a1).route == "visitor"
