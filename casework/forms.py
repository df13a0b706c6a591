from django import forms

from applications.forms import DateField
from accounts.models import User
from applications.routes import ROUTE_CHOICES
from casework.constants import Condition, Decision, IdentityAction, RefusalReason
from casework.selectors import QUEUE_STATE_CHOICES
from identity.models import DuplicateCandidate


class DecisionForm(forms.Form):
    """Grant with conditions, or propose a refusal with reasons."""

    decision = forms.ChoiceField(
        label="Decision",
        choices=Decision.CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a decision"},
    )
    valid_until = DateField(
        label="If granting: permission ends on",
        name="End of permission",
        rule="future",
        required=False,
        help_text="Leave empty for indefinite leave (settlement). For example, 27 3 2029",
    )
    work_condition = forms.ChoiceField(label="If granting: work", choices=Condition.WORK, required=False, widget=forms.RadioSelect)
    study_condition = forms.ChoiceField(label="If granting: study", choices=Condition.STUDY, required=False, widget=forms.RadioSelect)
    reasons = forms.MultipleChoiceField(
        label="If refusing: reasons",
        choices=RefusalReason.CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(
        label="Explanation",
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
        if cleaned.get("decision") == Decision.GRANT:
            for field, message in [("work_condition", "Select the work condition"), ("study_condition", "Select the study condition")]:
                if not cleaned.get(field):
                    self.add_error(field, message)
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


class ReassignForm(forms.Form):
    to = forms.ModelChoiceField(
        label="Reassign to",
        queryset=User.objects.none(),
        error_messages={"required": "Select a caseworker", "invalid_choice": "Select a caseworker"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = User.objects.filter(
            groups__permissions__codename="work_cases", is_active=True
        ).distinct().order_by("email")


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
