"""Every route the service offers, as data: its sections of questions, the evidence
it needs, and its service standard. Adding a route is adding a Route here.

A question is one page. Its answer is stored in Application.answers under its key,
as JSON (dates as ISO strings). `check` functions compare an answer with others
and return a message for the applicant, or None.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from applications import mrz
from applications.countries import COUNTRY_CHOICES, COUNTRY_NAMES

Answers = dict[str, object]
Check = Callable[[object, Answers], str | None]


@dataclass(frozen=True)
class Question:
    key: str
    label: str  # the question, which is also the page's heading
    summary: str  # the short name on "check your answers"
    kind: str  # text, email, phone, textarea, number, money (whole pounds), date, choice, country, mrz
    required_message: str = ""
    hint: str = ""
    required: bool = True
    choices: tuple[tuple[str, str], ...] = ()
    max_length: int = 100
    pattern: str = ""
    pattern_message: str = ""
    min_value: int | None = None
    max_value: int | None = None
    date_rule: str = ""  # "past" or "future"
    unit: str = ""  # shown after a number: "months"
    autocomplete: str = ""
    check: Check | None = None

    def display(self, value: object) -> str:
        if value in (None, ""):
            return "Not given"
        if self.kind == "date":
            return datetime.date.fromisoformat(str(value)).strftime("%-d %B %Y")
        if self.kind == "choice":
            return dict(self.choices).get(str(value), str(value))
        if self.kind == "country":
            return COUNTRY_NAMES.get(str(value), str(value))
        if self.kind == "money":
            return f"£{int(value):,}"
        return f"{value} {self.unit}" if self.unit else str(value)


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class EvidenceKind:
    key: str
    label: str
    hint: str
    required: bool = True
    content_types: frozenset[str] = frozenset({"image/jpeg", "image/png", "application/pdf"})
    max_files: int = 5


@dataclass(frozen=True)
class AutomaticGrant:
    """A route decided by rules where it is safe (automation/rules.py): what a grant by the system gives."""

    # The permission lasts this long, or until the passport expires if that is sooner.
    validity_months: int
    work_condition: str
    study_condition: str

    def valid_until(self, answers: Answers, granted_on: datetime.date) -> datetime.date:
        ends = _add_months(granted_on, self.validity_months)
        expiry = _date(answers, "passport_expiry_date")
        return min(ends, expiry) if expiry else ends


@dataclass(frozen=True)
class Route:
    code: str
    name: str
    summary: str
    # Service standard in working days, from UKVI's published standards.
    target_working_days: int
    sections: tuple[Section, ...]
    evidence: tuple[EvidenceKind, ...] = field(default=())
    # A grant on this route has no end date.
    indefinite: bool = False
    # The conditions a grant on this route may carry (codes of casework.constants.Condition),
    # the usual one first. A caseworker chooses among them only where there is a choice.
    work_conditions: tuple[str, ...] = ("unrestricted",)
    study_conditions: tuple[str, ...] = ("permitted",)
    # The fee, in pence, paid before the application is submitted (payments/); 0 for none.
    fee_pence: int = 0
    # Decided by the system's rules where they find nothing adverse, by a caseworker otherwise.
    automatic_grant: AutomaticGrant | None = None

    @cached_property
    def questions(self) -> dict[str, Question]:
        return {question.key: question for section in self.sections for question in section.questions}

    def section_of(self, question_key: str) -> Section:
        return next(section for section in self.sections if question_key in {q.key for q in section.questions})

    def next_question(self, question_key: str) -> Question | None:
        """The next question in the same section, or None at the section's end."""
        questions = self.section_of(question_key).questions
        index = [q.key for q in questions].index(question_key)
        return questions[index + 1] if index + 1 < len(questions) else None

    def previous_question(self, question_key: str) -> Question | None:
        questions = self.section_of(question_key).questions
        index = [q.key for q in questions].index(question_key)
        return questions[index - 1] if index > 0 else None

    def evidence_kind(self, key: str) -> EvidenceKind | None:
        return next((kind for kind in self.evidence if kind.key == key), None)


