import datetime

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from applications.constants import ROUTE_CHOICES
from applications.uploads import Photo, read_photo
from identity import face_match


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

    def __init__(self, *, past: bool = False, **kwargs):
        self.past = past
        part = forms.CharField(required=False)
        super().__init__(fields=[part, part, part], require_all_fields=False, **kwargs)

    def compress(self, data_list):
        if not data_list or not any(data_list):
            return None
        day, month, year = (value.strip() if value else "" for value in data_list)
        missing = [name for name, value in zip(["day", "month", "year"], [day, month, year]) if not value]
        if missing:
            raise ValidationError(f"{self.label} must include a {' and '.join(missing)}", code="incomplete")
        if not (day.isdigit() and month.isdigit() and year.isdigit()) or len(year) != 4:
            raise ValidationError(f"{self.label} must be a real date, like 27 3 1990", code="invalid")
        try:
            date = datetime.date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(f"{self.label} must be a real date", code="invalid") from None
        if self.past and date >= timezone.localdate():
            raise ValidationError(f"{self.label} must be in the past", code="not_past")
        return date


class DetailsForm(forms.Form):
    full_name = forms.CharField(
        label="Full name",
        help_text="As it is shown on your passport.",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
        error_messages={"required": "Enter your full name", "max_length": "Full name must be 200 characters or fewer"},
    )
    date_of_birth = DateField(
        label="Date of birth",
        help_text="For example, 27 3 1990",
        past=True,
        error_messages={"required": "Enter your date of birth"},
    )


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
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )

    def clean_passport_photo(self) -> Photo:
        photo = read_photo(self.cleaned_data["passport_photo"], label="The passport photo")
        if _faces(photo).subject is None:
            raise ValidationError(
                "We could not find a face on the passport photo page. "
                "Upload a clear photo of the whole page, in focus and without glare",
                code="no_face",
            )
        return photo

    def clean_selfie(self) -> Photo:
        photo = read_photo(self.cleaned_data["selfie"], label="The photo of your face")
        faces = _faces(photo)
        if faces.subject is None:
            raise ValidationError(
                "We could not find a face in the photo of your face. "
                "Take a photo facing the camera, in good light, with nothing covering your face",
                code="no_face",
            )
        if faces.others:
            raise ValidationError(
                "There is more than one face in the photo of your face. Take a photo with only you in it",
                code="multiple_faces",
            )
        return photo


def _faces(photo: Photo) -> face_match.Faces:
    return face_match.find_faces(face_match.load_image(photo.content, max_side=settings.FACE_IMAGE_MAX_SIDE))


class SubmitForm(forms.Form):
    declaration = forms.BooleanField(
        label="I confirm that the information I have given is true and complete",
        error_messages={"required": "Confirm that the information you have given is true and complete"},
    )
