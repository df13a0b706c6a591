"""Countries and authorities, by ISO 3166-1 alpha-3 code (and ICAO 9303's extra codes for passports)."""

import pycountry

# Codes that ICAO 9303 adds for passports: British nationals other than citizens,
# the United Nations, and unknown or stateless people.
_ICAO_EXTRA = {
    "GBD": "British Overseas Territories Citizen",
    "GBN": "British National (Overseas)",
    "GBO": "British Overseas Citizen",
    "GBP": "British Protected Person",
    "GBS": "British Subject",
    "UNO": "United Nations Organization",
    "XXA": "Stateless person",
    "XXB": "Refugee",
    "XXC": "Refugee (other)",
    "XXX": "Unspecified nationality",
}

COUNTRY_NAMES: dict[str, str] = {
    **{country.alpha_3: getattr(country, "common_name", country.name) for country in pycountry.countries},
    **_ICAO_EXTRA,
}
COUNTRY_CHOICES = sorted(COUNTRY_NAMES.items(), key=lambda item: item[1])