def _date(answers: Answers, key: str) -> datetime.date | None:
    value = answers.get(key)
    return datetime.date.fromisoformat(value) if isinstance(value, str) and value else None


def _add_months(date: datetime.date, months: int) -> datetime.date:
    month = date.month - 1 + months
    year, month = date.year + month // 12, month % 12 + 1
    for day in (date.day, 30, 29, 28):
        try:
            return datetime.date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def stay_ends(answers: Answers) -> datetime.date | None:
    """The last day of the stay the applicant plans, from their arrival date and length of stay."""
    arrival, months = _date(answers, "arrival_date"), answers.get("stay_months")
    return _add_months(arrival, months) if arrival and isinstance(months, int) else None


def _passport_expiry(value: object, answers: Answers) -> str | None:
    expiry = datetime.date.fromisoformat(str(value))
    issued = _date(answers, "passport_issue_date")
    if issued and expiry <= issued:
        return "The expiry date must be after the date your passport was issued"
    ends = stay_ends(answers)
    if ends and expiry < ends:
        return (
            f"Your passport must be valid for your whole stay: it expires on {expiry:%-d %B %Y} "
            f"but your stay ends on {ends:%-d %B %Y}"
        )
    return None


def _course_end(value: object, answers: Answers) -> str | None:
    start = _date(answers, "course_start_date")
    if start and datetime.date.fromisoformat(str(value)) <= start:
        return "The course end date must be after its start date"
    return None


def _mrz_matches_answers(value: object, answers: Answers) -> str | None:
    try:
        zone = mrz.parse(str(value))
    except mrz.MRZError as error:
        return str(error)
    typed = {
        "passport number": (zone.document_number, answers.get("passport_number")),
        "issuing country": (zone.issuing_country, answers.get("passport_issuing_country")),
        "nationality": (zone.nationality, answers.get("nationality")),
        "date of birth": (zone.date_of_birth.isoformat(), answers.get("date_of_birth")),
        "expiry date": (zone.expiry_date.isoformat(), answers.get("passport_expiry_date")),
        "sex": (zone.sex, answers.get("sex")),
    }
    for name, (in_zone, entered) in typed.items():
        if entered is not None and in_zone != entered:
            return f"The {name} in the machine-readable zone does not match the {name} you entered"
    family, given = answers.get("family_name"), answers.get("given_names")
    if family is not None and zone.name_field not in mrz.name_fields(str(family), str(given or "")):
        return "The name in the machine-readable zone does not match the names you entered"
    return None


PERSONAL = Section(
    "personal",
    "Personal details",
    (
        Question("given_names", "What are your given names?", "Given names", "text", "Enter your given names",
                 hint="All of them, as shown on your passport.", autocomplete="given-name"),
        Question("family_name", "What is your family name?", "Family name", "text", "Enter your family name",
                 hint="As shown on your passport.", autocomplete="family-name"),
        Question("date_of_birth", "What is your date of birth?", "Date of birth", "date", "Enter your date of birth",
                 hint="For example, 27 3 1990", date_rule="past", autocomplete="bday"),
        Question("sex", "What is your sex, as shown on your passport?", "Sex", "choice", "Select your sex as shown on your passport",
                 choices=(("F", "Female"), ("M", "Male"), ("X", "Unspecified (X)"))),
    ),
)

CONTACT = Section(
    "contact",
    "Contact details",
    (
        Question("email", "What is your email address?", "Email address", "email", "Enter your email address",
                 hint="We will use this to contact you about your application.", autocomplete="email", max_length=254),
        Question("phone", "What is your telephone number?", "Telephone number", "phone", "Enter your telephone number",
                 hint="Include the country code, for example +44 7700 900982.", autocomplete="tel",
                 pattern=r"^\+?[0-9 ()-]{7,20}$",
                 pattern_message="Enter a telephone number, like +44 7700 900982 or 07700 900982"),
        Question("address", "What is your home address?", "Home address", "textarea", "Enter your home address",
                 hint="Include the street, town or city and postcode if there is one.", max_length=500,
                 autocomplete="street-address"),
        Question("address_country", "Which country is your home address in?", "Country of home address", "country",
                 "Select the country your home address is in"),
    ),
)

