import datetime
import io

from django.urls import reverse
from PIL import Image

from applications.models import Application, State
from applications.services import application_retry_identity, application_submit
from applications.uploads import read_photo
from applications.workflow import application_transition
from identity.models import DuplicateCandidate, IdentityCheck
from applications.identity_checks import application_identity_check_run
from outbox.models import Message
from tests import images
from tests.conftest import signed_in
from tests.factories import checked, draft_application, upload


def _reviewed(applicant, **photos) -> Application:
    return checked(applicant, **photos)


def _act(user, application, action, reason="Compared the photos."):
    if action not in ("confirm_identity_override", "reject_identity_override") and application.assigned_to_id is None:
        # Everything but a second caseworker's confirmation needs the case to be yours.
        signed_in(user).post(reverse("casework:take", args=[application.id]))
        application.refresh_from_db()
    return signed_in(user).post(reverse("casework:identity", args=[application.id]), {"action": action, "identity_reason": reason}, follow=True)


def test_a_page_photographed_sideways_is_shown_to_the_caseworker_upright(applicant, caseworker):
    import io

    from PIL import Image

    sideways = images.turned(images.encode(images.page("astronaut"), quality=90), 90)
    application = checked(applicant, passport=sideways)
    check = application.identity_checks.get()
    assert check.status == "passed" and check.evidence["passport"]["rotation"] == 90

    page = signed_in(caseworker).get(reverse("casework:case", args=[application.id])).content.decode()
    upright_url = reverse("applications:document", args=[check.passport_photo_id]) + "?turn=90"
    assert upright_url in page and "turned 90° clockwise to be upright" in page
    response = signed_in(caseworker).get(upright_url)

    shown = Image.open(io.BytesIO(response.content))
    # The page is 1,250 x 880 upright; stored sideways it is 880 x 1,250.
    assert response["Content-Type"] == "image/png" and shown.size == (1250, 880)
    assert signed_in(caseworker).get(reverse("applications:document", args=[check.passport_photo_id]) + "?turn=45").status_code == 404


def test_the_case_page_shows_both_photos_the_thresholds_quality_and_runs(applicant, caseworker):
    application = _reviewed(applicant, selfie=images.hopper_selfie())
    check = application.identity_checks.get()

    page = signed_in(caseworker).get(reverse("casework:case", args=[application.id])).content.decode()

    assert reverse("applications:document", args=[check.passport_photo_id]) in page
    assert reverse("applications:document", args=[check.selfie_id]) in page
    assert f"Face distance <strong>{check.distance:.3f}</strong>: beyond the fail threshold (pass at 0.50 or less, fail above 0.60)" in page
    assert f'data-distance="{check.distance:.3f}"' in page
    for side in ["passport", "selfie"]:
        assert reverse("casework:face", args=[application.id, check.id, side]) in page
    assert "does not match the passport photo" in page
    assert "Between the eyes" in page and str(check.evidence["selfie"]["eye_distance_px"]) in page
    assert "Runs of attempt 1" in page and "submitted" in page
    assert "1 of 3 attempts used" in page


def test_the_faces_are_shown_cropped_to_the_face_the_check_found(applicant, caseworker, auditor):
    application = _reviewed(applicant, selfie=images.hopper_selfie())
    check = application.identity_checks.get()

    for side, document in [("passport", check.passport_photo), ("selfie", check.selfie)]:
        response = signed_in(caseworker).get(reverse("casework:face", args=[application.id, check.id, side]))
        assert response["Content-Type"] == "image/jpeg"
        portrait = Image.open(io.BytesIO(response.content))
        left, top, right, bottom = check.evidence[side]["face_box"]
        assert 0 <= left < right <= document.width and 0 <= top < bottom <= document.height
        # The face with room around it (45% of its size each side), at most 320 pixels.
        margin = round(max(right - left, bottom - top) * 0.45)
        crop = (min(right + margin, document.width) - max(left - margin, 0), min(bottom + margin, document.height) - max(top - margin, 0))
        assert abs(portrait.width / portrait.height - crop[0] / crop[1]) < 0.02
        assert max(portrait.size) == min(320, max(crop))
    # The passport's portrait is a small part of its photo page.
    assert check.evidence["passport"]["face_box"][2] - check.evidence["passport"]["face_box"][0] < check.passport_photo.width / 3
    assert signed_in(applicant).get(reverse("casework:face", args=[application.id, check.id, "selfie"])).status_code == 403
    assert signed_in(auditor).get(reverse("casework:face", args=[application.id, check.id, "other"])).status_code == 404


