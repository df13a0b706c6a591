"""Every casework transition, for every role: who may and who may not.

The case is assigned to `caseworker`; for the second-pair-of-eyes transitions,
`caseworker` proposed. Permissions come from the groups made by migration.
"""

import pytest
from django_fsm import has_transition_perm

from applications.models import Application, State

ROLES = ["applicant", "caseworker", "second_caseworker", "senior_caseworker", "team_leader", "auditor"]

# transition, state it leaves, roles allowed (everyone else is refused).
TABLE = [
    ("start_review", State.READY_FOR_CASEWORK, {"caseworker", "second_caseworker", "senior_caseworker", "team_leader"}),
    ("request_information", State.IN_REVIEW, {"caseworker"}),
    ("grant", State.IN_REVIEW, {"caseworker"}),
    ("propose_refusal", State.IN_REVIEW, {"caseworker"}),
    ("propose_refusal", State.IDENTITY_ADJUDICATION, {"caseworker"}),
    ("confirm_refusal", State.REFUSAL_PROPOSED, {"senior_caseworker"}),
    ("return_refusal", State.REFUSAL_PROPOSED, {"senior_caseworker"}),
    ("ask_for_new_photos", State.IDENTITY_ADJUDICATION, {"caseworker"}),
    ("rerun_identity_check", State.IDENTITY_ADJUDICATION, {"caseworker"}),
    ("propose_identity_override", State.IDENTITY_ADJUDICATION, {"caseworker"}),
    ("confirm_identity_override", State.IDENTITY_OVERRIDE_PROPOSED, {"senior_caseworker"}),
    ("reject_identity_override", State.IDENTITY_OVERRIDE_PROPOSED, {"senior_caseworker"}),
    # The automated decision's: the system's only, never a person's.
    ("grant_automatically", State.AUTOMATED_CHECKS, set()),
    ("refer_to_caseworker", State.AUTOMATED_CHECKS, set()),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("transition", "state", "allowed"), TABLE, ids=[f"{t}-from-{s}" for t, s, _ in TABLE])
def test_who_may_run_each_transition(request, caseworker, transition, state, allowed, role):
    user = request.getfixturevalue(role)
    application = Application(
        state=state,
        assigned_to=caseworker,
        refusal_proposed_by=caseworker,
        identity_override_proposed_by=caseworker,
    )

    assert has_transition_perm(getattr(application, transition), user) == (role in allowed)


def test_every_casework_transition_is_in_the_table():
    covered = {transition for transition, _, _ in TABLE}
    # Run by the system or the applicant, with no permission to check.
    unguarded = {"submit", "start_identity_check", "pass_identity", "pass_identity_for_automated_decision", "refer_identity", "retry_identity_check",
                 "provide_information", "release", "withdraw"}

    transitions = {t.name for t in Application._meta.get_field("state").get_all_transitions(Application)}

    assert transitions == covered | unguarded
