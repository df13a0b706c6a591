import datetime

from django.core.checks import Warning, register

from applications.service_standard import bank_holidays


@register()
def bank_holidays_cover_the_coming_year(app_configs, **kwargs):
    """Due dates past the end of the bank-holiday data would count bank holidays as working days."""
    last = max(bank_holidays())
    if last < datetime.date.today() + datetime.timedelta(days=365):
        return [
            Warning(
                f"The bank holidays in applications/data/bank_holidays_england_and_wales.json end on {last}.",
                hint="Add the next years' dates from https://www.gov.uk/bank-holidays.",
                id="casework.W001",
            )
        ]
    return []
