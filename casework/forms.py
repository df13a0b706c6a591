from django import forms

from applications.forms import DateField
from accounts.models import User
from applications.models import Application
from applications.routes import ROUTE_CHOICES, Route
from casework.constants import Condition, Decision, IdentityAction, RefusalReason
from casework.models import SharePurpose
from casework.selectors import QUEUE_STATE_CHOICES
from identity.models import DuplicateCandidate


class DecisionForm(forms.Form):
    """Grant with the route's conditions, or propose a refusal with reasons."""

    decision = forms.ChoiceField(
        label="Decision",
        choices=Decision.CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a decision"},
    )
    valid_until = DateField(
        label="Permission ends on",
        name="End of permission",
        rule="future",
        required=False,
        help_text="For example, 27 3 2029",
    )
    work_condition = forms.ChoiceField(label="Work", choices=Condition.WORK, required=False, widget=forms.RadioSelect)
    study_condition = forms.ChoiceField(label="Study", choices=Condition.STUDY, required=False, widget=forms.RadioSelect)
    grant_reason = forms.CharField(
        label="Notes for the applicant (optional)",
        help_text="The applicant will see this in their decision letter.",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reasons = forms.MultipleChoiceField(
        label="Reasons for refusing",
        choices=RefusalReason.CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(
        label="Explain the refusal",
        help_text="The applicant will see this in their decision letter.",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, allowed: list[str], route: Route, **kwargs):
        super().__init__(*args, **kwargs)
        self.route = route
        self.fields["decision"].choices = [choice for choice in Decision.CHOICES if choice[0] in allowed]
        # Only the conditions a grant on this route can carry; where there is one, it is chosen already.
        for name, codes, labels in [("work_condition", route.work_conditions, Condition.WORK), ("study_condition", route.study_conditions, Condition.STUDY)]:
            self.fields[name].choices = [(code, label) for code, label in labels if code in codes]
            if len(codes) == 1:
                self.fields[name].initial = codes[0]
        if route.indefinite:
            del self.fields["valid_until"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == Decision.GRANT:
            if not self.route.indefinite and not cleaned.get("valid_until") and "valid_until" not in self.errors:
                self.add_error("valid_until", f"A {self.route.name} grant needs the date the permission ends")
            for field, message in [("work_condition", "Select the work condition"), ("study_condition", "Select the study condition")]:
                if not cleaned.get(field) and field not in self.errors:
                    self.add_error(field, message)
            cleaned["reason"] = cleaned.get("grant_reason", "")
        if cleaned.get("decision") == Decision.REFUSE:
            if not cleaned.get("reasons"):
                self.add_error("reasons", "Select at least one reason for the refusal")
            if not cleaned.get("reason", "").strip():
                self.add_error("reason", "Explain the refusal")
        return cleaned


class RefusalReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Do you agree with the refusal?",
        choices=[("confirm_refusal", "Yes: refuse the application"), ("return_refusal", "No: return it to the caseworker")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you agree with the refusal"},
    )
    review_reason = forms.CharField(
        label="Your reasons",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") == "return_refusal" and not cleaned.get("review_reason", "").strip():
            self.add_error("review_reason", "Say why you are returning the refusal")
        return cleaned


class NoteForm(forms.Form):
    text = forms.CharField(
        label="Add a note",
        help_text="Notes are for caseworkers only; the applicant never sees them.",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the note"},
    )


def _caseworkers():
    return User.objects.filter(groups__permissions__codename="work_cases", is_active=True).distinct().order_by("email")


class ReassignForm(forms.Form):
    to = forms.ModelChoiceField(
        label="Assign to",
        queryset=User.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a caseworker", "invalid_choice": "Select a caseworker"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = _caseworkers()
        self.fields["to"].label_from_instance = lambda user: user.email


class _CasesField(forms.ModelMultipleChoiceField):
    def clean(self, value):
        try:
            return super().clean(value)
        except forms.ValidationError as error:
            # A value that is not even a case id fails in the UUID field's own words; say it plainly.
            if getattr(error, "code", None) in ("invalid", "invalid_pk_value"):
                raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from None
            raise


class BulkAssignForm(ReassignForm):
    """A team leader's selection of open cases, and the caseworker to give them to."""

    cases = _CasesField(
        label="Cases",
        queryset=Application.objects.none(),
        error_messages={
            "required": "Select the cases to assign",
            "invalid_choice": "One of the cases selected is no longer open: select the cases again",
        },
    )
    field_order = ["cases", "to"]

    def __init__(self, *args, open_cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].label = "Assign the selected cases to"
        self.fields["to"].error_messages["required"] = "Select a caseworker to assign the cases to"
        self.fields["cases"].queryset = open_cases


class QueueFilterForm(forms.Form):
    route = forms.ChoiceField(label="Route", required=False, choices=[("", "All routes"), *ROUTE_CHOICES])
    state = forms.ChoiceField(label="Status", required=False, choices=[("", "All open cases"), *QUEUE_STATE_CHOICES])
    assigned = forms.ChoiceField(
        label="Assigned",
        required=False,
        choices=[("", "Anyone or no one"), ("me", "To me"), ("nobody", "To no one")],
    )


class InformationRequestForm(forms.Form):
    message = forms.CharField(
        label="What information do you need?",
        help_text="The applicant will see this.",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter what information you need"},
    )
    respond_by = DateField(
        label="Reply by",
        name="Reply by date",
        rule="future",
        help_text="For example, 27 3 2027",
        error_messages={"required": "Enter the date the applicant must reply by"},
    )


class IdentityActionForm(forms.Form):
    action = forms.ChoiceField(
        label="What do you want to do about the identity?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select what you want to do about the identity"},
    )
    identity_reason = forms.CharField(
        label="Why",
        help_text="Recorded in the case history.",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why"},
    )

    def __init__(self, *args, allowed: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [(action, IdentityAction.LABELS[action]) for action in allowed]


class DuplicateResolutionForm(forms.Form):
    resolution = forms.ChoiceField(
        label="Is this the same person?",
        choices=DuplicateCandidate.Resolution.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether this is the same person"},
    )
    duplicate_reason = forms.CharField(
        label="Reasons",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the reasons"},
    )


class ShareCodeForm(forms.Form):
    """What a new share code is for, and whether the checker sees the holder's photo."""

    purpose = forms.ChoiceField(
        label="What is the share code for?",
        choices=SharePurpose.choices,
        widget=forms.RadioSelect,
        help_text="A code answers only this question: an employer sees whether you can work, a landlord whether you can rent.",
        error_messages={"required": "Select what the share code is for", "invalid_choice": "Select what the share code is for"},
    )
    show_photo = forms.BooleanField(
        label="Show my photo to whoever checks this code, so that they can see it is me",
        required=False,
    )