def test_accepting_an_identity_needs_a_second_caseworker(applicant, caseworker, senior_caseworker, django_user_model):
    application = _reviewed(applicant, selfie=images.hopper_selfie())

    _act(caseworker, application, "propose_identity_override", "Same person; the selfie is old.")
    application.refresh_from_db()
    assert application.state == State.IDENTITY_OVERRIDE_PROPOSED
    assert application.identity_override_proposed_by == caseworker

    # The proposer cannot confirm, even when senior.
    senior_proposer = senior_caseworker
    other = _reviewed(applicant, passport=images.hopper_passport(), selfie=images.astronaut_selfie())
    _act(senior_proposer, other, "propose_identity_override")
    response = _act(senior_proposer, other, "confirm_identity_override")
    assert response.status_code == 400  # not one of the actions offered to them
    other.refresh_from_db()
    assert other.state == State.IDENTITY_OVERRIDE_PROPOSED

    # A caseworker without the senior permission cannot confirm either.
    _act(caseworker, application, "confirm_identity_override")
    application.refresh_from_db()
    assert application.state == State.IDENTITY_OVERRIDE_PROPOSED

    _act(senior_caseworker, application, "confirm_identity_override", "Agreed.")
    application.refresh_from_db()
    assert application.state == State.READY_FOR_CASEWORK
    assert [e.actor for e in application.events.filter(transition__contains="identity_override")] == [caseworker, senior_caseworker]


def test_a_second_caseworker_can_send_an_acceptance_back(applicant, caseworker, senior_caseworker):
    application = _reviewed(applicant, selfie=images.hopper_selfie())
    _act(caseworker, application, "propose_identity_override")

    _act(senior_caseworker, application, "reject_identity_override", "Not convinced.")

    application.refresh_from_db()
    assert application.state == State.IDENTITY_ADJUDICATION
    assert application.identity_override_proposed_by is None


def test_a_caseworker_can_ask_for_new_photos_while_attempts_remain(applicant, caseworker, settings):
    application = _reviewed(applicant, selfie=images.hopper_selfie())

    _act(caseworker, application, "ask_for_new_photos", "Please take the photo again.")

    application.refresh_from_db()
    assert application.state == State.IDENTITY_RETRY
    settings.IDENTITY_MAX_ATTEMPTS = 1
    other = _reviewed(applicant, passport=images.hopper_passport(), selfie=images.astronaut_selfie())
    form = signed_in(caseworker).get(reverse("casework:case", args=[other.id])).context["identity_form"]
    assert "ask_for_new_photos" not in dict(form.fields["action"].choices)


def test_a_check_that_errored_can_be_run_again_and_keeps_its_runs(applicant, caseworker):
    application = application_submit(application=draft_application(applicant), actor=applicant)
    check = application.identity_checks.get()
    selfie = check.selfie.file.read()
    check.selfie.file.close()
    check.selfie.file.delete(save=False)
    application_identity_check_run(application_id=check.application_id, task_id="first")
    check.selfie.file.save("again.jpg", __import__("django.core.files.base", fromlist=["ContentFile"]).ContentFile(selfie), save=True)

    _act(caseworker, application, "rerun_identity_check")
    rerun = application.events.get(transition="rerun_identity_check")
    assert Message.objects.filter(key=f"identity.run_identity_check:{rerun.id}").exists()
    application_identity_check_run(application_id=check.application_id, task_id="second")

    check.refresh_from_db()
    application.refresh_from_db()
    assert check.status == IdentityCheck.Status.PASSED
    assert [(run.trigger, run.outcome) for run in check.runs.all()] == [("submitted", "error"), ("re-run by a caseworker", "passed")]
    assert application.state == State.READY_FOR_CASEWORK


def test_a_check_that_did_not_error_cannot_be_run_again(applicant, caseworker):
    application = _reviewed(applicant, selfie=images.hopper_selfie())

    response = _act(caseworker, application, "rerun_identity_check")

    assert "Select a valid choice" in response.content.decode()
    assert application.identity_checks.get().runs.count() == 1


def test_a_potential_duplicate_blocks_a_grant_until_resolved(applicant, second_applicant, caseworker):
    _reviewed(applicant)
    application = _reviewed(second_applicant)
    candidate = DuplicateCandidate.objects.get(application=application)
    client = signed_in(caseworker)
    client.post(reverse("casework:take", args=[application.id]))
    page = client.get(reverse("casework:case", args=[application.id])).content.decode()
    assert "Potential duplicate identities" in page
    assert "You cannot grant yet. Potential duplicate identities must be looked into and dismissed first" in page

    client.post(reverse("casework:take", args=[application.id]))
    until = datetime.date.today() + datetime.timedelta(days=365)
    grant = {"decision": "grant", "work_condition": "none", "study_condition": "permitted",
             "valid_until_day": until.day, "valid_until_month": until.month, "valid_until_year": until.year}
    response = client.post(reverse("casework:decision", args=[application.id]), grant)
    assert response.status_code == 400
    application.refresh_from_db()
    assert application.state == State.IN_REVIEW

    client.post(reverse("casework:duplicate", args=[application.id, candidate.id]), {"resolution": "dismissed", "duplicate_reason": "Twins; different passports checked."})
    candidate.refresh_from_db()
    assert (candidate.resolution, candidate.resolved_by) == ("dismissed", caseworker)

    client.post(reverse("casework:decision", args=[application.id]), grant)
    application.refresh_from_db()
    assert application.state == State.GRANTED


