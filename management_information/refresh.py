"""Rebuild the figures from the transition log.

A refresh recomputes every case that has had an event since the last refresh
began, and every open case (its age on the clock moves with the calendar); the
first refresh, or one asked for with full=True, recomputes every case. Either way a
case's rows are replaced whole from its events, in one transaction, so a page never
sees half a refresh and nothing is kept that the log could not give again.
"""

import datetime
import itertools
import json
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from applications.models import Application, ApplicationEvent, InformationRequest
from applications.states import FINAL_STATES, State
from applications.routes import ROUTES
from management_information.clock import case_clock, working_days_between
from identity.models import IdentityCheck
from management_information.models import CaseFigure, CheckFigure, CheckProblem, FiguresRefresh, RequestFigure, StateSpell

_BATCH = 10_000
# An event is stamped when its transaction starts and seen when it commits: reading
# back this far before the last refresh began catches one that committed during it.
OVERLAP = datetime.timedelta(minutes=10)
FIGURE_FIELDS = ["application_id", "route", "state", "submitted_on", "clock_started_on", "paused_working_days", "working_days",
                 "due_on", "outcome", "decided_on", "within_standard", "decided_by_id", "assigned_to_id", "refusal_reasons"]
SPELL_FIELDS = ["application_id", "route", "state", "entered_at", "left_at", "left_on", "hours"]
CHECK_FIELDS = ["identity_check_id", "application_id", "route", "status", "distance", "finished_at", "finished_on", "week",
                "quality_problem", "person_accepted", "person_refused"]
PROBLEM_FIELDS = ["identity_check_id", "application_id", "route", "finished_on", "week", "code"]
REQUEST_FIELDS = ["request_id", "application_id", "route", "sent_on", "answered", "hours_to_answer"]
FINISHED_CHECKS = [IdentityCheck.Status.PASSED, IdentityCheck.Status.REFERRED, IdentityCheck.Status.FAILED, IdentityCheck.Status.ERROR]


class _Event(NamedTuple):
    application_id: object
    transition: str
    from_state: str
    to_state: str
    actor_id: int | None
    created_at: datetime.datetime


def figures_refresh(*, full: bool = False) -> FiguresRefresh:
    """Work out the figures and state spells again from the events of every case that may have changed."""
    started_at = timezone.now()
    today = timezone.localdate(started_at)
    last = FiguresRefresh.objects.order_by("-finished_at").first()
    scope = Application.objects.real().exclude(submitted_at=None)
    if last is not None and not full:
        recent = ApplicationEvent.objects.filter(created_at__gte=last.started_at - OVERLAP).values("application_id")
        scope = scope.filter(Q(id__in=recent) | ~Q(state__in=FINAL_STATES))
    with transaction.atomic():
        cases = {row[0]: row for row in scope.values_list("id", "route", "state", "due_on", "assigned_to_id", "refusal_reasons")}
        ids = scope.values("id")
        for model in (StateSpell, CaseFigure, CheckProblem, CheckFigure, RequestFigure):
            (model.objects.all() if full or last is None else model.objects.filter(application_id__in=ids)).delete()
        events = (
            ApplicationEvent.objects.filter(application_id__in=ids).order_by("application_id", "created_at", "id")
            .values_list("application_id", "transition", "from_state", "to_state", "actor_id", "created_at")
        )
        figures, spells, counts = [], [], {"events": 0, "spells": 0}
        for application_id, group in itertools.groupby(map(_Event._make, events.iterator(chunk_size=_BATCH)), key=lambda e: e.application_id):
            history = list(group)
            counts["events"] += len(history)
            case = cases[application_id]
            figures.append(_case_figure(case, history, today))
            spells.extend(_spells(case[1], history))
            if len(spells) >= _BATCH:
                counts["spells"] += _write(StateSpell, SPELL_FIELDS, spells)
            if len(figures) >= _BATCH:
                _write(CaseFigure, FIGURE_FIELDS, figures)
        _write(CaseFigure, FIGURE_FIELDS, figures)
        counts["spells"] += _write(StateSpell, SPELL_FIELDS, spells)
        _refresh_checks(ids)
        _refresh_requests(ids)
        if connection.vendor == "postgresql":
            # The planner's row counts for these tables are otherwise stale until autovacuum comes round.
            with connection.cursor() as cursor:
                for model in (CaseFigure, StateSpell, CheckFigure, CheckProblem, RequestFigure):
                    cursor.execute(f"ANALYZE {model._meta.db_table}")
        return FiguresRefresh.objects.create(
            started_at=started_at, finished_at=timezone.now(), applications=len(cases), events=counts["events"], spells=counts["spells"],
        )


def person_accepted_identity() -> Exists:
    """After the check, a second caseworker confirmed the identity."""
    return Exists(ApplicationEvent.objects.filter(
        application=OuterRef("application"), transition="confirm_identity_override", created_at__gte=OuterRef("finished_at")
    ))


