"""Synthetic applicants: generated personal details and an answer to every question a route asks."""

import datetime
import random
import re
import unicodedata
from dataclasses import dataclass, field

from faker import Faker

# Locales whose names exercise more than ASCII (accents, apostrophes, hyphens).
LOCALES = ["en_GB", "en_US", "en_IN", "es_ES", "fr_FR", "de_DE", "pt_BR", "pl_PL"]
# ISO 3166-1 alpha-3 codes, as the service's country lists use them.
COUNTRIES = ["USA", "IND", "ESP", "FRA", "DEU", "BRA", "POL", "NGA", "CAN", "AUS", "JPN", "MEX"]


@dataclass
class Persona:
    given_names: str
    family_name: str
    email: str
    password: str
    sex: str
    answers: dict[str, object] = field(default_factory=dict)


def _ascii(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower())


def persona(rng: random.Random, *, cohort: str, today: datetime.date) -> Persona:
    """Someone new, consistent with themselves: the same rng gives the same person."""
    fake = Faker(LOCALES)
    fake.seed_instance(rng.getrandbits(64))
    sex = rng.choice("FM")
    given = fake.first_name_female() if sex == "F" else fake.first_name_male()
    if rng.random() < 0.4:
        given += " " + (fake.first_name_female() if sex == "F" else fake.first_name_male())
    family = fake.last_name()
    # A reserved domain: nothing is ever delivered to it, and the service keeps it in the synthetic mailbox.
    email = f"{_ascii(given)[:20]}.{_ascii(family)[:20]}.{cohort}@synthetic.example"
    nationality = rng.choice(COUNTRIES)

    def days(n: int) -> datetime.date:
        return today + datetime.timedelta(days=n)

    born = fake.date_of_birth(minimum_age=19, maximum_age=70)
    answers: dict[str, object] = {
        "given_names": given,
        "family_name": family,
        "date_of_birth": born,
        "sex": sex,
        "email": email,
        "phone": f"+44 7700 9{rng.randint(0, 99999):05d}",
        "address": fake.address()[:480],
        "address_country": nationality,
        "passport_number": "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789") for _ in range(9)),
        "passport_issuing_country": nationality,
        "nationality": nationality,
        "passport_issue_date": days(-rng.randint(100, 2500)),
        "passport_expiry_date": days(rng.randint(1500, 3000)),
        "arrival_date": days(rng.randint(20, 60)),
        "stay_months": rng.randint(1, 6),
        "visit_purpose": rng.choice(["tourism", "family", "business"]),
        "visit_funding": rng.choice(["self", "family", "employer"]),
        "sponsor_licence_number": "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789") for _ in range(10)),
        "cos_reference": "C" + "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789") for _ in range(10)),
        "job_title": fake.job()[:100],
        "salary": rng.randint(30_000, 90_000),
        "course_name": f"MSc {rng.choice(['Physics', 'Economics', 'Nursing', 'Computer Science', 'History'])}",
        "education_provider": f"University of {fake.city()}"[:200],
        "cas_number": "E4G" + "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789") for _ in range(11)),
        "course_start_date": days(rng.randint(40, 90)),
        "course_end_date": days(rng.randint(400, 900)),
        "partner_name": f"{fake.first_name()} {fake.last_name()}",
        "partner_date_of_birth": fake.date_of_birth(minimum_age=19, maximum_age=70),
        "partner_nationality": "GBR",
        "relationship": rng.choice(["married", "civil", "unmarried"]),
        "relationship_start": days(-rng.randint(800, 5000)),
        "uk_arrival_date": days(-rng.randint(1900, 3000)),
        "current_permission": rng.choice(["skilled-worker", "partner"]),
        "absence_days": rng.randint(0, 150),
        "criminal_convictions": "no",
        "previous_refusals": "no",
    }
    password = "-".join(fake.words(4, unique=True)) + str(rng.randint(10, 99))
    return Persona(given, family, email, password, sex, answers)
