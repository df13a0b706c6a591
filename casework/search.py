"""Finding a case: by reference, name, date of birth, passport number or email, in any state.

On PostgreSQL the name is matched through `casework_search_name(answers)`, an
immutable SQL function (lower-cased, accents removed by the unaccent extension)
with a trigram index over it, so that "%part%" matches use the index; the other
criteria have expression indexes (migration casework 0003). On SQLite (`make run`)
the same function is registered in Python on each connection (casework.apps) and
the table is scanned, which is fine at the sizes SQLite serves here.
"""

import json
import unicodedata

from django import forms
from django.db.models import F, Func, Q, QuerySet, TextField
from django.db.models.functions import Lower

from accounts.models import User
from applications import reference
from applications.forms import DateField
from applications.models import Application

RESULTS_SHOWN = 50

# Letters that unaccent spells differently from Unicode decomposition (which leaves them alone).
_SPELLED_OUT = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ð": "d", "ł": "l", "þ": "th", "ı": "i"})


def fold(text: str) -> str:
    """Lower case without accents: "Zoë Ørsted" -> "zoe orsted", as the database folds names."""
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_SPELLED_OUT))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def search_name_sqlite(answers: str | None) -> str | None:
    """SQLite's casework_search_name: the same folding as PostgreSQL's, for `make run`."""
    if answers is None:
        return None
    values = json.loads(answers)
    return fold(f"{values.get('given_names') or ''} {values.get('family_name') or ''}")


class AnswerText(Func):
    """One answer as text, written exactly as the search indexes are built (`answers ->> 'key'`)."""

    output_field = TextField()

    def __init__(self, key: str):
        super().__init__(F("answers"))
        self.key = key

    def as_postgresql(self, compiler, connection):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"({sql} ->> %s)", [*params, self.key]

    def as_sqlite(self, compiler, connection):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"json_extract({sql}, %s)", [*params, f"$.{self.key}"]


class SearchName(Func):
    function = "casework_search_name"
    output_field = TextField()


class SearchReason:
    """Why someone is searching: recorded with the search in the access log."""

    LABELS = {
        "correspondence": "Correspondence or a call from the applicant or their representative",
        "working_case": "Working on a case that is linked to this person",
        "duplicate": "Checking a possible duplicate identity",
        "agency_request": "A request from another agency (give its reference below)",
        "quality_check": "Quality assurance or audit",
        "other": "Another reason (say what below)",
    }
    NEEDS_DETAIL = {"agency_request", "other"}
    CHOICES = list(LABELS.items())


class CaseSearchForm(forms.Form):
    reference = forms.CharField(
        label="Reference", required=False, max_length=30,
        help_text="12 letters and numbers, like 7K3M-9QXD-T2B5. Dashes and capitals do not matter.",
    )
    name = forms.CharField(
        label="Name", required=False, max_length=100,
        help_text="All or part of the given names and family name; accents and capitals do not matter.",
    )
    date_of_birth = DateField(label="Date of birth", name="Date of birth", rule="past", required=False, help_text="For example, 27 3 1990")
    passport_number = forms.CharField(label="Passport number", required=False, max_length=20)
    email = forms.CharField(label="Email address", required=False, max_length=254, help_text="The account's, or the one given in the application.")
    reason = forms.ChoiceField(
        label="Why are you searching?",
        help_text="Every search is recorded with its reason, and auditors read them.",
        choices=SearchReason.CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select why you are searching"},
    )
    reason_detail = forms.CharField(label="Details of the reason", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    CRITERIA = ["reference", "name", "date_of_birth", "passport_number", "email"]

    def clean_reference(self) -> str:
        text = self.cleaned_data["reference"].strip()
        if not text:
            return ""
        canonical = reference.normalise(text)
        if canonical is None:
            compact = "".join(text.split()).replace("-", "")
            if len(compact) != reference.LENGTH:
                raise forms.ValidationError(f"A reference has {reference.LENGTH} letters and numbers; this has {len(compact)}")
            raise forms.ValidationError("This is not a valid reference: a character is mistyped or two are swapped")
        return canonical

    def clean_name(self) -> str:
        words = fold(self.cleaned_data["name"]).split()
        if words and len("".join(words)) < 2:
            raise forms.ValidationError("Enter at least 2 letters of the name")
        return " ".join(words)

    def clean_passport_number(self) -> str:
        return "".join(self.cleaned_data["passport_number"].split()).upper()

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        data = super().clean()
        if not any(data.get(key) for key in self.CRITERIA) and not any(key in self.errors for key in self.CRITERIA):
            raise forms.ValidationError("Enter a reference, name, date of birth, passport number or email address to search for")
        if data.get("reason") in SearchReason.NEEDS_DETAIL and not data.get("reason_detail", "").strip():
            self.add_error("reason_detail", "Say why you are searching")
        return data

    def criteria_text(self) -> str:
        """The search as the access log records it."""
        data = self.cleaned_data
        return "; ".join(f"{key}={data[key]}" for key in self.CRITERIA if data.get(key))

    def reason_text(self) -> str:
        data = self.cleaned_data
        detail = data.get("reason_detail", "").strip()
        return f"{SearchReason.LABELS[data['reason']]}: {detail}" if detail else SearchReason.LABELS[data["reason"]]


def case_search(
    *, reference: str = "", name: str = "", date_of_birth=None, passport_number: str = "", email: str = ""
) -> QuerySet[Application]:
    """Submitted applications in any state matching every criterion given (already normalised by the form)."""
    cases = Application.objects.exclude(submitted_at=None)
    if reference:
        cases = cases.filter(reference=reference)
    for word in name.split():
        cases = cases.alias(search_name=SearchName(F("answers"))).filter(search_name__contains=word)
    if date_of_birth:
        cases = cases.alias(date_of_birth=AnswerText("date_of_birth")).filter(date_of_birth=date_of_birth.isoformat())
    if passport_number:
        cases = cases.alias(passport_number=AnswerText("passport_number")).filter(passport_number=passport_number)
    if email:
        # The account is looked up first: an IN over a subquery would stop PostgreSQL from
        # combining the two indexes, and it would scan every application instead.
        accounts = list(User.objects.filter(email=email).values_list("id", flat=True))
        cases = cases.alias(answer_email=Lower(AnswerText("email"))).filter(Q(answer_email=email) | Q(applicant_id__in=accounts))
    return cases.select_related("applicant", "assigned_to").order_by("-submitted_at", "id")
