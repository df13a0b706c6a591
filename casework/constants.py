class Role:
    """Groups, created with their permissions by migration casework 0001."""

    CASEWORKER = "Caseworker"
    SENIOR_CASEWORKER = "Senior caseworker"


class Decision:
    GRANT = "grant"
    REFUSE = "refuse"
    CHOICES = [(GRANT, "Grant"), (REFUSE, "Refuse")]
