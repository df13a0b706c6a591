"""What the API takes and gives: dates are ISO 8601 (YYYY-MM-DD), times ISO 8601 with their zone."""

import datetime
import re
from typing import Literal
from uuid import UUID

from django.utils import timezone
from ninja import Field, Schema
from pydantic import field_validator

from casework.share_codes import ALPHABET, LENGTH

# The code's 9 characters, in either case, with any spaces and dashes between them.
SHARE_CODE_PATTERN = f"^[ -]*([{ALPHABET}{ALPHABET.lower()}][ -]*){{{LENGTH}}}$"


class StatusCheckRequest(Schema):
    share_code: str = Field(
        ..., max_length=20, description="The 9 characters the holder gave you; spaces and dashes are ignored.",
        examples=["TST WRK 222"], json_schema_extra={"pattern": SHARE_CODE_PATTERN},
    )
    date_of_birth: datetime.date = Field(..., description="The holder's date of birth.", examples=["1990-01-01"])

    @field_validator("share_code")
    @classmethod
    def _code(cls, value: str) -> str:
        if not re.fullmatch(SHARE_CODE_PATTERN, value):
            raise ValueError("Enter the share code: 9 letters and numbers, like W7K 3MF 9QX")
        return value.replace(" ", "").replace("-", "").upper()

    @field_validator("date_of_birth")
    @classmethod
    def _past(cls, value: datetime.date) -> datetime.date:
        if value > timezone.localdate():
            raise ValueError("The date of birth must be in the past")
        return value


class Photo(Schema):
    content_type: Literal["image/jpeg"]
    data: str = Field(..., description="The image, base64-encoded.")


class _Answer(Schema):
    check_id: UUID = Field(..., description="This check's record: keep it as evidence that you checked (GET /checks/{check_id}).")
    checked_at: datetime.datetime = Field(..., description="When the check was made.")
    sandbox: bool = Field(..., description="True when the answer comes from the sandbox's test data.")
    name: str = Field(..., description="The holder's name, as in their passport.")
    permission_starts: datetime.date = Field(..., description="The first day of the permission.")
    permission_ends: datetime.date | None = Field(..., description="Null when the permission has no end date (settlement).")
    follow_up_check_due: datetime.date | None = Field(..., description="Check again by this date: the permission is time-limited.")
    photo: Photo | None = Field(..., description="The holder's photo, when they chose to show it.")


class RightToWorkAnswer(_Answer):
    allowed_to_work: bool
    restrictions: list[str] = Field(..., description="Limits on the work they may do; empty when there are none.")


class RightToRentAnswer(_Answer):
    allowed_to_rent: bool


class CheckRecord(Schema):
    check_id: UUID
    checked_at: datetime.datetime
    purpose: str
    result: str = Field(..., description="shown, share_code_not_found, wrong_purpose, or another error code.")


class CheckPage(Schema):
    items: list[CheckRecord]
    count: int
    page: int
    pages: int
