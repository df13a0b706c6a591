from django import forms

from applications.forms import DateField


class ReportPeriodForm(forms.Form):
    since = DateField(label="From", name="From date", required=False, help_text="For example, 3 11 2026")
    until = DateField(label="To", name="To date", required=False, help_text="For example, 30 11 2026")

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", "To date must be the same as or after the from date")
        return data
