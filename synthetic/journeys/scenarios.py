"""The scenarios: each checks the outcome it expects at every step (synthetic/journeys/journey.py)."""

from synthetic.journeys import faces
from synthetic.journeys.journey import Journey

# Routes a journey may apply on; each persona answers every route's questions.
ROUTES = ["visitor", "student", "skilled-worker", "family-partner", "settlement"]


def _someone(journey: Journey) -> faces.Face:
    return journey.rng.choice(faces.pool())


def _photos_of(journey: Journey, face: faces.Face) -> dict[str, bytes]:
    """A passport photo and a selfie of one person, each taken differently."""
    return {"passport": faces.passport_photo(face, journey.rng), "selfie": faces.selfie(face, journey.rng)}


def grant(journey: Journey) -> None:
    """Apply with matching photos; identity confirmed; a caseworker grants; the applicant sees it."""
    route = journey.rng.choice(ROUTES)
    applicant = journey.applicant()
    applicant.register()
    case = applicant.apply(route=route, **_photos_of(journey, _someone(journey)))
    caseworker = journey.staff("caseworker")
    caseworker.identity_outcome(case, "Waiting for a caseworker")
    caseworker.take(case)
    caseworker.grant(case, route=route)
    applicant.sees_decision(case, "granted")


def verify(journey: Journey) -> None:
    """Apply with matching photos and wait for the identity check to confirm them: the identity work alone, no decision."""
    applicant = journey.applicant()
    applicant.register()
    case = applicant.apply(route=journey.rng.choice(ROUTES), **_photos_of(journey, _someone(journey)))
    journey.staff("caseworker").identity_outcome(case, "Waiting for a caseworker")


def refusal(journey: Journey) -> None:
    """A caseworker proposes a refusal and a senior caseworker confirms it."""
    applicant = journey.applicant()
    applicant.register()
    case = applicant.apply(route=journey.rng.choice(ROUTES), **_photos_of(journey, _someone(journey)))
    caseworker = journey.staff("caseworker")
    caseworker.identity_outcome(case, "Waiting for a caseworker")
    caseworker.take(case)
    caseworker.propose_refusal(case, ["financial"], "The bank statements do not show enough funds for the stay.")
    journey.staff("senior").confirm_refusal(case)
    applicant.sees_decision(case, "refused")


def face_mismatch(journey: Journey) -> None:
    """The selfie is someone else: the check refers it to a person, who refuses on identity."""
    one, other = journey.rng.sample(faces.pool(), 2)
    applicant = journey.applicant()
    applicant.register()
    case = applicant.apply(route="visitor", passport=faces.passport_photo(one, journey.rng), selfie=faces.selfie(other, journey.rng))
    caseworker = journey.staff("caseworker")
    caseworker.identity_outcome(case, "Identity needs review")
    caseworker.take(case, expected_state="Identity needs review")
    caseworker.propose_refusal(case, ["identity"], "The selfie is not of the person in the passport.")
    journey.staff("senior").confirm_refusal(case)
    applicant.sees_decision(case, "refused")


def no_face_then_retry(journey: Journey) -> None:
    """No face in the first selfie: the upload page says so at once and keeps nothing; a good retry goes through to a grant."""
    face = _someone(journey)
    applicant = journey.applicant()
    applicant.register()
    case = applicant.draft(route="visitor")
    applicant.photos_refused(
        case, passport=faces.passport_photo(face, journey.rng), selfie=faces.no_face(journey.rng),
        because="We could not find a face in the photo of your face",
    )
    applicant.send_photos(case, **_photos_of(journey, face), step="upload photos again")
    applicant.submit(case)
    caseworker = journey.staff("caseworker")
    caseworker.identity_outcome(case, "Waiting for a caseworker")
    caseworker.take(case)
    caseworker.grant(case, route="visitor")
    applicant.sees_decision(case, "granted")


