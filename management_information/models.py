"""Figures worked out from the transition log, rebuilt whole by management_information.refresh.

Nothing here is a counter kept beside the log: every row can be recomputed from
applications.ApplicationEvent and the service-standard clock, and is, on each refresh.
"""

from django.conf import settings
from django.db import models


class CaseFigure(models.Model):
    """One submitted application (never a synthetic journey's) as the log tells it at the last refresh."""

    application = models.OneToOneField("applications.Application", primary_key=True, on_delete=models.CASCADE, related_name="+")
    route = models.CharField(max_length=32)
    state = models.CharField(max_length=32)
    submitted_on = models.DateField()
    # The service-standard clock (applications.service_standard): started when identity was confirmed.
    clock_started_on = models.DateField(null=True)
    paused_working_days = models.PositiveIntegerField(default=0)
    # Working days on the clock with the applicant's pauses taken out: to the decision, or to the refresh if open.
    working_days = models.PositiveIntegerField(null=True)
    due_on = models.DateField(null=True)
    # Empty while open; "granted", "refused" or "withdrawn" once final.
    outcome = models.CharField(max_length=16, blank=True)
    decided_on = models.DateField(null=True)
    # Decided no later than the clock's due date; None if not decided on a running clock.
    within_standard = models.BooleanField(null=True)
    # Who decided: the caseworker who granted, or who proposed the refusal that was confirmed.
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    refusal_reasons = models.JSONField(default=list)

    class Meta:
        permissions = [("view_management_information", "Can see management information and run threshold replays")]
        indexes = [
            models.Index(fields=["submitted_on", "route"]),
            models.Index(fields=["decided_on", "route"]),
            models.Index(fields=["outcome", "route"]),
        ]

    def __str__(self) -> str:
        return f"Figures of {self.application_id}"


class StateSpell(models.Model):
    """A finished stay of an application in one state: from the event that entered it to the one that left it."""

    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="+")
    route = models.CharField(max_length=32)
    state = models.CharField(max_length=32)
    entered_at = models.DateTimeField()
    left_at = models.DateTimeField()
    left_on = models.DateField()
    hours = models.FloatField()

    class Meta:
        indexes = [models.Index(fields=["left_on", "route"])]

    def __str__(self) -> str:
        return f"{self.application_id} in {self.state} for {self.hours:.1f} h"


class FiguresRefresh(models.Model):
    """When the figures were last rebuilt from the log, how much it read and how long it took."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    applications = models.PositiveIntegerField()
    events = models.PositiveIntegerField()
    spells = models.PositiveIntegerField()

    class Meta:
        get_latest_by = "finished_at"

    def __str__(self) -> str:
        return f"Figures as of {self.finished_at:%Y-%m-%d %H:%M}"

    @property
    def seconds(self) -> float:
        return (self.finished_at - self.started_at).total_seconds()


class CheckFigure(models.Model):
    """One finished identity check (one attempt) of a real application, and what people did with it after."""

    identity_check = models.OneToOneField("identity.IdentityCheck", primary_key=True, on_delete=models.CASCADE, related_name="+")
    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="+")
    route = models.CharField(max_length=32)
    status = models.CharField(max_length=16)
    distance = models.FloatField(null=True)
    finished_at = models.DateTimeField()
    finished_on = models.DateField()
    # The Monday of the week it finished.
    week = models.DateField()
    # Decided on photo quality ("<image>.<problem>" reasons) rather than on distance.
    quality_problem = models.BooleanField()
    # After it, a second caseworker confirmed the identity; or a person asked for new photos or proposed a refusal.
    person_accepted = models.BooleanField()
    person_refused = models.BooleanField()

    class Meta:
        indexes = [models.Index(fields=["finished_on", "route"]), models.Index(fields=["finished_at"])]

    def __str__(self) -> str:
        return f"Check {self.identity_check_id}: {self.status}"


class CheckProblem(models.Model):
    """One photo-quality problem a check found."""

    identity_check = models.ForeignKey("identity.IdentityCheck", on_delete=models.CASCADE, related_name="+")
    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="+")
    route = models.CharField(max_length=32)
    finished_on = models.DateField()
    week = models.DateField()
    code = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["finished_on", "route"])]

    def __str__(self) -> str:
        return f"Check {self.identity_check_id}: {self.code}"


class RequestFigure(models.Model):
    """One request for information to a real applicant, and how long the answer took."""

    request = models.OneToOneField("applications.InformationRequest", primary_key=True, on_delete=models.CASCADE, related_name="+")
    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="+")
    route = models.CharField(max_length=32)
    sent_on = models.DateField()
    answered = models.BooleanField()
    # Hours from the request to the answer, when answered.
    hours_to_answer = models.FloatField(null=True)

    class Meta:
        indexes = [models.Index(fields=["sent_on", "route"])]

    def __str__(self) -> str:
        return f"Request {self.request_id}"


class FigureMemo(models.Model):
    """A figure worked out once for a refresh: until the next refresh the same filters give the same answer.

    For the figures that cost most to work out (time in state sorts every stay that ended in
    the range); the refresh works them out for the pages' default ranges straight away.
    """

    refresh = models.ForeignKey(FiguresRefresh, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    value = models.JSONField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["refresh", "key"], name="one_memo_per_refresh_and_key")]

    def __str__(self) -> str:
        return self.key
