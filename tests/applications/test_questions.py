import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Application
from applications.routes import ROUTES
from tests.applications.test_mrz import make_mrz
from tests.conftest import signed_in
from tests.factories import draft_application, form_data, valid_answers


@pytest.fixture
def draft(applicant) -> Application:
    return Application.objects.create(applicant=applicant, route="skilled-worker")


def _question(application, key):
    return reverse("applications:question", args=[application.id, key])


def _post(applicant, application, key, data, **query):
    url = _question(application, key) + ("?change=1" if query.get("change") else "")
    return signed_in(applicant).post(url, data)


@pytest.mark.parametrize("route", list(ROUTES))
def test_every_question_of_every_route_accepts_a_valid_answer(applicant, route):
    application = Application.objects.create(applicant=applicant, route=route)
    answers = valid_answers()

    for question in ROUTES[route].questions.values():
        if question.key not in answers:
            continue
        response = _post(applicant, application, question.key, form_data(question, answers[question.key]))
        assert response.status_code == 302, question.key

    application.refresh_from_db()
    assert set(application.answers) == {key for key in ROUTES[route].questions if key in answers}


def test_each_page_asks_one_question_as_its_heading(applicant, draft):
    page = signed_in(applicant).get(_question(draft, "family_name")).content.decode()

    assert "<title>What is your family name? – " in page
    assert page.count("<h1") == 1
    assert '<h1 class="govuk-label-wrapper"><label class="govuk-label govuk-label--l" for="id_answer">' in page.replace("\n  ", "")


def test_an_answer_is_saved_and_the_next_question_follows(applicant, draft):
    response = _post(applicant, draft, "given_names", {"answer": "  Eileen Marie "})

    assert response["Location"] == _question(draft, "family_name")
    draft.refresh_from_db()
    assert draft.answers["given_names"] == "Eileen Marie"


def test_the_last_question_of_a_section_returns_to_the_task_list(applicant, draft):
    response = _post(applicant, draft, "sex", {"answer": "F"})

    assert response["Location"] == reverse("applications:overview", args=[draft.id])


def test_changing_an_answer_returns_to_check_your_answers(applicant, draft):
    response = _post(applicant, draft, "given_names", {"answer": "Eileen"}, change=True)

    assert response["Location"] == reverse("applications:check-answers", args=[draft.id])
    page = signed_in(applicant).get(_question(draft, "given_names") + "?change=1").content.decode()
    assert f'href="{reverse("applications:check-answers", args=[draft.id])}" class="govuk-back-link"' in page


def test_back_link_goes_to_the_previous_question(applicant, draft):
    page = signed_in(applicant).get(_question(draft, "family_name")).content.decode()

    assert f'href="{_question(draft, "given_names")}" class="govuk-back-link"' in page


def test_leaving_and_returning_shows_saved_answers(applicant, draft):
    _post(applicant, draft, "date_of_birth", {"answer_day": "19", "answer_month": "11", "answer_year": "1956"})
    _post(applicant, draft, "address_country", {"answer": "GBR"})

    date_page = signed_in(applicant).get(_question(draft, "date_of_birth")).content.decode()
    country_page = signed_in(applicant).get(_question(draft, "address_country")).content.decode()

    assert 'name="answer_day" type="text" inputmode="numeric" value="19"' in date_page
    assert '<option value="GBR" selected>United Kingdom</option>' in country_page


def test_an_unknown_question_is_not_found(applicant, draft):
    assert signed_in(applicant).get(_question(draft, "no_such_question")).status_code == 404
    # A question of another route is not part of this application.
    assert signed_in(applicant).get(_question(draft, "cas_number")).status_code == 404


@pytest.mark.parametrize(
    ("key", "data", "message"),
    [
        ("given_names", {"answer": ""}, "Enter your given names"),
        ("given_names", {"answer": "x" * 101}, "Given names must be 100 characters or fewer"),
        ("email", {"answer": "not-an-email"}, "Enter an email address in the correct format"),
        ("phone", {"answer": "call me"}, "Enter a telephone number, like +44 7700 900982"),
        ("passport_number", {"answer": "AB-12"}, "Passport number must be up to 9 letters and numbers"),
        ("cos_reference", {"answer": "C2G7"}, "Certificate of sponsorship reference number must be 11 letters and numbers"),
        ("salary", {"answer": "lots"}, "Annual salary must be an amount in whole pounds, like 38,700"),
        ("salary", {"answer": "0"}, "Annual salary must be £1 or more"),
        ("stay_months", {"answer": "61"}, "Length of stay must be 60 or less"),
        ("sex", {}, "Select your sex as shown on your passport"),
        ("sex", {"answer": "Q"}, "Select a valid choice"),
        ("nationality", {"answer": ""}, "Select your nationality"),
        ("nationality", {"answer": "ZZZ"}, "Select a valid choice"),
        ("date_of_birth", {"answer_day": "", "answer_month": "", "answer_year": ""}, "Enter your date of birth"),
        ("date_of_birth", {"answer_day": "30", "answer_month": "2", "answer_year": "1990"}, "Date of birth must be a real date"),
        ("date_of_birth", {"answer_day": "1", "answer_month": "", "answer_year": "90"}, "Date of birth must include a month"),
        ("date_of_birth", {"answer_day": "1", "answer_month": "1", "answer_year": "2100"}, "Date of birth must be in the past"),
        ("arrival_date", {"answer_day": "1", "answer_month": "12", "answer_year": "9999"}, "Arrival date must be between 1900 and"),
        ("arrival_date", {"answer_day": "1", "answer_month": "1", "answer_year": "2001"}, "Arrival date must be in the future"),
    ],
)
def test_invalid_answers_are_explained_and_not_saved(applicant, draft, key, data, message):
    response = _post(applicant, draft, key, data)

    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error: " in page
    assert "There is a problem" in page
    assert message in page
    assert 'class="govuk-error-message"' in page
    draft.refresh_from_db()
    assert key not in draft.answers