def information_requested(journey: Journey) -> None:
    """The caseworker asks for more information; the applicant replies with a file; then a grant."""
    applicant = journey.applicant()
    applicant.register()
    case = applicant.apply(route="visitor", **_photos_of(journey, _someone(journey)))
    caseworker = journey.staff("caseworker")
    caseworker.identity_outcome(case, "Waiting for a caseworker")
    caseworker.take(case)
    caseworker.request_information(case)
    applicant.respond(case)
    with journey.step("reply reaches caseworker"):
        caseworker.expect_state(case, "With a caseworker")
    caseworker.grant(case, route="visitor")
    applicant.sees_decision(case, "granted")


def withdrawal(journey: Journey) -> None:
    """The applicant withdraws once their identity is confirmed."""
    applicant = journey.applicant()
    applicant.register()
    case = applicant.apply(route=journey.rng.choice(ROUTES), **_photos_of(journey, _someone(journey)))
    caseworker = journey.staff("caseworker")
    caseworker.identity_outcome(case, "Waiting for a caseworker")
    applicant.withdraw(case)
    with journey.step("caseworker sees withdrawal"):
        caseworker.expect_state(case, "Withdrawn")


def duplicate_identity(journey: Journey) -> None:
    """The same face applies again under a second identity: flagged, confirmed, refused."""
    face = _someone(journey)
    first = journey.applicant()
    first.register()
    first_case = first.apply(route="visitor", **_photos_of(journey, face))
    caseworker = journey.staff("caseworker")
    caseworker.identity_outcome(first_case, "Waiting for a caseworker", step="first identity check")
    second = journey.applicant()
    second.register()
    case = second.apply(route="visitor", **_photos_of(journey, face))
    caseworker.identity_outcome(case, "Waiting for a caseworker", step="second identity check")
    caseworker.take(case)
    caseworker.confirm_duplicate(case, of=first_case)
    caseworker.propose_refusal(case, ["identity", "suitability"], f"You have applied before under another identity ({first_case.reference}).")
    journey.staff("senior").confirm_refusal(case)
    second.sees_decision(case, "refused")


ETA = "electronic-travel-authorisation"


def eta_auto_grant(journey: Journey) -> None:
    """A travel authorisation: the card is declined, paid on the second try, and granted by the automated checks within minutes."""
    applicant = journey.applicant()
    applicant.register()
    case = applicant.draft(route=ETA)
    applicant.send_photos(case, **_photos_of(journey, _someone(journey)))
    applicant.pay_and_submit(case, outcome="decline")
    applicant.retry_payment(case)
    applicant.sees_decision(case, "granted")
    with journey.step("told the decision was automated"):
        applicant.sees(case, "This decision was made automatically")
    journey.staff("caseworker").sees_automated_decision(case, "granted automatically")


def eta_referred(journey: Journey) -> None:
    """A travel authorisation with a "yes" to a suitability question: referred by the automated checks; a caseworker grants."""
    applicant = journey.applicant()
    applicant.persona.answers["criminal_convictions"] = "yes"
    applicant.register()
    case = applicant.draft(route=ETA)
    applicant.send_photos(case, **_photos_of(journey, _someone(journey)))
    applicant.pay_and_submit(case)
    caseworker = journey.staff("caseworker")
    caseworker.identity_outcome(case, "Waiting for a caseworker", step="automated checks")
    caseworker.sees_automated_decision(case, "referred to a caseworker", failed_rule="No to every suitability question")
    caseworker.take(case)
    caseworker.grant(case, route=ETA)
    applicant.sees_decision(case, "granted")


SCENARIOS = {
    "grant": grant,
    "verify": verify,
    "refusal": refusal,
    "face-mismatch": face_mismatch,
    "no-face-retry": no_face_then_retry,
    "information-request": information_requested,
    "withdrawal": withdrawal,
    "duplicate-identity": duplicate_identity,
    "eta-auto-grant": eta_auto_grant,
    "eta-referred": eta_referred,
}
