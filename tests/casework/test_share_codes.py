import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from casework.models import ShareCode, ShareCodeCheck
from casework.share_codes import ALPHABET, code_hash, format_code, normalise_code, share_code_create
from tests import images
from tests.conftest import signed_in
from tests.factories import granted

DOB = {"date_of_birth_day": "19", "date_of_birth_month": "11", "date_of_birth_year": "1956"}


@pytest.fixture
def status(applicant, caseworker):
    return granted(applicant, caseworker).immigration_status


def _check(client, code, dob=DOB, **extra):
    return client.post(reverse("status-check"), {"code": code, "organisation": "Acme Lettings", **dob, **extra}, **extra)


def test_the_holder_creates_a_code_of_nine_unambiguous_characters_valid_for_ninety_days(applicant, status):
    client = signed_in(applicant)
    response = client.post(reverse("holder:share", args=[status.application_id]), {"create": "1", "purpose": "right_to_work"}, follow=True)

    shown = re.search(r'<strong class="app-share-code">([A-Z0-9 ]{11})</strong>', response.content.decode()).group(1)
    code = normalise_code(shown)
    assert len(code) == 9 and set(code) <= set(ALPHABET)
    assert not set(code) & set("01OIL")
    share_code = ShareCode.objects.get()
    assert (share_code.expires_at - share_code.created_at).days == 90
    assert "We do not keep it" in response.content.decode()
    # Shown once: the page shows only its ending from then on.
    again = client.get(reverse("holder:share", args=[status.application_id])).content.decode()
    assert shown not in again and f"Ending <strong class=\"app-share-code\">{code[-3:]}</strong>" in again


def test_the_database_keeps_a_keyed_hash_of_the_code_not_the_code(applicant, status, settings):
    created = share_code_create(status=status, holder=applicant)

    stored = ShareCode.objects.values().get()
    assert created.code not in str(stored)
    assert stored["code_hash"] == code_hash(created.code)
    settings.SHARE_CODE_KEY = "another-key"
    assert code_hash(created.code) != stored["code_hash"]


def test_a_holder_may_have_a_few_working_codes_at_a_time(applicant, status, settings):
    settings.SHARE_CODES_ACTIVE_LIMIT = 2
    client = signed_in(applicant)
    url = reverse("holder:share", args=[status.application_id])
    first = share_code_create(status=status, holder=applicant)
    share_code_create(status=status, holder=applicant)

    response = client.post(url, {"create": "1", "purpose": "right_to_work"}, follow=True)

    assert "You already have 2 share codes that work" in response.content.decode()
    assert ShareCode.objects.count() == 2
    client.post(url, {"revoke": first.share_code.id})
    client.post(url, {"create": "1", "purpose": "right_to_work"})
    assert ShareCode.objects.count() == 3


def test_a_third_party_sees_the_status_with_the_code_and_date_of_birth_and_the_holder_sees_the_check(client, applicant, status):
    code = share_code_create(status=status, holder=applicant)

    response = _check(client, format_code(code.code).lower())

    page = response.content.decode()
    assert response.status_code == 200
    assert "Eileen Marie Collins" in page and "Standard Visitor" in page and "No work" in page
    # Only what the status allows: nothing about the application itself.
    assert "P1234567" not in page and application_reference(status) not in page
    holder_page = signed_in(applicant).get(reverse("holder:share", args=[status.application_id])).content.decode()
    assert "Acme Lettings" in holder_page and "Status shown" in holder_page


def application_reference(status):
    return status.application.reference


@pytest.mark.parametrize(
    ("make", "outcome"),
    [
        (lambda code: (code.code, {"date_of_birth_day": "20", "date_of_birth_month": "11", "date_of_birth_year": "1956"}), "wrong_dob"),
        (lambda code: ("ZZZZZZZZZ", DOB), "not_found"),
    ],
    ids=["wrong-date-of-birth", "unknown-code"],
)
def test_a_wrong_code_or_date_of_birth_shows_nothing_and_says_the_same(client, applicant, status, make, outcome):
    code = share_code_create(status=status, holder=applicant)
    typed, dob = make(code)

    response = client.post(reverse("status-check"), {"code": typed, **dob})

    assert response.status_code == 400
    assert "We could not find a status with this share code and date of birth" in response.content.decode()
    assert "Eileen" not in response.content.decode()
    assert ShareCodeCheck.objects.get().outcome == outcome


def test_an_expired_code_does_not_work(client, applicant, status):
    code = share_code_create(status=status, holder=applicant)
    ShareCode.objects.filter(id=code.share_code.id).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))

    assert _check(client, code.code).status_code == 400
    assert ShareCodeCheck.objects.get().outcome == "expired"


def test_a_revoked_code_does_not_work_and_only_the_holder_can_revoke(client, applicant, second_applicant, status):
    code = share_code_create(status=status, holder=applicant)
    share_page = reverse("holder:share", args=[status.application_id])

    assert signed_in(second_applicant).post(share_page, {"revoke": str(code.share_code.id)}).status_code == 404
    signed_in(applicant).post(share_page, {"revoke": str(code.share_code.id)})

    code.share_code.refresh_from_db()
    assert code.share_code.revoked_at is not None
    assert _check(client, code.code).status_code == 400
    assert ShareCodeCheck.objects.get().outcome == "revoked"


def test_checks_from_one_address_are_rate_limited(client, applicant, status, settings):
    settings.SHARE_CODE_CHECKS_PER_ADDRESS = 3
    code = share_code_create(status=status, holder=applicant)
    for _ in range(3):
        client.post(reverse("status-check"), {"code": "ZZZZZZZZZ", **DOB})

    response = _check(client, code.code)

    assert response.status_code == 429
    assert "Too many checks" in response.content.decode()
    # Another address is not affected.
    assert _check(client, code.code, REMOTE_ADDR="203.0.113.5").status_code == 200


