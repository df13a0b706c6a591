import datetime

from django import forms
from django.utils import timezone

from applications.routes import ROUTE_CHOICES
from management_information.selectors import Filters

# Longer ranges are for the published statistics; a page's tables stay readable within two years.
MAX_RANGE_DAYS = 731


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


class FiltersForm(forms.Form):
    date_from = forms.DateField(label="From", widget=DateInput(), input_formats=["%Y-%m-%d"],
                                error_messages={"invalid": "Enter the start date as a real date, like 2026-09-01"})
    date_to = forms.DateField(label="To", widget=DateInput(), input_formats=["%Y-%m-%d"],
                              error_messages={"invalid": "Enter the end date as a real date, like 2026-11-30"})
    route = forms.ChoiceField(label="Route", required=False, choices=[("", "All routes"), *ROUTE_CHOICES])
    period = forms.ChoiceField(label="Per", required=False, choices=[("week", "Week"), ("day", "Day")])

    def clean(self):
        data = super().clean()
        date_from, date_to = data.get("date_from"), data.get("date_to")
        if date_from is None or date_to is None:
            return data
        if date_from > date_to:
            self.add_error("date_to", "The end date must be the same as or after the start date")
        elif (date_to - date_from).days > MAX_RANGE_DAYS:
            self.add_error("date_from", "Choose a date range of at most 2 years")
        elif date_from.year < 2000 or date_to > timezone.localdate() + datetime.timedelta(days=366):
            self.add_error("date_from", "Choose dates between 2000 and next year")
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(date_from=data["date_from"], date_to=data["date_to"], route=data.get("route") or "", period=data.get("period") or "week")


class ReplayForm(forms.Form):
    pass_threshold = forms.FloatField(
        label="Pass at this distance or less", min_value=0, max_value=2, widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "decimal"}),
        error_messages={"required": "Enter a pass threshold", "invalid": "Enter the pass threshold as a number, like 0.45",
                        "min_value": "The pass threshold must be 0 or more", "max_value": "The pass threshold must be 2 or less"},
    )
    fail_threshold = forms.FloatField(
        label="Fail above this distance", min_value=0, max_value=2, widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "decimal"}),
        error_messages={"required": "Enter a fail threshold", "invalid": "Enter the fail threshold as a number, like 0.6",
                        "min_value": "The fail threshold must be 0 or more", "max_value": "The fail threshold must be 2 or less"},
    )
    weeks = forms.IntegerField(
        label="Checks of the last how many weeks", min_value=1, max_value=104, widget=forms.TextInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
        error_messages={"required": "Enter a number of weeks", "invalid": "Enter the number of weeks as a whole number, like 12",
                        "min_value": "Enter at least 1 week", "max_value": "Enter at most 104 weeks"},
    )

    def clean(self):
        data = super().clean()
        if data.get("pass_threshold") is not None and data.get("fail_threshold") is not None and data["pass_threshold"] > data["fail_threshold"]:
            self.add_error("fail_threshold", "The fail threshold must be the same as or more than the pass threshold")
        return data
