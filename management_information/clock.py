"""The one place this app reaches the service-standard clock, the same one the case page shows."""

from applications.service_standard import Clock, add_working_days, service_standard_clock, working_days_between

__all__ = ["Clock", "add_working_days", "case_clock", "working_days_between"]


def case_clock(events, target_working_days: int) -> Clock | None:
    """The clock of one case from its events (oldest first); None before identity was confirmed."""
    return service_standard_clock(events, target_working_days)
