"""Service standards in working days: weekends and England and Wales bank holidays do not count.

Bank holidays come from the `holidays` package (United Kingdom, England subdivision, which
England and Wales share), computed from its rules for any year, with no network.

The clock starts when identity is confirmed (the application is then "made" in
UKVI's sense) and stops while the case waits for information from the applicant.
"""

import datetime
import functools
from dataclasses import dataclass

import holidays
from django.utils import timezone

from applications.transitions import TRANSITIONS, ClockEffect


@functools.cache
def bank_holidays(year: int) -> frozenset[datetime.date]:
    # One frozen set per year: the package's own calendar object fills itself in on lookup,
    # which is not safe to share between a threaded server's requests.
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date `days` working days after `start` (start itself does not count)."""
    day = start
    while days > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end`."""
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        count += is_working_day(day)
    return count


@dataclass(frozen=True)
class Clock:
    started_on: datetime.date
    due_on: datetime.date
    paused: bool
    paused_working_days: int


def service_standard_clock(events, target_working_days: int) -> Clock | None:
    """The clock for a case from its events (oldest first), or None before identity is confirmed.

    Each transition's effect on the clock is declared in applications.transitions.
    """
    started_on = None
    paused_since = None
    paused_days = 0
    for event in events:
        effects = TRANSITIONS.get(event.transition)
        effect = effects.clock if effects else None
        day = timezone.localdate(event.created_at)
        if effect == ClockEffect.START and started_on is None:
            started_on = day
        elif effect == ClockEffect.PAUSE:
            paused_since = day
        elif effect == ClockEffect.RESUME and paused_since is not None:
            paused_days += working_days_between(paused_since, day)
            paused_since = None
    if started_on is None:
        return None
    if paused_since is not None:
        paused_days += working_days_between(paused_since, timezone.localdate())
    return Clock(
        started_on=started_on,
        due_on=add_working_days(started_on, target_working_days + paused_days),
        paused=paused_since is not None,
        paused_working_days=paused_days,
    )
