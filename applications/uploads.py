"""Check and normalise an uploaded file before anything is stored.

The content decides what a file is, never its name. An accepted photo is decoded
once, turned upright from its EXIF orientation, and re-encoded as a JPEG without
metadata (so no GPS position or camera details are kept). An accepted PDF is kept
as it is, once it is known to be whole and not locked with a password.
"""

import io
from collections.abc import Collection
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, ImageOps

_IMAGE_SIGNATURES = {
    b"\xff\xd8\xff": "JPEG",
    b"\x89PNG\r\n\x1a\n": "PNG",
}
PHOTO_TYPES = frozenset({"image/jpeg", "image/png"})
_TYPE_NAMES = {"image/jpeg": "JPG", "image/png": "PNG", "application/pdf": "PDF"}


@dataclass(frozen=True)
class CleanFile:
    content: bytes
    content_type: str
    original_name: str
    width: int | None = None
    height: int | None = None


def _allowed(content_types: Collection[str]) -> str:
    names = [_TYPE_NAMES[content_type] for content_type in sorted(content_types, key=list(_TYPE_NAMES).index)]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def _read_head(upload: UploadedFile, *, label: str) -> bytes:
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(f"{label} must be smaller than {settings.UPLOAD_MAX_BYTES // (1024 * 1024)}MB", code="too_big")
    if upload.size == 0:
        raise ValidationError(f"{label} is empty", code="empty")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    return head


def read_file(upload: UploadedFile, *, label: str, content_types: Collection[str]) -> CleanFile:
    """Return the upload cleaned, or raise ValidationError saying what is wrong with it.

    `label` names the file in messages, for example "The passport photo".
    """
    head = _read_head(upload, label=label)
    name = (upload.name or "file")[:255]
    image_format = next((fmt for signature, fmt in _IMAGE_SIGNATURES.items() if head.startswith(signature)), None)
    if image_format and content_types & PHOTO_TYPES:
        return _clean_image(upload, image_format, label=label, name=name)
    if head.startswith(b"%PDF-") and "application/pdf" in content_types:
        return _clean_pdf(upload, label=label, name=name)
    if head.startswith(b"%PDF-"):
        raise ValidationError(f"{label} is a PDF. Upload a photo as a JPG or PNG file", code="pdf")
    raise ValidationError(f"{label} must be a {_allowed(content_types)} file", code="wrong_type")


def read_photo(upload: UploadedFile, *, label: str) -> CleanFile:
    return read_file(upload, label=label, content_types=PHOTO_TYPES)


def _clean_image(upload: UploadedFile, image_format: str, *, label: str, name: str) -> CleanFile:
    too_large = ValidationError(
        f"{label} is too large in pixels. Upload an image of at most {settings.UPLOAD_MAX_PIXELS // 1_000_000} megapixels",
        code="too_many_pixels",
    )
    try:
        image = Image.open(upload, formats=[image_format])
        # The header gives the size without decoding anything: refuse a decompression
        # bomb here, before Pillow allocates memory for its pixels.
        if image.width * image.height > settings.UPLOAD_MAX_PIXELS:
            raise too_large
        image.load()
        image = ImageOps.exif_transpose(image).convert("RGB")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_large from None
    except ValidationError:
        raise
    except Exception:
        # Pillow raises many kinds of error on malformed files (a TypeError for some
        # broken EXIF blocks, for one): whatever it is, the file cannot be used.
        raise ValidationError(
            f"{label} could not be read: the file is damaged or incomplete. Upload it again", code="corrupt"
        ) from None
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=92)
    return CleanFile(buffer.getvalue(), "image/jpeg", name, image.width, image.height)


def _clean_pdf(upload: UploadedFile, *, label: str, name: str) -> CleanFile:
    content = upload.read()
    # Every complete PDF ends with an end-of-file marker, give or take trailing whitespace.
    if b"%%EOF" not in content[-1024:]:
        raise ValidationError(
            f"{label} could not be read: the file is damaged or incomplete. Upload it again", code="corrupt"
        )
    if b"/Encrypt" in content:
        raise ValidationError(f"{label} is protected with a password. Upload a copy without a password", code="encrypted")
    return CleanFile(content, "application/pdf", name)
