"""1:N face search: time per probe over 100,000 and 1,000,000 enrolled encodings.

Random 128-d vectors stand in for encodings (the search does not care what they
are). Compares identity.gallery.Gallery.search with face_recognition.face_distance
over the same matrix. Run: .venv/bin/python bench/gallery_search.py
"""

import os
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from identity.face_match import face_recognition_module  # noqa: E402
from identity.gallery import Gallery  # noqa: E402

PROBES = 200
BASELINE_PROBES = 10


def percentile(samples: list[float], q: float) -> float:
    return float(np.percentile(samples, q))


def main() -> None:
    face_distance = face_recognition_module().face_distance
    rng = np.random.default_rng(2026)
    print(f"{'rows':>10} {'search p50':>11} {'p95':>8} {'face_distance f32':>18} {'f64 (its own)':>14} {'speed-up':>9} {'matrix MB':>10}")
    for rows in (100_000, 1_000_000):
        # Encodings from face_recognition have norms near 1 and distances mostly 0.3 to 1.2;
        # scaled normal vectors give the same kind of spread.
        vectors = (rng.normal(size=(rows, 128)) / np.sqrt(128 * 2)).astype(np.float32)
        gallery = Gallery()
        gallery.add([str(i) for i in range(rows)], vectors)
        probes = vectors[rng.integers(0, rows, PROBES)] + rng.normal(scale=0.01, size=(PROBES, 128)).astype(np.float32)

        timings = []
        for probe in probes:
            started = time.perf_counter()
            found = gallery.search(probe, threshold=0.5)
            timings.append((time.perf_counter() - started) * 1000)
            assert found, "each probe is a slightly moved copy of a row and must find it"
        baselines = {}
        # face_recognition's encodings are float64, which is what a gallery built on it holds.
        for dtype in (np.float32, np.float64):
            matrix = vectors.astype(dtype)
            samples = []
            for probe in probes[:BASELINE_PROBES]:
                started = time.perf_counter()
                face_distance(matrix, probe.astype(dtype))
                samples.append((time.perf_counter() - started) * 1000)
            baselines[dtype] = statistics.median(samples)
            del matrix
        p50 = statistics.median(timings)
        print(
            f"{rows:>10,} {p50:>9.1f}ms {percentile(timings, 95):>6.1f}ms {baselines[np.float32]:>16.1f}ms "
            f"{baselines[np.float64]:>12.1f}ms {baselines[np.float64] / p50:>8.1f}x {gallery.matrix.nbytes / 2**20:>10.0f}"
        )
    print(f"peak resident memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
