"""Rebuild the figures from the transition log: one pass over every real application's events.

The whole set is rebuilt in one transaction, so a page never sees half a refresh,
and nothing is kept that the log could not give again.
"""

import datetime
import itertools
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone

from applications.models import FINAL_STATES, Application, ApplicationEvent, State
from applications.routes import ROUTES
from management_information.clock import case_clock, working_days_between
from management_information.models import CaseFigure, FiguresRefresh, StateSpell

_BATCH = 5_000


class _Event(NamedTuple):
    application_id: object
    transition: str
    from_state: str
    to_state: str
    actor_id: int | None
    created_at: datetime.datetime


def figures_refresh() -> FiguresRefresh:
    """Work out every case's figures and state spells again from its events, and replace the old ones."""
    started_at = timezone.now()
    today = timezone.localdate(started_at)
    real = Application.objects.real().exclude(submitted_at=None)
    cases = {row[0]: row for row in real.values_list("id", "route", "state", "due_on", "assigned_to_id", "refusal_reasons")}
    events = (
        ApplicationEvent.objects.filter(application__in=real.values("id"))
        .order_by("application_id", "created_at", "id")
        .values_list("application_id", "transition", "from_state", "to_state", "actor_id", "created_at")
    )
    figures, spells, event_count = [], [], 0
    with transaction.atomic():
        StateSpell.objects.all().delete()
        CaseFigure.objects.all().delete()
        for application_id, group in itertools.groupby(map(_Event._make, events.iterator(chunk_size=_BATCH)), key=lambda e: e.application_id):
            case = cases.get(application_id)
            history = list(group)
            event_count += len(history)
            if case is None:
                continue
            figures.append(_case_figure(case, history, today))
            spells.extend(_spells(case[1], history))
            if len(spells) >= _BATCH:
                StateSpell.objects.bulk_create(spells, batch_size=_BATCH)
                spells = []
            if len(figures) >= _BATCH:
                CaseFigure.objects.bulk_create(figures, batch_size=_BATCH)
                figures = []
        CaseFigure.objects.bulk_create(figures, batch_size=_BATCH)
        StateSpell.objects.bulk_create(spells, batch_size=_BATCH)
        return FiguresRefresh.objects.create(
            started_at=started_at, finished_at=timezone.now(), applications=len(cases), events=event_count,
            spells=StateSpell.objects.count(),
        )


def _case_figure(case: tuple, history: list[_Event], today: datetime.date) -> CaseFigure:
    application_id, route, state, due_on, assigned_to_id, refusal_reasons = case
    target = ROUTES[route].target_working_days if route in ROUTES else None
    submitted = next((e for e in history if e.transition == "submit"), history[0])
    final = next((e for e in history if e.to_state in FINAL_STATES), None)
    decided_on = timezone.localdate(final.created_at) if final else None
    # The clock as it stood at the decision (events after it, if any, do not move it).
    clock = case_clock(history[: history.index(final) + 1] if final else history, target) if target else None
    figure = CaseFigure(
        application_id=application_id, route=route, state=state, submitted_on=timezone.localdate(submitted.created_at),
        due_on=due_on, assigned_to_id=assigned_to_id if state not in FINAL_STATES else None,
        outcome=final.to_state if final else "", decided_on=decided_on,
        refusal_reasons=refusal_reasons if state == State.REFUSED else [],
    )
    if final is not None and final.to_state != State.WITHDRAWN:
        figure.decided_by_id = _decider(history, final)
    if clock is not None:
        figure.clock_started_on = clock.started_on
        figure.paused_working_days = clock.paused_working_days
        figure.working_days = max(working_days_between(clock.started_on, decided_on or today) - clock.paused_working_days, 0)
        if final is not None and final.to_state != State.WITHDRAWN:
            figure.within_standard = decided_on <= clock.due_on
    return figure


def _decider(history: list[_Event], final: _Event) -> int | None:
    """The caseworker who made the decision: the granter, or whoever proposed the refusal a second one confirmed."""
    if final.to_state == State.GRANTED:
        return final.actor_id
    proposals = [e for e in history if e.transition == "propose_refusal"]
    return proposals[-1].actor_id if proposals else final.actor_id


def _spells(route: str, history: list[_Event]) -> list[StateSpell]:
    """Finished stays in each state; events that change no state (taking a case, reassigning it) do not end one."""
    spells = []
    entered = None
    for event in history:
        if event.from_state == event.to_state:
            continue
        if entered is not None and entered.to_state == event.from_state:
            seconds = (event.created_at - entered.created_at).total_seconds()
            spells.append(StateSpell(
                application_id=event.application_id, route=route, state=event.from_state, entered_at=entered.created_at,
                left_at=event.created_at, left_on=timezone.localdate(event.created_at), hours=seconds / 3600,
            ))
        entered = event
    return spells
