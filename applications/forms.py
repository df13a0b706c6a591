import datetime

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils import timezone

from applications import mrz
from applications.routes import COUNTRY_SELECT_CHOICES, ROUTE_CHOICES, Answers, EvidenceKind, Question
from applications.uploads import CleanFile, read_file, read_photo
from identity import face_match


class MoneyField(forms.IntegerField):
    """Whole pounds, as people write them: "38,700", "£38,700" and "38700" are the same."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().removeprefix("£").replace(",", "").strip()
        return super().to_python(value)


class StartApplicationForm(forms.Form):
    route = forms.ChoiceField(
        label="What are you applying for?",
        choices=ROUTE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what you are applying for"},
    )


class DateInputWidget(forms.MultiWidget):
    """The GOV.UK date input: day, month and year as three boxes."""

    template_name = "govuk/date_input_widget.html"

    def __init__(self):
        number = {"inputmode": "numeric"}
        super().__init__(
            {
                "day": forms.TextInput(attrs={**number, "class": "govuk-input--width-2"}),
                "month": forms.TextInput(attrs={**number, "class": "govuk-input--width-2"}),
                "year": forms.TextInput(attrs={**number, "class": "govuk-input--width-4"}),
            }
        )

    def decompress(self, value):
        return [value.day, value.month, value.year] if value else [None, None, None]


class DateField(forms.MultiValueField):
    widget = DateInputWidget

    def __init__(self, *, rule: str = "", name: str = "Date", **kwargs):
        self.rule = rule
        self.name = name
        part = forms.CharField(required=False)
        super().__init__(fields=[part, part, part], require_all_fields=False, **kwargs)

    def compress(self, data_list):
        if not data_list or not any(data_list):
            return None
        day, month, year = (value.strip() if value else "" for value in data_list)
        missing = [part for part, value in zip(["day", "month", "year"], [day, month, year]) if not value]
        name = self.name
        if missing:
            raise ValidationError(f"{name} must include a {' and a '.join(missing)}", code="incomplete")
        if not (day.isdigit() and month.isdigit() and year.isdigit()) or len(year) != 4:
            raise ValidationError(f"{name} must be a real date, like 27 3 1990", code="invalid")
        today = timezone.localdate()
        try:
            date = datetime.date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(f"{name} must be a real date", code="invalid") from None
        if not 1900 <= date.year <= today.year + 100:
            raise ValidationError(f"{name} must be between 1900 and {today.year + 100}", code="out_of_range")
        if self.rule == "past" and date >= today:
            raise ValidationError(f"{name} must be in the past", code="not_past")
        if self.rule == "future" and date <= today:
            raise ValidationError(f"{name} must be in the future", code="not_future")
        return date


class IdentifierField(forms.CharField):
    """A reference typed in many ways: "c2g 7m3" is "C2G7M3"."""

    def to_python(self, value):
        return "".join(super().to_python(value).split()).upper()


def _answer_field(question: Question) -> forms.Field:
    common = {
        "label": question.label,
        "help_text": question.hint,
        "required": question.required,
        "error_messages": {"required": question.required_message},
    }
    if question.kind == "date":
        return DateField(rule=question.date_rule, name=question.summary, **common)
    if question.kind == "choice":
        return forms.ChoiceField(choices=question.choices, widget=forms.RadioSelect, **common)
    if question.kind == "country":
        return forms.ChoiceField(choices=COUNTRY_SELECT_CHOICES, **common)
    if question.kind in ("number", "money"):
        money = question.kind == "money"
        return (MoneyField if money else forms.IntegerField)(
            min_value=question.min_value,
            max_value=question.max_value,
            widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-10", **({"prefix": "£"} if money else {})}),
            **{**common, "error_messages": {
                **common["error_messages"],
                "invalid": f"{question.summary} must be {'an amount in whole pounds, like 38,700' if money else 'a whole number'}",
                "min_value": f"{question.summary} must be {f'£{question.min_value:,}' if money else question.min_value} or more",
                "max_value": f"{question.summary} must be {f'£{question.max_value:,}' if money else question.max_value} or less",
            }},
        )
    attrs = {"autocomplete": question.autocomplete} if question.autocomplete else {}
    if question.kind in ("textarea", "mrz"):
        attrs["rows"] = "3" if question.kind == "mrz" else "5"
        if question.kind == "mrz":
            attrs.update({"class": "app-mrz", "spellcheck": "false", "autocapitalize": "characters"})
        widget = forms.Textarea(attrs=attrs)
    elif question.kind == "email":
        return forms.EmailField(
            max_length=question.max_length,
            widget=forms.EmailInput(attrs={**attrs, "spellcheck": "false"}),
            **{**common, "error_messages": {**common["error_messages"], "invalid": "Enter an email address in the correct format, like name@example.com"}},
        )
    else:
        widget = forms.TextInput(attrs={**attrs, "type": "tel"} if question.kind == "phone" else attrs)
    validators = [RegexValidator(question.pattern, question.pattern_message)] if question.pattern else []
    # Patterns describe identifiers (passport and reference numbers), except a telephone number's.
    field_class = IdentifierField if question.pattern and question.kind == "text" else forms.CharField
    return field_class(
        max_length=question.max_length,
        widget=widget,
        validators=validators,
        **{**common, "error_messages": {**common["error_messages"], "max_length": f"{question.summary} must be {question.max_length} characters or fewer"}},
    )


class AnswerForm(forms.Form):
    """One question of a route, on its own page."""

    def __init__(self, *args, question: Question, answers: Answers, **kwargs):
        super().__init__(*args, **kwargs)
        self.question = question
        self.answers = answers
        self.fields["answer"] = _answer_field(question)

    def clean_answer(self):
        value = self.cleaned_data["answer"]
        if self.question.kind == "mrz" and value:
            value = "\n".join(mrz.normalise_lines(value))
        return value

    def clean(self):
        cleaned = super().clean()
        value = self.stored_value(cleaned.get("answer"))
        if value not in (None, "") and self.question.check and "answer" not in self.errors:
            message = self.question.check(value, {**self.answers, self.question.key: value})
            if message:
                self.add_error("answer", message)
        return cleaned

    @staticmethod
    def stored_value(value):
        """The answer as JSON stores it."""
        return value.isoformat() if isinstance(value, datetime.date) else value

    @classmethod
    def initial_for(cls, question: Question, answers: Answers):
        value = answers.get(question.key)
        if question.kind == "date" and value:
            return datetime.date.fromisoformat(value)
        return value


class PhotosForm(forms.Form):
    """Both photos are checked before either is stored."""

    passport_photo = forms.FileField(
        label="Upload a photo of your passport's photo page",
        help_text="A JPG or PNG image of the whole page, in focus, without glare.",
        error_messages={"required": "Select a photo of your passport's photo page"},
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )
    selfie = forms.FileField(
        label="Upload a photo of your face",
        help_text="Face the camera in good light, with nothing covering your face and no one else in the photo.",
        error_messages={"required": "Select a photo of your face"},
        # Phones open the front camera for this field; static/camera.js offers a desktop camera.
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png", "capture": "user", "data-camera": "selfie"}),
    )

    def clean_passport_photo(self) -> CleanFile:
        return _checked(read_photo(self.cleaned_data["passport_photo"], label="The passport photo"), "passport")

    def clean_selfie(self) -> CleanFile:
        return _checked(read_photo(self.cleaned_data["selfie"], label="The photo of your face"), "selfie")


def _checked(photo: CleanFile, name: str) -> CleanFile:
    """Refuse a photo whose problem is known now, in the words the check would use after submission.

    Whether the faces match is only known after the check; a photo turned sideways
    is not a problem (the check finds the face in any orientation).
    """
    image = face_match.load_image(photo.content, max_side=settings.FACE_IMAGE_MAX_SIDE, max_pixels=settings.UPLOAD_MAX_PIXELS)
    limits = face_match.QualityLimits(**settings.IDENTITY_QUALITY[name])
    analysis = face_match.analyse(image, limits=limits, single_face=name == "selfie", encode=False)
    if analysis.problems:
        problem = analysis.problems[0]
        raise ValidationError(face_match.reason_text(f"{name}.{problem}"), code=problem)
    return photo


class EvidenceForm(forms.Form):
    file = forms.FileField(label="Upload a file", error_messages={"required": "Select a file to upload"})

    def __init__(self, *args, kind: EvidenceKind, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["file"].help_text = f"{kind.hint} PDF, JPG or PNG, smaller than {settings.UPLOAD_MAX_BYTES // (1024 * 1024)}MB."
        self.fields["file"].widget.attrs["accept"] = ",".join(sorted(kind.content_types))

    def clean_file(self) -> CleanFile:
        return read_file(self.cleaned_data["file"], label="The file", content_types=self.kind.content_types)


class SubmitForm(forms.Form):
    declaration = forms.BooleanField(
        label="I confirm that the information I have given is true and complete",
        error_messages={"required": "Confirm that the information you have given is true and complete"},
    )


class WithdrawForm(forms.Form):
    confirm = forms.ChoiceField(
        label="Are you sure you want to withdraw this application?",
        choices=[("yes", "Yes, withdraw it"), ("no", "No, keep it")],
        widget=forms.RadioSelect,
        help_text="You cannot undo this. If you withdraw, we will not make a decision and you would need to apply again.",
        error_messages={"required": "Select yes if you want to withdraw this application"},
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, **kwargs):
        super().__init__(widget=MultipleFileInput(attrs={"multiple": True}), **kwargs)

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, (list, tuple)) else [data] if data else []
        return [super(MultipleFileField, self).clean(upload, initial) for upload in uploads]


class RespondForm(forms.Form):
    response = forms.CharField(
        label="Your answer",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter your answer", "max_length": "Your answer must be 5,000 characters or fewer"},
    )
    files = MultipleFileField(label="Upload documents (optional)", required=False, help_text="PDF, JPG or PNG, up to 3 files.")

    def clean_files(self) -> list[CleanFile]:
        uploads = self.cleaned_data["files"]
        if len(uploads) > 3:
            raise ValidationError("Upload at most 3 files")
        return [
            read_file(upload, label=f"The file {upload.name}", content_types={"image/jpeg", "image/png", "application/pdf"})
            for upload in uploads
        ]
