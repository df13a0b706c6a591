class Role:
    """Groups, created with their permissions by migration casework 0001."""

    CASEWORKER = "Caseworker"
    SENIOR_CASEWORKER = "Senior caseworker"
    TEAM_LEADER = "Team leader"
    AUDITOR = "Auditor"


class RefusalReason:
    """Reason codes for a refusal; the letter explains each in these words."""

    LABELS = {
        "eligibility": "You do not meet the eligibility requirements of the route.",
        "financial": "You have not shown that you can support yourself without public funds.",
        "documents": "The documents you gave do not show what they are needed to show, or are not genuine.",
        "identity": "We could not be satisfied of your identity.",
        "credibility": "We are not satisfied that you intend to do what you have said you will do.",
        "suitability": "Your application falls for refusal on the grounds of suitability.",
    }
    CHOICES = list(LABELS.items())


class Condition:
    """Conditions of a grant of permission."""

    WORK = [
        ("none", "No work"),
        ("sponsor", "Work only for the sponsor named in the certificate of sponsorship"),
        ("limited", "Work up to 20 hours a week in term time"),
        ("unrestricted", "Work permitted"),
    ]
    STUDY = [
        ("permitted", "Study permitted"),
        ("course", "Study only the course sponsored"),
        ("none", "No study"),
    ]


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
    REFUSE = "propose_refusal"
    CHOICES = [(GRANT, "Grant"), (REFUSE, "Refuse (a senior caseworker confirms)")]