def test_identifiers_are_normalised(applicant, draft):
    _post(applicant, draft, "cos_reference", {"answer": "c2g 7m3 j4k 5l"})

    draft.refresh_from_db()
    assert draft.answers["cos_reference"] == "C2G7M3J4K5L"


@pytest.mark.parametrize("typed", ["38700", "38,700", "£38,700", " £ 38700 "])
def test_money_is_taken_as_people_write_it_and_shown_with_pounds_and_commas(applicant, draft, typed):
    response = _post(applicant, draft, "salary", {"answer": typed})

    draft.refresh_from_db()
    assert response.status_code == 302
    assert draft.answers["salary"] == 38700
    page = signed_in(applicant).get(_question(draft, "salary")).content.decode()
    assert '<div class="govuk-input__prefix" aria-hidden="true">£</div>' in page
    assert ROUTES["skilled-worker"].questions["salary"].display(draft.answers["salary"]) == "£38,700"


def test_passport_must_be_valid_for_the_whole_stay(applicant, draft):
    arrival = timezone.localdate() + datetime.timedelta(days=30)
    for key, value in [("arrival_date", arrival.isoformat()), ("stay_months", 24), ("passport_issue_date", "2020-01-01")]:
        _post(applicant, draft, key, form_data(ROUTES["skilled-worker"].questions[key], value))
    expiry = arrival + datetime.timedelta(days=365)

    response = _post(applicant, draft, "passport_expiry_date", form_data(ROUTES["skilled-worker"].questions["passport_expiry_date"], expiry.isoformat()))

    assert "Your passport must be valid for your whole stay" in response.content.decode()
    draft.refresh_from_db()
    assert "passport_expiry_date" not in draft.answers


def test_a_later_change_that_breaks_a_rule_shows_on_check_your_answers(applicant):
    application = draft_application(applicant)
    # The stay grows after the passport expiry was accepted.
    _post(applicant, application, "arrival_date", form_data(ROUTES["visitor"].questions["arrival_date"], "2035-06-01"))

    page = signed_in(applicant).get(reverse("applications:check-answers", args=[application.id])).content.decode()

    assert "Your passport must be valid for your whole stay" in page
    assert "Accept and submit" not in page


def test_mrz_that_matches_the_typed_passport_details_is_accepted(applicant):
    application = draft_application(applicant)
    expiry = datetime.date.fromisoformat(application.answers["passport_expiry_date"])

    response = _post(applicant, application, "passport_mrz", {"answer": make_mrz(expiry=expiry.strftime("%y%m%d"))})

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.answers["passport_mrz"].startswith("P<USACOLLINS<<EILEEN<MARIE")


@pytest.mark.parametrize(
    ("differences", "message"),
    [
        ({"number": "X9999999<"}, "The passport number in the machine-readable zone does not match"),
        ({"birth": "561120"}, "The date of birth in the machine-readable zone does not match"),
        ({"sex": "M"}, "The sex in the machine-readable zone does not match"),
        ({"given": "EILEEN"}, "The name in the machine-readable zone does not match"),
        ({"country": "GBR"}, "The issuing country in the machine-readable zone does not match"),
    ],
)
def test_mrz_that_contradicts_the_typed_details_is_refused(applicant, differences, message):
    application = draft_application(applicant)
    expiry = datetime.date.fromisoformat(application.answers["passport_expiry_date"]).strftime("%y%m%d")
    assert _post(applicant, application, "passport_mrz", {"answer": make_mrz(expiry=expiry)}).status_code == 302

    response = _post(applicant, application, "passport_mrz", {"answer": make_mrz(expiry=expiry, **differences)})

    assert message in response.content.decode()
    application.refresh_from_db()
    assert application.answers["passport_mrz"] == make_mrz(expiry=expiry)


def test_a_mistyped_mrz_character_is_caught_by_its_check_digit(applicant):
    application = draft_application(applicant)

    response = _post(applicant, application, "passport_mrz", {"answer": make_mrz().replace("P1234567<", "P1234568<", 1)})

    assert "check digit for the passport number is wrong" in response.content.decode()


def test_the_optional_mrz_can_be_left_blank(applicant, draft):
    response = _post(applicant, draft, "passport_mrz", {"answer": ""})

    assert response.status_code == 302
