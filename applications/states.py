from django.db import models


class State(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    IDENTITY_CHECKING = "identity_checking", "Checking identity"
    IDENTITY_RETRY = "identity_retry", "New photos needed"
    IDENTITY_ADJUDICATION = "identity_adjudication", "Identity needs review"
    IDENTITY_OVERRIDE_PROPOSED = "identity_override_proposed", "Identity accepted, awaiting a second caseworker"
    AUTOMATED_CHECKS = "automated_checks", "Automated checks"
    READY_FOR_CASEWORK = "ready_for_casework", "Waiting for a caseworker"
    IN_REVIEW = "in_review", "With a caseworker"
    AWAITING_INFORMATION = "awaiting_information", "Waiting for information from the applicant"
    REFUSAL_PROPOSED = "refusal_proposed", "Refusal proposed, awaiting a second caseworker"
    GRANTED = "granted", "Granted"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"


FINAL_STATES = [State.GRANTED, State.REFUSED, State.WITHDRAWN]
WITHDRAWABLE_STATES = [state for state in State if state not in FINAL_STATES]
