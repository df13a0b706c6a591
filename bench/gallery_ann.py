"""An approximate index with exact re-ranking: recall at the decision threshold, against exact search.

An inverted-file index (IVF): k-means cells over the gallery, each probe compared
exactly with the rows of its `nprobe` nearest cells only. What matters for
duplicates is not recall@1 but whether every row within DUPLICATE_MATCH_THRESHOLD
(0.5) of the probe is still found: recall here is (pairs within 0.5 found by the
index) / (pairs within 0.5 found by exact search).

Probes are rows moved by noise so that their distance to the row they came from
spreads over 0.1 to 0.5 (a genuine duplicate), plus a few rows' exact copies.
Written in numpy (k-means and the cells) to measure the idea without a new
dependency; FAISS's IndexIVFFlat is the same structure.
Run: .venv/bin/python bench/gallery_ann.py [rows]
"""

import statistics
import sys
import time

import numpy as np

THRESHOLD = 0.5
PROBES = 400


def kmeans(data: np.ndarray, cells: int, rng: np.random.Generator, rounds: int = 8) -> np.ndarray:
    centroids = data[rng.choice(len(data), cells, replace=False)].copy()
    for _ in range(rounds):
        assignment = assign(data, centroids)
        for cell in range(cells):
            members = data[assignment == cell]
            if len(members):
                centroids[cell] = members.mean(axis=0)
    return centroids


def assign(data: np.ndarray, centroids: np.ndarray, chunk: int = 50_000) -> np.ndarray:
    norms = np.einsum("ij,ij->i", centroids, centroids)
    out = np.empty(len(data), dtype=np.int32)
    for start in range(0, len(data), chunk):
        block = data[start : start + chunk]
        out[start : start + chunk] = np.argmin(norms - 2 * block @ centroids.T, axis=1)
    return out


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    rng = np.random.default_rng(2026)
    gallery = (rng.normal(size=(rows, 128)) / np.sqrt(128 * 2)).astype(np.float32)
    norms = np.einsum("ij,ij->i", gallery, gallery)
    # About 800 rows per cell, as 65,536 cells would hold at 50 million.
    cells = max(rows // 800, 16)
    started = time.perf_counter()
    centroids = kmeans(gallery[rng.choice(rows, min(rows, 100 * cells), replace=False)], cells, rng)
    assignment = assign(gallery, centroids)
    members = [np.flatnonzero(assignment == cell) for cell in range(cells)]
    print(f"{rows:,} rows, {cells} cells, built in {time.perf_counter() - started:.1f} s")

    sources = rng.integers(0, rows, PROBES)
    wanted = rng.uniform(0.1, THRESHOLD, PROBES).astype(np.float32)
    noise = rng.normal(size=(PROBES, 128)).astype(np.float32)
    noise *= (wanted / np.linalg.norm(noise, axis=1))[:, None]
    probes = gallery[sources] + noise

    exact_pairs, exact_ms = [], []
    for probe in probes:
        began = time.perf_counter()
        squared = norms + probe @ probe - 2 * (gallery @ probe)
        exact_pairs.append(set(np.flatnonzero(squared <= THRESHOLD**2).tolist()))
        exact_ms.append((time.perf_counter() - began) * 1000)
    total = sum(len(pairs) for pairs in exact_pairs)
    centroid_norms = np.einsum("ij,ij->i", centroids, centroids)
    print(f"exact search: {total} pairs within {THRESHOLD}, p50 {statistics.median(exact_ms):.2f} ms per probe")
    print(f"{'nprobe':>7} {'recall at 0.5':>14} {'missed':>7} {'rows compared':>14} {'p50 ms':>7}")
    for nprobe in (1, 4, 8, 16, 32):
        found = 0
        timings, compared = [], []
        for probe, pairs in zip(probes, exact_pairs):
            began = time.perf_counter()
            nearest = np.argpartition(centroid_norms - 2 * (centroids @ probe), nprobe)[:nprobe]
            candidates = np.concatenate([members[cell] for cell in nearest])
            # Exact re-ranking: the true distance decides, as in the full scan.
            squared = norms[candidates] + probe @ probe - 2 * (gallery[candidates] @ probe)
            hits = set(candidates[squared <= THRESHOLD**2].tolist())
            timings.append((time.perf_counter() - began) * 1000)
            compared.append(len(candidates))
            found += len(hits & pairs)
        print(
            f"{nprobe:>7} {found / total:>13.2%} {total - found:>7} {statistics.median(compared) / rows:>13.2%} "
            f"{statistics.median(timings):>7.2f}"
        )


if __name__ == "__main__":
    main()
