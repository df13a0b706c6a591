import pytest
from django.urls import reverse

from applications.models import Application
from applications.services import application_withdraw
from audit.models import AccessAction, AccessRecord
from casework.search import fold
from tests.conftest import signed_in
from tests.factories import draft_application, submitted

REASON = {"reason": "correspondence"}


def _search(user, **criteria):
    return signed_in(user).get(reverse("casework:search"), {**REASON, **criteria})


def _found(response) -> set[str]:
    page = response.content.decode()
    return {reference for reference in Application.objects.values_list("reference", flat=True) if reference and reference in page}


@pytest.fixture
def cases(applicant, second_applicant):
    zoe = submitted(second_applicant)
    Application.objects.filter(id=zoe.id).update(answers={
        **zoe.answers, "given_names": "Zoë", "family_name": "Ørsted-Núñez", "date_of_birth": "1990-03-27",
        "passport_number": "X9876543", "email": "Zoe.Orsted@Example.org",
    })
    eileen = submitted(applicant)
    application_withdraw(application=eileen, actor=applicant)
    draft = draft_application(applicant)
    return {"zoe": Application.objects.get(id=zoe.id), "eileen": eileen, "draft": draft}


def test_a_reference_is_found_without_dashes_and_in_any_case(cases, caseworker):
    reference = cases["zoe"].reference
    assert _found(_search(caseworker, reference=reference.replace("-", "").lower())) == {reference}
    assert _found(_search(caseworker, reference=f" {reference.lower()} ")) == {reference}


def test_a_mistyped_reference_is_caught_by_its_check_character(cases, caseworker):
    reference = cases["zoe"].reference
    last = reference[-1]
    typo = reference[:-1] + ("A" if last != "A" else "B")
    response = _search(caseworker, reference=typo)
    assert response.status_code == 400
    assert "a character is mistyped" in response.content.decode()
    assert not AccessRecord.objects.exists()
    assert "this has 11" in _search(caseworker, reference=reference[:-1]).content.decode()


@pytest.mark.parametrize("name", ["zoe", "ORSTED", "zoë ørsted", "nunez", "Núñez Zoe", "sted-nu"])
def test_a_name_is_found_whatever_its_accents_and_case_and_in_part(cases, caseworker, name):
    assert _found(_search(caseworker, name=name)) == {cases["zoe"].reference}


def test_names_fold_as_the_database_folds_them():
    assert fold("Zoë Ørsted-Núñez ß Æ") == "zoe orsted-nunez ss ae"


def test_date_of_birth_passport_number_and_either_email_find_the_case(cases, caseworker, second_applicant):
    zoe = cases["zoe"].reference
    assert _found(_search(caseworker, date_of_birth_day="27", date_of_birth_month="3", date_of_birth_year="1990")) == {zoe}
    assert _found(_search(caseworker, passport_number="x98 76543")) == {zoe}
    assert _found(_search(caseworker, email="zoe.orsted@example.ORG")) == {zoe}
    assert _found(_search(caseworker, email=second_applicant.email.upper())) == {zoe}
    # Every criterion given must match.
    assert _found(_search(caseworker, name="zoe", passport_number="P1234567")) == set()


def test_search_spans_every_state_but_never_drafts(cases, caseworker):
    found = _found(_search(caseworker, name="collins"))
    assert found == {cases["eileen"].reference}
    assert str(cases["draft"].id) not in _search(caseworker, name="collins").content.decode()


def test_a_search_without_a_reason_is_refused_and_not_run(cases, caseworker):
    response = signed_in(caseworker).get(reverse("casework:search"), {"name": "zoe"})
    assert response.status_code == 400
    assert "Select why you are searching" in response.content.decode()
    assert _found(response) == set()
    other = signed_in(caseworker).get(reverse("casework:search"), {"name": "zoe", "reason": "other", "reason_detail": " "})
    assert other.status_code == 400 and "Say why you are searching" in other.content.decode()
    assert not AccessRecord.objects.exists()


def test_a_search_needs_something_to_search_for(caseworker):
    response = _search(caseworker)
    assert response.status_code == 400
    assert "Enter a reference, name, date of birth, passport number or email address" in response.content.decode()


def test_the_search_and_its_reason_are_recorded(cases, auditor):
    signed_in(auditor).get(reverse("casework:search"), {"name": "Zoë", "reason": "agency_request", "reason_detail": "Police ref 123"})
    record = AccessRecord.objects.get()
    assert (record.action, record.actor_id, record.actor_role, record.target) == (AccessAction.SEARCH, auditor.id, "Auditor", "name=zoe")
    assert record.reason == "A request from another agency (give its reference below): Police ref 123"


def test_only_casework_roles_can_search(cases, applicant, client):
    assert _search(applicant, name="zoe").status_code == 403
    assert client.get(reverse("casework:search"), {**REASON, "name": "zoe"}).status_code == 302
    assert not AccessRecord.objects.exists()


def test_every_casework_page_links_to_search(cases, caseworker, auditor):
    for user in (caseworker, auditor):
        for url in [reverse("casework:queue"), reverse("casework:case", args=[cases["zoe"].id])]:
            page = signed_in(user).get(url).content.decode()
            assert f'href="{reverse("casework:search")}"' in page
