"""Check and normalise an uploaded file before anything is stored.

The content decides what a file is, never its name. An accepted photo is decoded
once, turned upright from its EXIF orientation, and re-encoded as a JPEG without
metadata (so no GPS position or camera details are kept). An accepted PDF is kept
as it is, once it is known to be whole, not locked with a password, and free of
active content (JavaScript, launch actions, embedded files), which is refused
rather than rewritten: a caseworker then opens exactly what the applicant sent.
"""

import io
from collections.abc import Collection
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
import numpy as np
from PIL import Image, ImageOps
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

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


# JPEG cannot hold a side longer than this (Pillow's encoder limit; the format's is 65,535).
MAX_SIDE = 65_500


def _clean_image(upload: UploadedFile, image_format: str, *, label: str, name: str) -> CleanFile:
    too_large = ValidationError(
        f"{label} is too large in pixels. Upload an image of at most {settings.UPLOAD_MAX_PIXELS // 1_000_000} megapixels",
        code="too_many_pixels",
    )
    damaged = ValidationError(
        f"{label} could not be read: the file is damaged or incomplete. Upload it again", code="corrupt"
    )
    try:
        image = Image.open(upload, formats=[image_format])
        # The header gives the size without decoding anything: refuse a decompression
        # bomb here, before Pillow allocates memory for its pixels.
        if image.width * image.height > settings.UPLOAD_MAX_PIXELS:
            raise too_large
        if max(image.size) > MAX_SIDE:
            # A 1 x 100,000 px strip is far under the pixel cap, but cannot be stored as a JPEG.
            raise ValidationError(
                f"{label} is {image.width} x {image.height} pixels: its sides must be at most {MAX_SIDE:,} pixels",
                code="too_long",
            )
        image.load()
        image = _as_rgb(ImageOps.exif_transpose(image))
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=92)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_large from None
    except ValidationError:
        raise
    except Exception:
        # Pillow raises many kinds of error on malformed files (a TypeError for some
        # broken EXIF blocks, an OSError from an encoder): whatever it is, decoding
        # and re-encoding are one step, and the file cannot be used.
        raise damaged from None
    return CleanFile(buffer.getvalue(), "image/jpeg", name, image.width, image.height)


def _as_rgb(image: Image.Image) -> Image.Image:
    """8-bit RGB, as a JPEG holds it; only the first frame of an animation is kept.

    Pillow's own conversion would clip 16-bit greyscale to white and turn
    transparent areas black.
    """
    if image.mode in {"I;16", "I;16B", "I;16L", "I"}:
        # 16-bit samples (PNG allows them) scaled to 8 bits rather than clipped.
        pixels = np.asarray(image, dtype=np.uint32)
        image = Image.fromarray((pixels >> 8).clip(0, 255).astype(np.uint8), "L")
    if image.mode == "P" or image.has_transparency_data:
        image = image.convert("RGBA")
        background = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, image)
    return image.convert("RGB")


def _clean_pdf(upload: UploadedFile, *, label: str, name: str) -> CleanFile:
    content = upload.read()
    damaged = ValidationError(f"{label} could not be read: the file is damaged or incomplete. Upload it again", code="corrupt")
    # Every complete PDF ends with an end-of-file marker, give or take trailing whitespace.
    if b"%%EOF" not in content[-1024:]:
        raise damaged
    encrypted = ValidationError(f"{label} is protected with a password. Upload a copy without a password", code="encrypted")
    if b"/Encrypt" in content:
        raise encrypted
    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted:
            raise encrypted
        active = _active_content(reader)
    except ValidationError:
        raise
    except Exception:
        # pypdf raises its own errors, and others (RecursionError, ValueError) on hostile files.
        raise damaged from None
    if active:
        raise ValidationError(
            f"{label} contains {active}, which a PDF of a document does not need. "
            "Print or export it to a new PDF and upload that",
            code="active_content",
        )
    return CleanFile(content, "application/pdf", name)


# Actions a PDF viewer runs by itself or on a click, beyond moving within the document.
_ACTIVE_ACTIONS = {
    "/JavaScript": "JavaScript",
    "/Launch": "an action that opens another program",
    "/ImportData": "an action that imports data",
    "/SubmitForm": "an action that sends data",
    "/RichMedia": "embedded media",
    "/GoToE": "an action that opens an embedded file",
}
_ACTIVE_KEYS = {
    "/JS": "JavaScript",
    "/JavaScript": "JavaScript",
    "/EmbeddedFiles": "embedded files",
    "/EF": "embedded files",
    "/XFA": "an XFA form, which can run scripts",
}


def _active_content(reader: PdfReader) -> str | None:
    """What active content the PDF holds, if any: every object reachable from its trailer is read.

    pypdf decodes names as it parses them (/J#61vaScript is /JavaScript) and reads
    compressed object streams, so neither hides anything from this walk.
    """
    seen: set[tuple[int, int]] = set()
    pending: list = [reader.trailer]
    while pending:
        item = pending.pop()
        if isinstance(item, IndirectObject):
            if (item.idnum, item.generation) in seen:
                continue
            seen.add((item.idnum, item.generation))
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            for key in item:
                if key in _ACTIVE_KEYS:
                    return _ACTIVE_KEYS[key]
            action = item.get("/S")
            if isinstance(action, NameObject) and action in _ACTIVE_ACTIONS:
                return _ACTIVE_ACTIONS[action]
            pending.extend(item.values())
        elif isinstance(item, ArrayObject):
            pending.extend(item)
    return None
