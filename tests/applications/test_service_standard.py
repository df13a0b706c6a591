import datetime
from types import SimpleNamespace

from django.utils import timezone

from applications.service_standard import add_working_days, is_working_day, service_standard_clock, working_days_between


def test_weekends_and_bank_holidays_are_not_working_days():
    assert not is_working_day(datetime.date(2026, 11, 21))  # Saturday
    assert not is_working_day(datetime.date(2026, 12, 28))  # Boxing Day's substitute Monday
    assert is_working_day(datetime.date(2026, 12, 29))


def test_adding_working_days_skips_weekends_and_bank_holidays():
    # Thursday 24 December 2026: Friday is Christmas, Monday 28 is a bank holiday.
    assert add_working_days(datetime.date(2026, 12, 24), 1) == datetime.date(2026, 12, 29)
    # Friday to Monday over a plain weekend.
    assert add_working_days(datetime.date(2026, 11, 20), 1) == datetime.date(2026, 11, 23)
    # Three weeks of working days from Thursday 26 March 2027 crosses Easter (26 and 29 March).
    assert add_working_days(datetime.date(2027, 3, 25), 15) == datetime.date(2027, 4, 19)


def test_due_dates_in_2029_and_later_skip_their_bank_holidays():
    # Thursday 29 March 2029: Good Friday (30 March) and Easter Monday (2 April) follow.
    assert not is_working_day(datetime.date(2029, 3, 30))
    assert not is_working_day(datetime.date(2029, 4, 2))
    assert add_working_days(datetime.date(2029, 3, 29), 1) == datetime.date(2029, 4, 3)
    # 15 working days from Friday 18 May 2029 cross the spring bank holiday (28 May): 11 June, not 8 June.
    assert add_working_days(datetime.date(2029, 5, 18), 15) == datetime.date(2029, 6, 11)
    # Christmas 2031 falls on a Thursday: Christmas Day and Boxing Day both skipped.
    assert add_working_days(datetime.date(2031, 12, 24), 1) == datetime.date(2031, 12, 29)


def test_working_days_between_counts_the_end_not_the_start():
    assert working_days_between(datetime.date(2026, 11, 20), datetime.date(2026, 11, 23)) == 1
    assert working_days_between(datetime.date(2026, 11, 23), datetime.date(2026, 11, 23)) == 0


def _event(day: str, transition: str, to_state: str):
    moment = timezone.make_aware(datetime.datetime.fromisoformat(f"{day}T10:00"))
    return SimpleNamespace(created_at=moment, transition=transition, to_state=to_state)


def test_the_clock_starts_at_identity_confirmed_and_stops_while_waiting_for_the_applicant():
    events = [
        _event("2026-11-02", "submit", "submitted"),
        _event("2026-11-03", "pass_identity", "ready_for_casework"),
        _event("2026-11-09", "request_information", "awaiting_information"),
        _event("2026-11-16", "provide_information", "ready_for_casework"),
    ]

    clock = service_standard_clock(events, 15)

    assert clock.started_on == datetime.date(2026, 11, 3)
    assert clock.paused_working_days == 5
    assert not clock.paused
    assert clock.due_on == add_working_days(datetime.date(2026, 11, 3), 20)


def test_there_is_no_clock_until_identity_is_confirmed():
    assert service_standard_clock([_event("2026-11-02", "submit", "submitted")], 15) is None
