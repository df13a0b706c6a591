"""The sandbox: fixed share codes and dates of birth that always give the same answers, for organisations to build
and test against without any real record. A sandbox client's checks are answered from here only.

The table is the documentation too: the API's docs page lists it.
"""

import datetime
import functools
import io
from dataclasses import dataclass

import matplotlib
from PIL import Image

from api.models import Scope


@dataclass(frozen=True)
class SandboxStatus:
    code: str
    date_of_birth: datetime.date
    purpose: str
    name: str
    allowed: bool
    valid_from: datetime.date
    valid_until: datetime.date | None
    conditions: tuple[str, ...] = ()
    photo: bool = False
    what_it_shows: str = ""


SANDBOX = [
    SandboxStatus(
        "TSTWRK222", datetime.date(1990, 1, 1), Scope.RIGHT_TO_WORK, "Grace Hopper", True,
        datetime.date(2025, 1, 6), datetime.date(2035, 1, 5), photo=True,
        what_it_shows="Can work without restriction until a date: a follow-up check is due then; with a photo",
    ),
    SandboxStatus(
        "TSTWRK333", datetime.date(1985, 6, 15), Scope.RIGHT_TO_WORK, "Ana María Núñez", True,
        datetime.date(2025, 9, 1), datetime.date(2035, 9, 30), ("Work up to 20 hours a week in term time",),
        what_it_shows="Can work, with a restriction",
    ),
    SandboxStatus(
        "TSTWRK444", datetime.date(1979, 3, 2), Scope.RIGHT_TO_WORK, "Jean-Luc Dubois", False,
        datetime.date(2025, 4, 1), datetime.date(2035, 3, 31),
        what_it_shows="Cannot work (a visitor's permission)",
    ),
    SandboxStatus(
        "TSTWRK555", datetime.date(1962, 11, 30), Scope.RIGHT_TO_WORK, "Siobhán O'Connor", True,
        datetime.date(2024, 2, 12), None,
        what_it_shows="Can work, with no end date (settlement): no follow-up check",
    ),
    SandboxStatus(
        "TSTWRK666", datetime.date(1995, 8, 20), Scope.RIGHT_TO_WORK, "Kwame Mensah", False,
        datetime.date(2023, 9, 1), datetime.date(2024, 12, 31),
        what_it_shows="The permission has ended: cannot work",
    ),
    SandboxStatus(
        "TSTRNT222", datetime.date(1990, 1, 1), Scope.RIGHT_TO_RENT, "Mei Chen", True,
        datetime.date(2025, 1, 6), datetime.date(2035, 1, 5),
        what_it_shows="Can rent until a date: a follow-up check is due then",
    ),
    SandboxStatus(
        "TSTRNT333", datetime.date(1988, 4, 9), Scope.RIGHT_TO_RENT, "Piotr Nowak", False,
        datetime.date(2022, 10, 1), datetime.date(2024, 9, 30),
        what_it_shows="The permission has ended: cannot rent",
    ),
]
_BY_CODE = {status.code: status for status in SANDBOX}


def sandbox_status(code: str, date_of_birth: datetime.date) -> SandboxStatus | None:
    status = _BY_CODE.get(code)
    return status if status is not None and status.date_of_birth == date_of_birth else None


@functools.cache
def sandbox_photo() -> bytes:
    """A public-domain portrait that matplotlib ships (nothing is downloaded), as a small JPEG."""
    path = matplotlib.get_data_path() + "/sample_data/grace_hopper.jpg"
    image = Image.open(path).convert("RGB")
    image.thumbnail((240, 240))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()
