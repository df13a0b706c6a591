"""CPU time per identity check, against the bare face_recognition calls on the same images.

Ours: identity.face_match.load_image + match (decode, scale, detect with scores,
quality measurements, landmarks once, encode, compare). Bare: what a minimal
face_recognition script does: load_image_file, face_locations, face_encodings,
face_distance. Same image pairs, models already loaded, CPU time of this process.
Run: .venv/bin/python bench/identity_check_cpu.py
"""

import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from identity import face_match  # noqa: E402
from tests import images  # noqa: E402

ROUNDS = 15
PAIRS = {
    "astronaut (512 px page, 600 px selfie)": (images.astronaut_passport(), images.astronaut_selfie()),
    "grace hopper (512 px page, 410 px selfie)": (images.hopper_passport(), images.hopper_selfie()),
}


def ours(passport: bytes, selfie: bytes) -> float:
    limits = {name: face_match.QualityLimits(**values) for name, values in settings.IDENTITY_QUALITY.items()}
    load = {"max_side": settings.FACE_IMAGE_MAX_SIDE, "max_pixels": settings.UPLOAD_MAX_PIXELS}
    result = face_match.match(
        face_match.load_image(passport, **load),
        face_match.load_image(selfie, **load),
        thresholds=face_match.Thresholds(settings.FACE_MATCH_PASS_THRESHOLD, settings.FACE_MATCH_FAIL_THRESHOLD),
        passport_limits=limits["passport"],
        selfie_limits=limits["selfie"],
    )
    return result.distance


def bare(passport: bytes, selfie: bytes) -> float:
    recognition = face_match.face_recognition_module()
    encodings = []
    for data in (passport, selfie):
        pixels = recognition.load_image_file(io.BytesIO(data))
        locations = recognition.face_locations(pixels, 1)
        encodings.append(recognition.face_encodings(pixels, locations[:1])[0])
    return float(recognition.face_distance([encodings[0]], encodings[1])[0])


def cpu_ms(function, *args) -> float:
    started = time.process_time()
    function(*args)
    return (time.process_time() - started) * 1000


def main() -> None:
    for function in (ours, bare):  # load the models and warm the caches
        function(*next(iter(PAIRS.values())))
    print(f"{'image pair':<44} {'ours (ms CPU)':>14} {'bare (ms CPU)':>14} {'ratio':>6}")
    ratios = []
    for name, pair in PAIRS.items():
        ours_ms, bare_ms = [], []
        for _ in range(ROUNDS):
            ours_ms.append(cpu_ms(ours, *pair))
            bare_ms.append(cpu_ms(bare, *pair))
        ratio = statistics.median(ours_ms) / statistics.median(bare_ms)
        ratios.append(ratio)
        print(f"{name:<44} {statistics.median(ours_ms):>14.0f} {statistics.median(bare_ms):>14.0f} {ratio:>6.2f}")
        print(f"{'':<44} distances: ours {ours(*pair):.4f}, bare {bare(*pair):.4f}")

    large = images.encode(images._open(images.GRACE_HOPPER).resize((1707, 2000)), quality=90)
    large_pair = (large, images.hopper_selfie())
    ours_ms = statistics.median(cpu_ms(ours, *large_pair) for _ in range(5))
    bare_ms = statistics.median(cpu_ms(bare, *large_pair) for _ in range(5))
    print(f"{'2,000 px passport page (scaled to 800 first)':<44} {ours_ms:>14.0f} {bare_ms:>14.0f} {ours_ms / bare_ms:>6.2f}")


if __name__ == "__main__":
    main()
