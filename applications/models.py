import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from applications.routes import ROUTES, Route, document_label
from applications.states import WITHDRAWABLE_STATES, State
from applications.transitions import PUBLIC_STATUS


def _assigned(permission: str):
    """A write action on a case needs the permission and the case assigned to the actor."""

    def check(application: "Application", user) -> bool:
        return user.has_perm(permission) and application.assigned_to_id == user.pk

    check.__doc__ = f"Needs {permission} and the case assigned to the actor."
    return check


def _second_caseworker(permission: str, proposer_field: str):
    """Four eyes: whoever proposed it cannot be the one who confirms it (no assignment needed)."""

    def check(application: "Application", user) -> bool:
        return user.has_perm(permission) and user.pk != getattr(application, proposer_field)

    return check


def _system_only(application: "Application", user) -> bool:
    """A decision by the rules, never by a person: a person decides through the usual transitions."""
    return False


def _decided_automatically(application: "Application") -> bool:
    """Only a route decided automatically where safe goes to automated checks."""
    return application.route_details.automatic_grant is not None


def _decided_by_people(application: "Application") -> bool:
    """A route decided automatically where safe goes to its automated checks before any caseworker."""
    return application.route_details.automatic_grant is None


def _no_duplicate_identities(application: "Application") -> bool:
    """Potential duplicate identities must be looked into and dismissed first: a confirmed duplicate cannot be granted."""
    return not application.duplicate_candidates.exclude(resolution="dismissed").exists()


class ApplicationQuerySet(models.QuerySet):
    def real(self) -> "ApplicationQuerySet":
        """Without the applications of synthetic journeys: what queues and figures count."""
        return self.filter(synthetic_cohort="")


