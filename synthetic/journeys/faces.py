"""The synthetic identity pool: real faces from images that installed packages ship.

scikit-image's astronaut.png (Eileen Collins, public domain) and matplotlib's
grace_hopper.jpg are two different people. A persona's passport photo and selfie
are two different takes on one of them: each is cropped, turned, lit and
compressed differently, with the amounts drawn from the journey's random
generator, so no two journeys send the same bytes. The ranges stay inside those
measured to keep one person's photos well within the pass threshold (see
docs/BENCHMARKS.md, "Synthetic journeys").

Nothing is downloaded: both packages are development dependencies.
"""

import io
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageEnhance, ImageOps


@dataclass(frozen=True)
class Face:
    name: str
    path: Path
    # The head and shoulders within the picture (left, top, right, bottom).
    head: tuple[int, int, int, int]


def pool() -> list[Face]:
    import matplotlib
    import skimage

    return [
        Face("astronaut", Path(skimage.__file__).parent / "data" / "astronaut.png", (100, 20, 400, 330)),
        Face("hopper", Path(matplotlib.__file__).parent / "mpl-data" / "sample_data" / "grace_hopper.jpg", (60, 40, 470, 520)),
    ]


def _jpeg(image: Image.Image, quality: int) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def _lit(image: Image.Image, rng: random.Random, brightness: tuple[float, float], contrast: tuple[float, float]) -> Image.Image:
    image = ImageEnhance.Brightness(image).enhance(rng.uniform(*brightness))
    return ImageEnhance.Contrast(image).enhance(rng.uniform(*contrast))


def passport_photo(face: Face, rng: random.Random) -> bytes:
    """The photo page's portrait: the whole picture, trimmed a little at the edges, turned up to 2 degrees."""
    image = Image.open(face.path).convert("RGB")
    trim = [rng.randint(0, 12) for _ in range(4)]
    image = image.crop((trim[0], trim[1], image.width - trim[2], image.height - trim[3]))
    image = image.rotate(rng.uniform(-2, 2), resample=Image.Resampling.BICUBIC, fillcolor=(235, 235, 235))
    return _jpeg(_lit(image, rng, (0.9, 1.1), (0.9, 1.1)), rng.randint(70, 92))


def selfie(face: Face, rng: random.Random) -> bytes:
    """A camera's take: the head cropped off-centre, turned up to 5 degrees, lit differently, more compressed."""
    image = Image.open(face.path).convert("RGB")
    left, top, right, bottom = face.head
    shift = [rng.randint(-15, 15) for _ in range(4)]
    image = image.crop((max(0, left + shift[0]), max(0, top + shift[1]), right + shift[2], bottom + shift[3]))
    # Camera-sized: 560 to 680 px wide, whatever the crop.
    width = rng.randint(560, 680)
    image = image.resize((width, round(image.height * width / image.width)), Image.Resampling.LANCZOS)
    if rng.random() < 0.5:
        image = ImageOps.mirror(image)  # front cameras often show a mirror image
    image = image.rotate(rng.uniform(-5, 5), resample=Image.Resampling.BICUBIC, fillcolor=(128, 128, 128))
    return _jpeg(_lit(image, rng, (0.75, 1.2), (0.85, 1.15)), rng.randint(45, 85))


def no_face(rng: random.Random) -> bytes:
    """A photo of a wall: light and shade, no face."""
    ramp = np.linspace(rng.randint(40, 90), rng.randint(170, 230), 480)
    pixels = np.stack([np.tile(ramp, (640, 1))] * 3, -1) + np.random.default_rng(rng.randint(0, 2**32 - 1)).normal(0, 6, (640, 480, 3))
    return _jpeg(Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)), 85)
