from dataclasses import dataclass


@dataclass(frozen=True)
class Route:
    code: str
    name: str
    summary: str
    # Service standard in working days, from UKVI's published standards.
    target_working_days: int


ROUTES: dict[str, Route] = {
    route.code: route
    for route in [
        Route("visitor", "Standard Visitor", "Visit for tourism, business or to see family, for up to 6 months.", 15),
        Route("skilled-worker", "Skilled Worker", "Work for an employer with a sponsor licence.", 15),
        Route("student", "Student", "Study a course with a licensed student sponsor.", 15),
        Route("family-partner", "Family (partner)", "Join a partner who is British or settled.", 40),
        Route("settlement", "Settlement", "Indefinite leave to remain after qualifying time in the UK.", 120),
    ]
}
ROUTE_CHOICES = [(route.code, route.name) for route in ROUTES.values()]


class DocumentKind:
    PASSPORT_PHOTO = "passport_photo"
    SELFIE = "selfie"
    CHOICES = [(PASSPORT_PHOTO, "Passport photo page"), (SELFIE, "Photo of your face")]
