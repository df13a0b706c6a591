"""Check and normalise an uploaded photo before anything is stored.

The content decides what a file is, never its name. An accepted photo is decoded
once, turned upright from its EXIF orientation, and re-encoded as a JPEG without
metadata (so no GPS position or camera details are kept).
"""

import io
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, ImageOps

_SIGNATURES = {
    b"\xff\xd8\xff": "JPEG",
    b"\x89PNG\r\n\x1a\n": "PNG",
}


@dataclass(frozen=True)
class Photo:
    content: bytes
    width: int
    height: int
    original_name: str
    content_type: str = "image/jpeg"


def _sniff(head: bytes) -> str | None:
    for signature, image_format in _SIGNATURES.items():
        if head.startswith(signature):
            return image_format
    return None


def read_photo(upload: UploadedFile, *, label: str) -> Photo:
    """Return the upload as a clean JPEG, or raise ValidationError saying what is wrong with it.

    `label` names the photo in messages, for example "The passport photo".
    """
    limit_mb = settings.UPLOAD_MAX_BYTES // (1024 * 1024)
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(f"{label} must be smaller than {limit_mb}MB", code="too_big")
    if upload.size == 0:
        raise ValidationError(f"{label} is empty", code="empty")

    upload.seek(0)
    head = upload.read(16)
    image_format = _sniff(head)
    if image_format is None:
        if head.startswith(b"%PDF"):
            raise ValidationError(f"{label} is a PDF. Upload a photo as a JPG or PNG file", code="pdf")
        raise ValidationError(f"{label} must be a JPG or PNG image", code="not_an_image")

    upload.seek(0)
    try:
        image = Image.open(upload, formats=[image_format])
        width, height = image.size
        # The header gives the size without decoding anything: refuse a decompression
        # bomb here, before Pillow allocates memory for its pixels.
        if width * height > settings.UPLOAD_MAX_PIXELS:
            raise ValidationError(
                f"{label} is too large at {width} × {height} pixels. "
                f"Upload a photo of at most {settings.UPLOAD_MAX_PIXELS // 1_000_000} megapixels",
                code="too_many_pixels",
            )
        image.load()
        image = ImageOps.exif_transpose(image).convert("RGB")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            f"{label} is too large in pixels. Upload a photo of at most "
            f"{settings.UPLOAD_MAX_PIXELS // 1_000_000} megapixels",
            code="too_many_pixels",
        ) from None
    except (OSError, SyntaxError, ValueError):
        raise ValidationError(
            f"{label} could not be read: the file is damaged or incomplete. Upload it again",
            code="corrupt",
        ) from None

    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=92)
    return Photo(
        content=buffer.getvalue(),
        width=image.width,
        height=image.height,
        original_name=(upload.name or "photo")[:255],
    )
