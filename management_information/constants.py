"""Names this app declares: its role, and the bands and labels its figures use."""

# A role of its own, for people who read the figures and nothing else (no cases).
PERFORMANCE_ANALYST = "Performance analyst"
# Roles (groups, see casework.constants.Role) given the management information pages.
MI_ROLES = ["Team leader", "Auditor", PERFORMANCE_ANALYST]

# Backlog age bands, in working days on the service-standard clock: (label, first day, last day or None).
AGE_BANDS = [
    ("0 to 5", 0, 5),
    ("6 to 10", 6, 10),
    ("11 to 15", 11, 15),
    ("16 to 20", 16, 20),
    ("21 to 40", 21, 40),
    ("41 to 120", 41, 120),
    ("over 120", 121, None),
]
CLOCK_NOT_STARTED = "clock not started (identity not yet confirmed)"

PERCENTILES = (50, 80, 95)

# Published statistics: a count from 1 to 4 could identify a person, so it is not shown.
SUPPRESS_BELOW = 5
SUPPRESSED = "[c]"
