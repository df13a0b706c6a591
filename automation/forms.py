from django import forms

from applications.forms import DateField
from automation.models import QualityCheck


class WatchListEntryForm(forms.Form):
    full_name = forms.CharField(label="Full name", max_length=200, error_messages={"required": "Enter the person's full name"},
                                help_text="In any script or spelling: names are matched allowing for transliteration.")
    date_of_birth = DateField(label="Date of birth", name="Date of birth", rule="past", help_text="For example, 27 3 1990",
                              error_messages={"required": "Enter the person's date of birth"})
    reason = forms.CharField(label="Why a caseworker must decide their applications", max_length=500,
                             error_messages={"required": "Enter why this person is on the watch list"},
                             widget=forms.Textarea(attrs={"rows": 3}))


class QualityCheckForm(forms.Form):
    outcome = forms.ChoiceField(label="Was the automatic grant right?", choices=QualityCheck.Outcome.choices, widget=forms.RadioSelect,
                                error_messages={"required": "Select whether the grant was right"})
    notes = forms.CharField(label="Notes", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