class Application(ConcurrentTransitionMixin, models.Model):
    """One application for one route, and its whole lifecycle as one state machine.

    The state is protected: it changes only through the transitions below, run by
    applications.workflow.application_transition, which also writes the event row.
    Answers are stored by question key, as the route declares them (routes.py).
    Transitions with an actor check permissions; those by the system (actor None) do not.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications")
    # One of routes.ROUTES; not a choices field, so that adding a route needs no migration.
    route = models.CharField(max_length=32)
    state = FSMField(default=State.DRAFT, choices=State.choices, protected=True, db_index=True)
    reference = models.CharField(max_length=14, unique=True, null=True, blank=True)
    answers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    # The service-standard due date, kept by the workflow for queues to sort and
    # filter on; empty before identity is confirmed, while paused, and once decided.
    due_on = models.DateField(null=True, blank=True, db_index=True)
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(null=True, blank=True)
    identity_override_proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    refusal_proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    refusal_proposed_from = models.CharField(max_length=32, blank=True)
    refusal_reasons = models.JSONField(default=list, blank=True)
    # The applicant's synthetic cohort, if the applicant is a synthetic journey's (accounts.User).
    synthetic_cohort = models.CharField(max_length=64, blank=True, default="", db_index=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        permissions = [
            ("view_cases", "Can see the casework queues and cases"),
            ("work_cases", "Can take cases, request information and review identities"),
            ("decide_application", "Can grant, or propose to refuse, an application"),
            ("confirm_identity_override", "Can confirm another caseworker's acceptance of an identity"),
            ("confirm_refusal", "Can confirm or return another caseworker's proposed refusal"),
            ("manage_casework", "Can reassign and release cases and see the whole backlog"),
        ]
        indexes = [models.Index(fields=["state", "due_on"]), models.Index(fields=["route", "state", "due_on"])]

    def __str__(self) -> str:
        return self.reference or f"Draft {self.route} application"

    @property
    def route_details(self) -> Route:
        return ROUTES[self.route]

    @property
    def is_draft(self) -> bool:
        return self.state == State.DRAFT

    @property
    def public_status(self) -> str:
        return PUBLIC_STATUS.get(self.state, self.get_state_display())

    @property
    def full_name(self) -> str:
        return " ".join(str(self.answers.get(key, "")) for key in ("given_names", "family_name")).strip()

    # The applicant's journey and the identity check.

    @transition(field=state, source=State.DRAFT, target=State.SUBMITTED)
    def submit(self, *, reference: str) -> None:
        self.reference = reference
        self.submitted_at = timezone.now()

    @transition(field=state, source=State.SUBMITTED, target=State.IDENTITY_CHECKING)
    def start_identity_check(self) -> None:
        pass

    @transition(field=state, source=State.IDENTITY_CHECKING, target=State.READY_FOR_CASEWORK, conditions=[_decided_by_people])
    def pass_identity(self) -> None:
        pass

    @transition(field=state, source=State.IDENTITY_CHECKING, target=State.AUTOMATED_CHECKS, conditions=[_decided_automatically])
    def pass_identity_for_automated_decision(self) -> None:
        pass

    @transition(field=state, source=State.IDENTITY_CHECKING, target=State.IDENTITY_ADJUDICATION)
    def refer_identity(self) -> None:
        pass

    @transition(
        field=state,
        source=[State.IDENTITY_CHECKING, State.IDENTITY_ADJUDICATION],
        target=State.IDENTITY_RETRY,
        permission=_assigned("applications.work_cases"),
    )
    def ask_for_new_photos(self) -> None:
        self.assigned_to = None

    @transition(field=state, source=State.IDENTITY_RETRY, target=State.IDENTITY_CHECKING)
    def retry_identity_check(self) -> None:
        pass

    @transition(
        field=state,
        source=State.IDENTITY_ADJUDICATION,
        target=State.IDENTITY_CHECKING,
        permission=_assigned("applications.work_cases"),
    )
    def rerun_identity_check(self) -> None:
        self.assigned_to = None

    @transition(
        field=state,
        source=State.IDENTITY_ADJUDICATION,
        target=State.IDENTITY_OVERRIDE_PROPOSED,
        permission=_assigned("applications.work_cases"),
    )
    def propose_identity_override(self, *, by) -> None:
        self.identity_override_proposed_by = by

    @transition(
        field=state,
        source=State.IDENTITY_OVERRIDE_PROPOSED,
        target=State.READY_FOR_CASEWORK,
        permission=_second_caseworker("applications.confirm_identity_override", "identity_override_proposed_by_id"),
    )
    def confirm_identity_override(self) -> None:
        self.assigned_to = None

    @transition(
        field=state,
        source=State.IDENTITY_OVERRIDE_PROPOSED,
        target=State.IDENTITY_ADJUDICATION,
        permission=_second_caseworker("applications.confirm_identity_override", "identity_override_proposed_by_id"),
    )
    def reject_identity_override(self) -> None:
        self.identity_override_proposed_by = None

    # An automated decision (automation/): the rules grant, or refer to a caseworker; they never refuse.

    @transition(
        field=state, source=State.AUTOMATED_CHECKS, target=State.GRANTED, permission=_system_only,
        conditions=[_no_duplicate_identities],
    )
    def grant_automatically(self) -> None:
        self.decided_at = timezone.now()

    @transition(field=state, source=State.AUTOMATED_CHECKS, target=State.READY_FOR_CASEWORK, permission=_system_only)
    def refer_to_caseworker(self) -> None:
        pass

    # Casework.

    @transition(field=state, source=State.READY_FOR_CASEWORK, target=State.IN_REVIEW, permission="applications.work_cases")
    def start_review(self, *, by) -> None:
        self.assigned_to = by
        self.assigned_at = timezone.now()

    @transition(field=state, source=State.IN_REVIEW, target=State.READY_FOR_CASEWORK)
    def release(self) -> None:
        # Who may release (the assignee, a team leader, the system) is checked by the service.
        self.assigned_to = None
        self.assigned_at = None

    @transition(
        field=state,
        source=State.IN_REVIEW,
        target=State.AWAITING_INFORMATION,
        permission=_assigned("applications.work_cases"),
    )
    def request_information(self) -> None:
        pass

    @transition(field=state, source=State.AWAITING_INFORMATION, target=State.IN_REVIEW)
    def provide_information(self) -> None:
        # The case returns to the caseworker who asked, still assigned to them.
        pass

    @transition(
        field=state,
        source=State.IN_REVIEW,
        target=State.GRANTED,
        permission=_assigned("applications.decide_application"),
        conditions=[_no_duplicate_identities],
    )
    def grant(self) -> None:
        self.decided_at = timezone.now()

    @transition(
        field=state,
        source=[State.IN_REVIEW, State.IDENTITY_ADJUDICATION],
        target=State.REFUSAL_PROPOSED,
        permission=_assigned("applications.decide_application"),
    )
    def propose_refusal(self, *, by, reasons: list[str]) -> None:
        self.refusal_proposed_by = by
        self.refusal_proposed_from = self.state
        self.refusal_reasons = reasons

    @transition(
        field=state,
        source=State.REFUSAL_PROPOSED,
        target=State.REFUSED,
        permission=_second_caseworker("applications.confirm_refusal", "refusal_proposed_by_id"),
    )
    def confirm_refusal(self) -> None:
        self.decided_at = timezone.now()

    @transition(
        field=state,
        source=State.REFUSAL_PROPOSED,
        target=RETURN_VALUE(State.IN_REVIEW, State.IDENTITY_ADJUDICATION),
        permission=_second_caseworker("applications.confirm_refusal", "refusal_proposed_by_id"),
    )
    def return_refusal(self) -> str:
        returned_to = self.refusal_proposed_from
        self.refusal_proposed_by = None
        self.refusal_proposed_from = ""
        self.refusal_reasons = []
        return returned_to

    @transition(field=state, source=WITHDRAWABLE_STATES, target=State.WITHDRAWN)
    def withdraw(self) -> None:
        self.decided_at = timezone.now()
        self.assigned_to = None


class ApplicationEvent(models.Model):
    """One row per transition, written in the same transaction as the transition."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    transition = models.CharField(max_length=64)
    from_state = models.CharField(max_length=32, choices=State.choices)
    to_state = models.CharField(max_length=32, choices=State.choices)
    # Empty for the system (a background job).
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["application", "created_at"])]

    def __str__(self) -> str:
        return f"{self.application}: {self.from_state} -> {self.to_state}"


class InformationRequest(models.Model):
    """A caseworker's request for more information, and the applicant's answer."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="information_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    message = models.TextField()
    respond_by = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    response = models.TextField(blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Information request on {self.application}"


def _document_path(document: "Document", filename: str) -> str:
    # Random names: nothing about the applicant or the original file name is on disk.
    return f"documents/{uuid.uuid4().hex}.{document.extension}"


class Document(models.Model):
    """A file the applicant uploaded, stored privately and served only through a view that checks access.

    `kind` is one of the route's evidence kinds or a routes.DocumentKind.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    information_request = models.ForeignKey(
        InformationRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(max_length=32)
    file = models.FileField(upload_to=_document_path)
    content_type = models.CharField(max_length=64)
    original_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    uploaded_at = models.DateTimeField(default=timezone.now)
    # When the file was deleted under the biometric retention rule (the row stays as a record).
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return f"{self.kind} for {self.application}"

    @property
    def extension(self) -> str:
        """Uploads are stored as PDFs as they came, or as JPEGs made from any image."""
        return "pdf" if self.content_type == "application/pdf" else "jpg"

    @property
    def label(self) -> str:
        return document_label(self.application.route_details, self.kind)
