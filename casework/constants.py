class Role:
    """Groups, created with their permissions by migration casework 0001."""

    CASEWORKER = "Caseworker"
    SENIOR_CASEWORKER = "Senior caseworker"


class IdentityAction:
    """What a caseworker can do about an identity a check could not confirm: each is a transition."""

    RERUN = "rerun_identity_check"
    NEW_PHOTOS = "ask_for_new_photos"
    PROPOSE_OVERRIDE = "propose_identity_override"
    CONFIRM_OVERRIDE = "confirm_identity_override"
    REJECT_OVERRIDE = "reject_identity_override"
    LABELS = {
        RERUN: "Run the check again (it could not be completed)",
        NEW_PHOTOS: "Ask the applicant for new photos",
        PROPOSE_OVERRIDE: "Accept the identity: I am satisfied they are the same person (a second caseworker must confirm)",
        CONFIRM_OVERRIDE: "Confirm: accept the identity",
        REJECT_OVERRIDE: "Do not accept the identity: return it for review",
    }
    TRANSITIONS = list(LABELS)


class Decision:
    GRANT = "grant"
    REFUSE = "refuse"
    CHOICES = [(GRANT, "Grant"), (REFUSE, "Refuse")]
