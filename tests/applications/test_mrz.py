import datetime

import pytest

from applications import mrz

# The specimen in ICAO 9303 part 4, appendix B.
SPECIMEN = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"


def make_mrz(*, family="COLLINS", given="EILEEN<MARIE", number="P1234567<", country="USA", nationality="USA",
             birth="561119", sex="F", expiry="340101") -> str:
    """A valid TD3 zone with its check digits computed."""
    first = f"P<{country}{family}<<{given}".ljust(44, "<")
    personal = "<" * 14
    head = number + mrz.check_digit(number) + nationality + birth + mrz.check_digit(birth) + sex
    tail = expiry + mrz.check_digit(expiry) + personal + "<"
    composite = mrz.check_digit(number + mrz.check_digit(number) + birth + mrz.check_digit(birth) + expiry + mrz.check_digit(expiry) + personal + "<")
    return f"{first}\n{head}{tail}{composite}"


def test_the_icao_specimen_is_valid():
    zone = mrz.parse(SPECIMEN)

    assert zone.document_number == "L898902C3"
    assert zone.issuing_country == zone.nationality == "UTO"
    assert (zone.family_name, zone.given_names) == ("ERIKSSON", "ANNA MARIA")
    assert zone.date_of_birth == datetime.date(1974, 8, 12)
    assert zone.expiry_date == datetime.date(2012, 4, 15)
    assert zone.sex == "F"


@pytest.mark.parametrize(
    ("position", "field"),
    [(9, "passport number"), (19, "date of birth"), (27, "expiry date"), (42, "personal number"), (43, "whole of line 2")],
)
def test_each_broken_check_digit_is_named(position, field):
    first, second = SPECIMEN.split("\n")
    wrong = str((int(second[position]) + 1) % 10)

    with pytest.raises(mrz.MRZError, match=f"check digit for the {field} is wrong"):
        mrz.parse(f"{first}\n{second[:position]}{wrong}{second[position + 1:]}")


def test_a_mistyped_character_in_a_field_is_caught_by_its_check_digit():
    first, second = SPECIMEN.split("\n")

    with pytest.raises(mrz.MRZError, match="passport number"):
        mrz.parse(f"{first}\n{second.replace('L898902C3', 'L898902C8')}")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (SPECIMEN.split("\n")[0], "Enter both lines"),
        (SPECIMEN[:-1], "Line 2 of the machine-readable zone must be 44 characters; it is 43"),
        (SPECIMEN.replace("<<ANNA", "<-ANNA"), "can only contain letters, numbers and <"),
        (SPECIMEN.replace("P<UTO", "V<UTO"), "starts with P"),
    ],
)
def test_malformed_zones_are_explained(text, message):
    with pytest.raises(mrz.MRZError, match=message):
        mrz.parse(text)


def test_spaces_and_lower_case_are_forgiven():
    typed = SPECIMEN.lower().replace("<<<<", "<< <<")

    assert mrz.parse(typed).document_number == "L898902C3"


def test_a_generated_zone_is_valid_and_a_birth_year_after_this_one_is_last_century():
    zone = mrz.parse(make_mrz(birth="991231"), today=datetime.date(2026, 1, 1))

    assert zone.date_of_birth == datetime.date(1999, 12, 31)
    assert mrz.parse(make_mrz(birth="050607"), today=datetime.date(2026, 1, 1)).date_of_birth == datetime.date(2005, 6, 7)


@pytest.mark.parametrize(
    ("family", "given", "field"),
    [
        ("O'Brien", "Seán Patrick", "OBRIEN<<SEAN<PATRICK"),
        ("Müller-Lüdenscheidt", "Jürgen", "MUELLER<LUEDENSCHEIDT<<JUERGEN"),
        ("Müller", "Jürgen", "MULLER<<JURGEN"),
        ("Smith", "", "SMITH"),
        ("Wolfeschlegelsteinhausenbergerdorff", "Hubert Blaine", "WOLFESCHLEGELSTEINHAUSENBERGERDORFF<<HU"),  # cut at 39 characters
    ],
)
def test_typed_names_are_compared_as_icao_writes_them(family, given, field):
    assert field in mrz.name_fields(family, given)


def test_germany_writes_d_for_its_code():
    zone = mrz.parse(make_mrz(country="D<<", nationality="D<<"))

    assert zone.issuing_country == zone.nationality == "DEU"
