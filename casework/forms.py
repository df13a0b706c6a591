from django import forms

from applications.forms import DateField
from casework.constants import Decision, IdentityAction
from identity.models import DuplicateCandidate


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=Decision.CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a decision"},
    )
    reason = forms.CharField(
        label="Reasons for the decision",
        help_text="The applicant will see this in their decision letter.",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, allowed: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [choice for choice in Decision.CHOICES if choice[0] in allowed]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == Decision.REFUSE and not cleaned.get("reason", "").strip():
            self.add_error("reason", "Enter the reasons for the refusal")
        return cleaned


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
