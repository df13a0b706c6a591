import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from applications.uploads import read_photo
from tests import images
from tests.factories import upload


def _error_code(content: bytes, name: str = "photo.jpg") -> str:
    with pytest.raises(ValidationError) as raised:
        read_photo(upload(name, content), label="The photo")
    return raised.value.code


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (images.pdf(), "pdf"),
        (images.text(), "wrong_type"),
        (images.truncated_jpeg(), "corrupt"),
        (images.decompression_bomb(8_000), "too_many_pixels"),
        (images.decompression_bomb(50_000), "too_many_pixels"),
        (images.broken_exif(), "corrupt"),
        (b"", "empty"),
    ],
    # 8,000 px a side is over this service's cap but under Pillow's own bomb limit;
    # 50,000 is over both.
    ids=["pdf-named-jpg", "text-named-jpg", "truncated-jpeg", "bomb-over-our-cap", "bomb-over-pillows-limit", "broken-exif", "empty"],
)
def test_bad_files_are_refused_with_a_specific_reason(content, code):
    assert _error_code(content) == code


def test_a_file_over_the_size_cap_is_refused(settings):
    settings.UPLOAD_MAX_BYTES = 10_000

    assert _error_code(images.astronaut_passport()) == "too_big"


def test_an_image_with_too_many_pixels_is_refused_before_decoding(settings):
    settings.UPLOAD_MAX_PIXELS = 100_000

    with pytest.raises(ValidationError, match="too large in pixels") as raised:
        read_photo(upload("big.jpg", images.astronaut_passport()), label="The photo")
    assert raised.value.code == "too_many_pixels"


def test_png_is_accepted_and_stored_as_jpeg():
    photo = read_photo(upload("passport.png", images.png(images.astronaut_selfie()), "image/png"), label="The photo")

    assert Image.open(io.BytesIO(photo.content)).format == "JPEG"
    assert (photo.width, photo.height) == (600, 620)


def test_photo_is_turned_upright_and_loses_its_metadata():
    photo = read_photo(upload("selfie.jpg", images.with_gps_and_rotation()), label="The photo")

    stored = Image.open(io.BytesIO(photo.content))
    # Stored sideways as 310 x 300 with an orientation tag; upright it is 300 x 310.
    assert stored.size == (300, 310)
    assert len(stored.getexif()) == 0
    assert b"Test camera maker" not in photo.content


def _stored(content: bytes) -> Image.Image:
    photo = read_photo(upload("image.png", content, "image/png"), label="The photo")
    stored = Image.open(io.BytesIO(photo.content))
    assert (stored.format, stored.mode) == ("JPEG", "RGB")
    return stored


def test_a_16_bit_image_is_scaled_to_8_bits_not_clipped():
    stored = _stored(images.sixteen_bit_gradient())

    # The gradient runs from black to white across the image, as it did in 16 bits.
    left, middle, right = (stored.getpixel((x, 32))[0] for x in (0, 128, 255))
    assert left < 10 and 110 < middle < 145 and right > 245


def test_transparent_areas_become_white():
    stored = _stored(images.palette_with_transparency())

    corner, centre = stored.getpixel((2, 2)), stored.getpixel((32, 32))
    assert min(corner) > 245
    assert centre[2] > 200 and centre[0] < 50


def test_an_animation_keeps_its_first_frame():
    red, green, blue = _stored(images.animated_png()).getpixel((32, 32))

    assert red > 200 and blue < 50


def test_a_cmyk_jpeg_is_stored_as_rgb():
    red, green, blue = _stored(images.cmyk_jpeg()).getpixel((32, 32))

    # C=0, M=255, Y=255, K=0 is red.
    assert red > 200 and green < 60 and blue < 60