def test_a_duplicate_shows_on_both_cases_with_the_two_faces_side_by_side_and_blocks_both_grants(applicant, second_applicant, caseworker):
    from casework.services import case_blocked_decisions, case_take

    first = _reviewed(applicant)
    second = _reviewed(second_applicant)

    for this, other in ((first, second), (second, first)):
        flag = DuplicateCandidate.objects.get(application=this)
        assert flag.candidate == other and flag.distance < 0.5
        case_take(application=this, user=caseworker)
        this.refresh_from_db()
        assert case_blocked_decisions(application=this, user=caseworker)
        page = signed_in(caseworker).get(reverse("casework:case", args=[this.id])).content.decode()
        own, theirs = (application.identity_checks.get().selfie_id for application in (this, other))
        assert reverse("applications:document", args=[own]) in page.split("Potential duplicate identities")[1]
        assert reverse("applications:document", args=[theirs]) in page
        assert other.reference in page


def test_a_duplicate_is_resolved_once_by_the_caseworker_who_has_the_case(applicant, second_applicant, caseworker, senior_caseworker):
    _reviewed(applicant)
    application = _reviewed(second_applicant)
    candidate = DuplicateCandidate.objects.get(application=application)
    url = reverse("casework:duplicate", args=[application.id, candidate.id])

    not_taken = signed_in(caseworker).post(url, {"resolution": "dismissed", "duplicate_reason": "x"}, follow=True)
    assert "Take the case to resolve" in not_taken.content.decode()
    signed_in(caseworker).post(reverse("casework:take", args=[application.id]))
    signed_in(caseworker).post(url, {"resolution": "confirmed", "duplicate_reason": "Same person."})
    again = signed_in(caseworker).post(url, {"resolution": "dismissed", "duplicate_reason": "No."}, follow=True)

    assert "already been resolved" in again.content.decode()
    candidate.refresh_from_db()
    assert (candidate.resolution, candidate.resolved_by) == ("confirmed", caseworker)
    assert application.events.last().transition == "confirmed_duplicate"
    # A confirmed duplicate cannot be granted.
    from casework.services import case_blocked_decisions
    application.refresh_from_db()
    assert case_blocked_decisions(application=application, user=caseworker)


def test_a_duplicate_of_another_case_is_not_found_through_this_one(applicant, second_applicant, caseworker):
    first = _reviewed(applicant)
    second = _reviewed(second_applicant)
    candidate = DuplicateCandidate.objects.get(application=second)

    response = signed_in(caseworker).post(reverse("casework:duplicate", args=[first.id, candidate.id]), {"resolution": "dismissed", "duplicate_reason": "x"})

    assert response.status_code == 404
    candidate.refresh_from_db()
    assert candidate.resolved_at is None


def test_applicants_cannot_adjudicate(applicant):
    application = _reviewed(applicant, selfie=images.hopper_selfie())

    assert signed_in(applicant).post(reverse("casework:identity", args=[application.id]), {"action": "propose_identity_override"}).status_code == 403


def test_only_the_current_attempt_is_offered_a_re_run(applicant, caseworker):
    application = application_submit(application=draft_application(applicant), actor=applicant)
    # Attempt 1 errored; the applicant was asked for new photos; attempt 2 is referred.
    IdentityCheck.objects.filter(id=application.identity_checks.get().id).update(status=IdentityCheck.Status.ERROR)
    application_transition(application, "ask_for_new_photos", actor=None)
    application_retry_identity(
        application=application, actor=applicant,
        passport_photo=read_photo(upload("p.jpg", images.astronaut_passport()), label="Passport"),
        selfie=read_photo(upload("s.jpg", images.hopper_selfie()), label="Selfie"),
    )
    application_identity_check_run(application_id=application.id, task_id="second")
    application.refresh_from_db()
    signed_in(caseworker).post(reverse("casework:take", args=[application.id]))

    form = signed_in(caseworker).get(reverse("casework:case", args=[application.id])).context["identity_form"]

    assert "rerun_identity_check" not in dict(form.fields["action"].choices)
