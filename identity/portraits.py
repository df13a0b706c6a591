"""The face in a stored photo, cropped to a portrait for a person to compare two faces."""

import io

from PIL import Image, ImageOps

PORTRAIT_SIDE = 320
# Room around the detector's box (which is tight from brows to chin), as a share of its size,
# so that hair, ears and jaw line are in the picture.
_MARGIN = 0.45


def portrait_jpeg(data: bytes, face_box: list[int] | None, rotation: int = 0) -> bytes:
    """The photo turned upright (clockwise by `rotation`, as the check found the face) and cropped to the face
    (or whole, where no face was found), at most PORTRAIT_SIDE pixels."""
    image = ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("RGB")
    if rotation:
        image = image.rotate(-rotation, expand=True)
    if face_box:
        left, top, right, bottom = face_box
        margin = round(max(right - left, bottom - top) * _MARGIN)
        image = image.crop(
            (max(left - margin, 0), max(top - margin, 0), min(right + margin, image.width), min(bottom + margin, image.height))
        )
    image.thumbnail((PORTRAIT_SIDE, PORTRAIT_SIDE))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88)
    return buffer.getvalue()


def check_portrait(check, side: str) -> bytes:
    """One photo of an identity check ("passport" or "selfie"), upright and cropped to the face the check found in it."""
    document = check.passport_photo if side == "passport" else check.selfie
    with document.file.open("rb") as file:
        data = file.read()
    measured = (check.evidence or {}).get(side, {})
    return portrait_jpeg(data, measured.get("face_box"), measured.get("rotation", 0))