PASSPORT = Section(
    "passport",
    "Passport",
    (
        Question("passport_number", "What is your passport number?", "Passport number", "text", "Enter your passport number",
                 hint="Up to 9 letters and numbers, on your passport's photo page.", max_length=20,
                 pattern=r"^[A-Z0-9]{1,9}$", pattern_message="Passport number must be up to 9 letters and numbers"),
        Question("passport_issuing_country", "Which country or authority issued your passport?", "Issued by", "country",
                 "Select the country or authority that issued your passport"),
        Question("nationality", "What is your nationality, as shown on your passport?", "Nationality", "country",
                 "Select your nationality"),
        Question("passport_issue_date", "When was your passport issued?", "Issue date", "date",
                 "Enter the date your passport was issued", hint="For example, 27 3 2020", date_rule="past"),
        Question("passport_expiry_date", "When does your passport expire?", "Expiry date", "date",
                 "Enter the date your passport expires", hint="For example, 27 3 2030", date_rule="future",
                 check=_passport_expiry),
        Question("passport_mrz", "What are the 2 lines of the machine-readable zone on your passport? (optional)",
                 "Machine-readable zone", "mrz", required=False, max_length=120,
                 hint="The 2 lines of letters, numbers and < symbols at the bottom of the photo page, 44 characters "
                      "each. We use them to check your passport details. You can leave this blank.",
                 check=_mrz_matches_answers),
    ),
)


def _stay(max_months: int) -> Section:
    return Section(
        "stay",
        "Your stay",
        (
            Question("arrival_date", "When do you plan to arrive in the UK?", "Arrival date", "date",
                     "Enter the date you plan to arrive", hint="For example, 27 3 2027", date_rule="future"),
            Question("stay_months", "How many months do you plan to stay in the UK?", "Length of stay", "number",
                     "Enter how many months you plan to stay", hint=f"At most {max_months} months on this route.",
                     min_value=1, max_value=max_months, unit="months"),
        ),
    )


VISIT = Section(
    "visit",
    "Your visit",
    (
        Question("visit_purpose", "What is the main reason for your visit?", "Reason for visit", "choice",
                 "Select the main reason for your visit",
                 choices=(("tourism", "Tourism"), ("family", "Visiting family or friends"), ("business", "Business"),
                          ("medical", "Private medical treatment"))),
        Question("visit_funding", "Who is paying for your visit?", "Paid for by", "choice", "Select who is paying for your visit",
                 choices=(("self", "I am"), ("family", "Family or friends"), ("employer", "My employer"))),
    ),
)

JOB = Section(
    "job",
    "Your job",
    (
        Question("sponsor_licence_number", "What is your sponsor's licence number?", "Sponsor licence number", "text",
                 "Enter your sponsor's licence number", hint="10 letters and numbers, like 2AB3C4D5E6. Your employer can tell you.",
                 max_length=20, pattern=r"^[A-Z0-9]{10}$", pattern_message="Sponsor licence number must be 10 letters and numbers"),
        Question("cos_reference", "What is your certificate of sponsorship reference number?", "Certificate of sponsorship",
                 "text", "Enter your certificate of sponsorship reference number", hint="11 letters and numbers, like C2G7M3J4K5L.",
                 max_length=20, pattern=r"^[A-Z0-9]{11}$",
                 pattern_message="Certificate of sponsorship reference number must be 11 letters and numbers"),
        Question("job_title", "What is your job title?", "Job title", "text", "Enter your job title", autocomplete="organization-title"),
        Question("salary", "What is your gross annual salary?", "Annual salary", "money",
                 "Enter your gross annual salary", hint="In pounds, before tax. For example, £38,700", min_value=1, max_value=10_000_000),
    ),
)

