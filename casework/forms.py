from django import forms

from casework.constants import Decision


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=Decision.CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a decision"},
    )
    reason = forms.CharField(
        label="Reasons for the decision",
        help_text="The applicant will see this.",
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
