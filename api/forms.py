from django import forms
from django.conf import settings

from api.models import ApiClient, Scope

QUOTA_MAX = 6000


class ClientRegistrationForm(forms.Form):
    """An organisation's new API client: who it is for, why, what it checks and where."""

    organisation = forms.CharField(
        label="Organisation name",
        max_length=200,
        error_messages={"required": "Enter your organisation’s name", "max_length": "Organisation name must be 200 characters or fewer"},
    )
    use = forms.CharField(
        label="What will you use the API for?",
        help_text="For example, checking the right to work of the people we offer jobs to. A team leader reads this before approving a live client.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter what you will use the API for", "max_length": "What you will use the API for must be 2,000 characters or fewer"},
    )
    scopes = forms.MultipleChoiceField(
        label="What will it check?",
        help_text="Select all that apply.",
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select what the client will check", "invalid_choice": "Select what the client will check"},
    )
    environment = forms.ChoiceField(
        label="Where will it run?",
        help_text="A sandbox client works at once, with test data only. A live client checks real statuses once a team leader has approved it.",
        choices=ApiClient.Environment.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the sandbox or live", "invalid_choice": "Select the sandbox or live"},
    )


class ClientApprovalForm(forms.Form):
    requests_per_minute = forms.IntegerField(
        label="Calls a minute",
        help_text=f"From 1 to {QUOTA_MAX:,}.",
        min_value=1,
        max_value=QUOTA_MAX,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the number of calls a minute",
            "invalid": "The number of calls a minute must be a whole number, like 60",
            "min_value": f"The number of calls a minute must be from 1 to {QUOTA_MAX:,}",
            "max_value": f"The number of calls a minute must be from 1 to {QUOTA_MAX:,}",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requests_per_minute"].initial = settings.API_DEFAULT_REQUESTS_PER_MINUTE


class ClientRefusalForm(forms.Form):
    note = forms.CharField(
        label="Why are you refusing it?",
        help_text="The organisation’s contact sees this.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why you are refusing this client", "max_length": "The reason must be 2,000 characters or fewer"},
    )