COURSE = Section(
    "course",
    "Your course",
    (
        Question("course_name", "What is the name of your course?", "Course", "text", "Enter the name of your course", max_length=200),
        Question("education_provider", "Which education provider will you study with?", "Education provider", "text",
                 "Enter the name of your education provider", max_length=200),
        Question("cas_number", "What is your Confirmation of Acceptance for Studies (CAS) number?", "CAS number", "text",
                 "Enter your CAS number", hint="14 letters and numbers, like E4G8JR4A1B2C3D.", max_length=20,
                 pattern=r"^[A-Z0-9]{14}$", pattern_message="CAS number must be 14 letters and numbers"),
        Question("course_start_date", "When does your course start?", "Course start date", "date",
                 "Enter the date your course starts", hint="For example, 22 9 2027", date_rule="future"),
        Question("course_end_date", "When does your course end?", "Course end date", "date", "Enter the date your course ends",
                 hint="For example, 30 6 2030", date_rule="future", check=_course_end),
    ),
)

PARTNER = Section(
    "partner",
    "Your partner",
    (
        Question("partner_name", "What is your partner's full name?", "Partner's name", "text", "Enter your partner's full name",
                 max_length=200),
        Question("partner_date_of_birth", "What is your partner's date of birth?", "Partner's date of birth", "date",
                 "Enter your partner's date of birth", hint="For example, 27 3 1990", date_rule="past"),
        Question("partner_nationality", "What is your partner's nationality?", "Partner's nationality", "country",
                 "Select your partner's nationality"),
        Question("relationship", "What is your relationship to your partner?", "Relationship", "choice",
                 "Select your relationship to your partner",
                 choices=(("married", "Married"), ("civil", "Civil partners"), ("unmarried", "Living together, not married"))),
        Question("relationship_start", "When did your relationship start?", "Relationship started", "date",
                 "Enter the date your relationship started", hint="For example, 14 2 2019", date_rule="past"),
    ),
)

RESIDENCE = Section(
    "residence",
    "Your time in the UK",
    (
        Question("uk_arrival_date", "When did you first come to the UK to live?", "Came to live in the UK", "date",
                 "Enter the date you first came to the UK to live", hint="For example, 1 9 2019", date_rule="past"),
        Question("current_permission", "What permission to stay do you have now?", "Current permission", "choice",
                 "Select the permission to stay you have now",
                 choices=(("skilled-worker", "Skilled Worker"), ("partner", "Family (partner)"),
                          ("long-residence", "Long residence"), ("other", "Other"))),
        Question("absence_days", "How many days have you spent outside the UK in the last 12 months?", "Days outside the UK",
                 "number", "Enter how many days you have spent outside the UK", hint="Enter 0 if none.",
                 min_value=0, max_value=366, unit="days"),
    ),
)

TRIP = Section(
    "trip",
    "Your trip",
    (
        Question("arrival_date", "When do you plan to travel to the UK?", "Travel date", "date",
                 "Enter the date you plan to travel", hint="For example, 27 3 2027", date_rule="future"),
        Question("stay_months", "How many months do you plan to stay in the UK?", "Length of stay", "number",
                 "Enter how many months you plan to stay", hint="At most 6 months on each visit.",
                 min_value=1, max_value=6, unit="months"),
    ),
)

_YES_NO = (("no", "No"), ("yes", "Yes"))

SUITABILITY = Section(
    "suitability",
    "About you",
    (
        Question("criminal_convictions", "Have you ever been convicted of a criminal offence in any country?",
                 "Criminal convictions", "choice", "Select yes if you have ever been convicted of a criminal offence",
                 hint="Include driving offences that led to a prison sentence or a driving ban.", choices=_YES_NO),
        Question("previous_refusals", "Have you ever been refused permission to enter or stay in the UK, or removed or deported from any country?",
                 "Previous refusals or removals", "choice",
                 "Select yes if you have ever been refused permission, removed or deported", choices=_YES_NO),
    ),
)

