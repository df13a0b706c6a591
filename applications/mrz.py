"""The machine-readable zone of a passport (ICAO 9303 part 4, the two-line TD3 format).

Each field that matters carries a check digit: characters are valued 0-9 for
digits, 10-35 for A-Z and 0 for the filler '<', multiplied by the repeating
weights 7, 3, 1, summed, modulo 10. A final composite digit covers the document
number, date of birth, expiry date and personal number with their check digits.
"""

import datetime
import unicodedata
from dataclasses import dataclass

LINE_LENGTH = 44
_WEIGHTS = (7, 3, 1)
_ALLOWED = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<")
# ICAO codes that are not ISO 3166 alpha-3: Germany writes "D".
ICAO_TO_ISO = {"D": "DEU"}
# ICAO 9303 part 3's transliterations that are more than dropping an accent.
# Ä, Ö and Ü may also be written A, O and U, so both spellings are accepted.
_EXPANSIONS = {"Ä": "AE", "Æ": "AE", "Å": "AA", "Ö": "OE", "Ø": "OE", "Œ": "OE", "Ü": "UE", "ß": "SS", "Þ": "TH", "Ð": "D", "Ĳ": "IJ"}
_NAME_FIELD = LINE_LENGTH - 5


class MRZError(ValueError):
    """The lines are not a valid passport MRZ; the message says what is wrong, for the applicant."""


def _transliterate(text: str, expansions: dict[str, str]) -> str:
    text = text.upper().replace("'", "").replace("’", "")
    text = "".join(expansions.get(char, char) for char in text)
    text = "".join(char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char))
    return "".join(char if "A" <= char <= "Z" else " " for char in text)


def name_fields(family_name: str, given_names: str) -> set[str]:
    """The ways a passport may write these names in its 39-character name field.

    Spaces and hyphens become fillers, apostrophes are dropped, accents too, and
    the field is cut at 39 characters, as ICAO 9303 does.
    """
    spellings = set()
    for expansions in (_EXPANSIONS, {}):
        family, given = (" ".join(_transliterate(part, expansions).split()) for part in (family_name, given_names))
        field = f"{family}<<{given}".replace(" ", "<") if given else family.replace(" ", "<")
        spellings.add(field[:_NAME_FIELD].rstrip("<"))
    return spellings


@dataclass(frozen=True)
class PassportMRZ:
    document_type: str
    issuing_country: str
    name_field: str
    family_name: str
    given_names: str
    document_number: str
    nationality: str
    date_of_birth: datetime.date
    sex: str
    expiry_date: datetime.date


def check_digit(field: str) -> str:
    total = 0
    for position, char in enumerate(field):
        if char.isdigit():
            value = int(char)
        elif char == "<":
            value = 0
        else:
            value = ord(char) - ord("A") + 10
        total += value * _WEIGHTS[position % 3]
    return str(total % 10)


def normalise_lines(text: str) -> list[str]:
    """Split what was typed into lines, without spaces, in upper case."""
    return ["".join(line.split()).upper() for line in text.strip().splitlines() if line.strip()]


def _date(yymmdd: str, *, field: str, century_cut: int) -> datetime.date:
    """A YYMMDD date; two-digit years above `century_cut` are in the 1900s."""
    try:
        year = int(yymmdd[:2])
        return datetime.date(1900 + year if year > century_cut else 2000 + year, int(yymmdd[2:4]), int(yymmdd[4:6]))
    except ValueError:
        raise MRZError(f"The {field} in the machine-readable zone is not a real date") from None


def parse(text: str, *, today: datetime.date | None = None) -> PassportMRZ:
    lines = normalise_lines(text)
    if len(lines) != 2:
        raise MRZError("Enter both lines of the machine-readable zone, one under the other")
    for number, line in enumerate(lines, start=1):
        if len(line) != LINE_LENGTH:
            raise MRZError(f"Line {number} of the machine-readable zone must be 44 characters; it is {len(line)}")
        if set(line) - _ALLOWED:
            raise MRZError(f"Line {number} of the machine-readable zone can only contain letters, numbers and <")
    first, second = lines
    if first[0] != "P":
        raise MRZError("Line 1 of a passport's machine-readable zone starts with P")

    checks = [
        ("passport number", second[0:9], second[9]),
        ("date of birth", second[13:19], second[19]),
        ("expiry date", second[21:27], second[27]),
    ]
    personal_number, personal_check = second[28:42], second[42]
    # The personal number's check digit may be a filler when the number is empty.
    if not (personal_check == "<" and set(personal_number) == {"<"}):
        checks.append(("personal number", personal_number, personal_check))
    checks.append(("whole of line 2", second[0:10] + second[13:20] + second[21:43], second[43]))
    for name, field, digit in checks:
        if check_digit(field) != digit:
            raise MRZError(f"The check digit for the {name} is wrong: check line 2 for a mistyped character")

    today = today or datetime.date.today()
    names = first[5:].split("<<", 1)
    return PassportMRZ(
        document_type=first[0:2].rstrip("<"),
        issuing_country=ICAO_TO_ISO.get(first[2:5].rstrip("<"), first[2:5].rstrip("<")),
        name_field=first[5:].rstrip("<"),
        family_name=names[0].replace("<", " ").strip(),
        given_names=(names[1] if len(names) > 1 else "").replace("<", " ").strip(),
        document_number=second[0:9].rstrip("<"),
        nationality=ICAO_TO_ISO.get(second[10:13].rstrip("<"), second[10:13].rstrip("<")),
        # Nobody is born in the future: a two-digit birth year after this year is in the 1900s.
        date_of_birth=_date(second[13:19], field="date of birth", century_cut=today.year % 100),
        sex="X" if second[20] == "<" else second[20],
        # Passports last at most ten years or so: expiry years are in this century.
        expiry_date=_date(second[21:27], field="expiry date", century_cut=99),
    )