def person_refused_identity() -> Exists:
    """After the check, a person looked at the referred identity and did not accept it: asked for new photos, or proposed a refusal."""
    return Exists(ApplicationEvent.objects.filter(
        application=OuterRef("application"), from_state=State.IDENTITY_ADJUDICATION, actor__isnull=False,
        transition__in=["ask_for_new_photos", "propose_refusal"], created_at__gte=OuterRef("finished_at"),
    ))


def _refresh_checks(ids) -> None:
    """Every finished check of the cases in scope: a check finishes with a transition, so its case is in scope."""
    checks = (
        IdentityCheck.objects.filter(application_id__in=ids, status__in=FINISHED_CHECKS)
        .annotate(accepted=person_accepted_identity(), refused=person_refused_identity())
        .values_list("id", "application_id", "application__route", "status", "distance", "reasons", "finished_at", "accepted", "refused")
    )
    figures, problems = [], []
    for check_id, application_id, route, status, distance, reasons, finished_at, accepted, refused in checks.iterator(chunk_size=_BATCH):
        day = timezone.localdate(finished_at)
        week = day - datetime.timedelta(days=day.weekday())
        # Quality codes are "<image>.<problem>"; the others are match outcomes.
        codes = sorted({code for code in reasons if "." in code})
        figures.append((check_id, application_id, route, status, distance, finished_at, day, week, bool(codes), accepted, refused))
        problems.extend((check_id, application_id, route, day, week, code) for code in codes)
        if len(figures) >= _BATCH:
            _write(CheckFigure, CHECK_FIELDS, figures)
            _write(CheckProblem, PROBLEM_FIELDS, problems)
    _write(CheckFigure, CHECK_FIELDS, figures)
    _write(CheckProblem, PROBLEM_FIELDS, problems)


def _refresh_requests(ids) -> None:
    rows = [
        (request_id, application_id, route, timezone.localdate(sent), answered is not None,
         (answered - sent).total_seconds() / 3600 if answered else None)
        for request_id, application_id, route, sent, answered in InformationRequest.objects.filter(application_id__in=ids)
        .values_list("id", "application_id", "application__route", "created_at", "responded_at").iterator(chunk_size=_BATCH)
    ]
    _write(RequestFigure, REQUEST_FIELDS, rows)


def _write(model, fields: list[str], rows: list[tuple]) -> int:
    """Insert rows and empty the list. PostgreSQL takes them by COPY, many times faster than
    INSERTs of model instances at a million rows; SQLite (development and tests) through the ORM."""
    count = len(rows)
    if connection.vendor == "postgresql":
        columns = ", ".join(model._meta.get_field(name).column for name in fields)
        json_at = [index for index, name in enumerate(fields) if name == "refusal_reasons"]
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                if json_at:
                    row = list(row)
                    row[json_at[0]] = json.dumps(row[json_at[0]])
                copy.write_row(row)
    else:
        model.objects.bulk_create([model(**dict(zip(fields, row))) for row in rows], batch_size=1_000)
    rows.clear()
    return count


def _case_figure(case: tuple, history: list[_Event], today: datetime.date) -> tuple:
    application_id, route, state, due_on, assigned_to_id, refusal_reasons = case
    target = ROUTES[route].target_working_days if route in ROUTES else None
    submitted = next((e for e in history if e.transition == "submit"), history[0])
    final = next((e for e in history if e.to_state in FINAL_STATES), None)
    decided_on = timezone.localdate(final.created_at) if final else None
    decision = final is not None and final.to_state != State.WITHDRAWN
    # The clock as it stood at the decision (events after it, if any, do not move it).
    clock = case_clock(history[: history.index(final) + 1] if final else history, target) if target else None
    started_on = paused = working_days = within = None
    if clock is not None:
        started_on, paused = clock.started_on, clock.paused_working_days
        working_days = max(working_days_between(clock.started_on, decided_on or today) - paused, 0)
        within = decided_on <= clock.due_on if decision else None
    return (
        application_id, route, state, timezone.localdate(submitted.created_at), started_on, paused or 0, working_days,
        due_on, final.to_state if final else "", decided_on, within, _decider(history, final) if decision else None,
        assigned_to_id if state not in FINAL_STATES else None, refusal_reasons if state == State.REFUSED else [],
    )


def _decider(history: list[_Event], final: _Event) -> int | None:
    """The caseworker who made the decision: the granter, or whoever proposed the refusal a second one confirmed."""
    if final.to_state == State.GRANTED:
        return final.actor_id
    proposals = [e for e in history if e.transition == "propose_refusal"]
    return proposals[-1].actor_id if proposals else final.actor_id


def _spells(route: str, history: list[_Event]) -> list[tuple]:
    """Finished stays in each state; events that change no state (taking a case, reassigning it) do not end one."""
    spells = []
    entered = None
    for event in history:
        if event.from_state == event.to_state:
            continue
        if entered is not None and entered.to_state == event.from_state:
            hours = (event.created_at - entered.created_at).total_seconds() / 3600
            spells.append((event.application_id, route, event.from_state, entered.created_at, event.created_at,
                           timezone.localdate(event.created_at), hours))
        entered = event
    return spells