def test_a_check_refused_by_the_rate_limit_is_logged_and_the_holder_sees_it(client, applicant, status, settings):
    settings.SHARE_CODE_CHECKS_PER_ADDRESS = 1
    code = share_code_create(status=status, holder=applicant)
    client.post(reverse("status-check"), {"code": "ZZZZZZZZZ", **DOB})

    assert _check(client, code.code).status_code == 429

    refused = ShareCodeCheck.objects.get(outcome="rate_limited")
    assert refused.share_code == code.share_code and refused.organisation == "Acme Lettings"
    holder_page = signed_in(applicant).get(reverse("holder:share", args=[status.application_id])).content.decode()
    assert "Refused: too many checks from one place" in holder_page


def test_a_code_is_locked_after_repeated_wrong_dates_of_birth(applicant, status, settings):
    from django.test import Client

    code = share_code_create(status=status, holder=applicant)
    for number in range(settings.SHARE_CODE_WRONG_DOB_LIMIT):
        Client(REMOTE_ADDR=f"198.51.100.{number}").post(reverse("status-check"), {"code": code.code, **DOB, "date_of_birth_day": "1"})

    response = _check(Client(REMOTE_ADDR="203.0.113.9"), code.code)

    assert response.status_code == 400
    assert ShareCodeCheck.objects.first().outcome == "locked"


def test_there_is_no_share_page_before_a_grant(applicant, caseworker):
    from tests.factories import in_review

    application = in_review(applicant, caseworker)

    assert signed_in(applicant).get(reverse("holder:share", args=[application.id])).status_code == 404


def test_a_permission_that_has_ended_is_shown_as_ended_and_codes_do_not_outlive_it(client, applicant, status):
    from casework.models import ImmigrationStatus

    ends = timezone.localdate() + datetime.timedelta(days=10)
    ImmigrationStatus.objects.filter(id=status.id).update(valid_until=ends)
    status.refresh_from_db()
    code = share_code_create(status=status, holder=applicant)
    assert code.share_code.expires_at.date() <= ends + datetime.timedelta(days=1)

    ImmigrationStatus.objects.filter(id=status.id).update(valid_until=timezone.localdate() - datetime.timedelta(days=1))
    page = _check(client, code.code).content.decode()

    assert "This permission ended on" in page


def test_simultaneous_wrong_dates_of_birth_do_not_exceed_the_limit(committed_db, applicant, caseworker, settings):
    import threading

    from django.db import connections

    from casework.share_codes import share_code_check

    status = granted(applicant, caseworker).immigration_status
    code = share_code_create(status=status, holder=applicant)
    settings.SHARE_CODE_CHECKS_PER_ADDRESS = 1000
    barrier = threading.Barrier(12)

    def guess(number):
        try:
            barrier.wait()
            share_code_check(code=code.code, date_of_birth=datetime.date(1950, 1, number + 1), organisation="", address=f"198.51.100.{number}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=guess, args=(number,)) for number in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    outcomes = list(ShareCodeCheck.objects.values_list("outcome", flat=True))
    assert len(outcomes) == 12
    assert outcomes.count("wrong_dob") == settings.SHARE_CODE_WRONG_DOB_LIMIT
    assert outcomes.count("locked") == 12 - settings.SHARE_CODE_WRONG_DOB_LIMIT


def test_a_share_code_needs_a_purpose_and_nothing_is_made_without_one(applicant, status):
    client = signed_in(applicant)

    response = client.post(reverse("holder:share", args=[status.application_id]), {"create": "1", "purpose": "everything"})

    assert response.status_code == 400
    assert "Select what the share code is for" in response.content.decode()
    assert not ShareCode.objects.exists()


def test_the_holder_chooses_the_purpose_and_whether_their_photo_is_shown(applicant, status):
    client = signed_in(applicant)

    client.post(reverse("holder:share", args=[status.application_id]), {"create": "1", "purpose": "right_to_rent", "show_photo": "on"})

    share_code = ShareCode.objects.get()
    assert (share_code.purpose, share_code.show_photo) == ("right_to_rent", True)
    page = client.get(reverse("holder:share", args=[status.application_id])).content.decode()
    assert "Right to rent, with your photo" in page


def test_the_check_page_answers_only_the_codes_question(client, applicant, status):
    from casework.models import SharePurpose

    status.work_condition = "limited"
    status.save()
    work = share_code_create(status=status, holder=applicant, purpose=SharePurpose.RIGHT_TO_WORK)
    rent = share_code_create(status=status, holder=applicant, purpose=SharePurpose.RIGHT_TO_RENT)

    work_page = _check(client, work.code).content.decode()
    rent_page = _check(client, rent.code).content.decode()

    assert "They can work in the UK" in work_page and "Work up to 20 hours a week in term time" in work_page
    assert "Standard Visitor" not in work_page and "Study" not in work_page
    assert "They can rent in England" in rent_page and "20 hours" not in rent_page and "Standard Visitor" not in rent_page


def test_the_photo_is_shown_on_the_check_page_only_where_the_holder_agreed(client, applicant, status):
    status.photo = images.encode(images.portrait())
    status.save()
    without = share_code_create(status=status, holder=applicant)
    with_photo = share_code_create(status=status, holder=applicant, show_photo=True)

    assert 'alt="Photo of' not in _check(client, without.code).content.decode()
    assert 'src="data:image/jpeg;base64,' in _check(client, with_photo.code).content.decode()


def test_a_grant_keeps_the_face_from_the_passport_photo_with_the_status(status):
    from PIL import Image

    photo = Image.open(io.BytesIO(bytes(status.photo)))
    assert photo.format == "JPEG" and max(photo.size) <= 320