# Questions answered "yes" on these mean a person decides (automation/rules.py).
SUITABILITY_QUESTIONS = tuple(question.key for question in SUITABILITY.questions)

ROUTES: dict[str, Route] = {
    route.code: route
    for route in [
        Route("visitor", "Standard Visitor", "Visit for tourism, business or to see family, for up to 6 months.", 15,
              (PERSONAL, CONTACT, PASSPORT, _stay(6), VISIT),
              (EvidenceKind("bank_statements", "Bank statements", "Statements for the last 6 months showing you can pay for your visit.", required=False),),
              work_conditions=("none",)),
        Route("skilled-worker", "Skilled Worker", "Work for an employer with a sponsor licence.", 15,
              (PERSONAL, CONTACT, PASSPORT, _stay(60), JOB),
              (EvidenceKind("english_language", "Proof of your knowledge of English", "A test certificate or degree certificate."),),
              work_conditions=("sponsor",)),
        Route("student", "Student", "Study a course with a licensed student sponsor.", 15,
              (PERSONAL, CONTACT, PASSPORT, _stay(60), COURSE),
              (EvidenceKind("financial_evidence", "Proof you can support yourself", "Bank statements for the last 28 days or a loan letter."),),
              work_conditions=("limited", "none"), study_conditions=("course",)),
        Route("family-partner", "Family (partner)", "Join a partner who is British or settled in the UK.", 40,
              (PERSONAL, CONTACT, PASSPORT, _stay(33), PARTNER),
              (EvidenceKind("relationship_evidence", "Evidence of your relationship", "A marriage or civil partnership certificate, or proof you have lived together for 2 years."),
               EvidenceKind("partner_status", "Your partner's passport or proof of settled status", "The photo page of your partner's passport, or their status."))),
        Route("settlement", "Settlement", "Indefinite leave to remain after qualifying time in the UK.", 120,
              (PERSONAL, CONTACT, PASSPORT, RESIDENCE),
              (EvidenceKind("residence_evidence", "Evidence of your time in the UK", "Letters, payslips or tax records covering the qualifying period."),
               EvidenceKind("life_in_the_uk", "Life in the UK test pass letter", "The letter or email confirming you passed.")),
              indefinite=True),
        # Fee and validity as the UK's ETA: £16, 2 years or until the passport expires.
        Route("electronic-travel-authorisation", "Electronic travel authorisation",
              "Permission to travel to the UK for visits of up to 6 months. Most applications are decided within minutes.", 3,
              (PERSONAL, CONTACT, PASSPORT, TRIP, SUITABILITY),
              fee_pence=1600, work_conditions=("none",), study_conditions=("permitted",),
              automatic_grant=AutomaticGrant(validity_months=24, work_condition="none", study_condition="permitted")),
    ]
}
ROUTE_CHOICES = [(route.code, route.name) for route in ROUTES.values()]
COUNTRY_SELECT_CHOICES = [("", "Select a country"), *COUNTRY_CHOICES]


class DocumentKind:
    """Documents that are not route evidence."""

    PASSPORT_PHOTO = "passport_photo"
    SELFIE = "selfie"
    INFORMATION_RESPONSE = "information_response"
    # The pair an identity check compares: the face images, which are biometric data.
    PHOTOS = (PASSPORT_PHOTO, SELFIE)
    LABELS = {
        PASSPORT_PHOTO: "Passport photo page",
        SELFIE: "Photo of your face",
        INFORMATION_RESPONSE: "Further information",
    }


def document_label(route: Route, kind: str) -> str:
    evidence = route.evidence_kind(kind)
    return evidence.label if evidence else DocumentKind.LABELS.get(kind, kind)
