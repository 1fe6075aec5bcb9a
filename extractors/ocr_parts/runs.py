"""Run-length primitives on boolean images (numpy only, no morphology library)."""

from __future__ import annotations

import numpy as np


def runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Horizontal runs of True in each row: (row, start, end) with ``end`` exclusive, row-major order."""
    h, w = mask.shape
    padded = np.zeros((h, w + 2), bool)
    padded[:, 1:-1] = mask
    # Each row is padded with False at both ends, so its edges alternate start, end, start, …: one flat
    # search over the edges finds both (two 2-D ``nonzero`` calls were a tenth of an OCR'd page's Python time)
    edges = np.flatnonzero(padded[:, 1:] != padded[:, :-1])
    rows, starts = np.divmod(edges[0::2], w + 1)
    return rows, starts, edges[1::2] - rows * (w + 1)


def index_runs(index: np.ndarray, gap: int) -> tuple[np.ndarray, np.ndarray]:
    """Sorted indices (inked rows or columns) joined into runs where neighbours are at most ``gap`` apart:
    (starts, ends), ``end`` exclusive. ``index`` must not be empty."""
    breaks = np.flatnonzero(np.diff(index) > gap)
    return np.r_[index[0], index[breaks + 1]], np.r_[index[breaks], index[-1]] + 1


def _fill(shape: tuple[int, int], rows, starts, ends, values=None) -> np.ndarray:
    """Paint runs into an array: True (or ``values``) on [start, end) of each row. Every pixel of every run is
    addressed once (flat positions), so the cost follows the runs' pixels, not the image's: rulings and text are a
    few per cent of a page (a cumulative sum over the whole page was a tenth of an OCR'd page's Python time)."""
    h, w = shape
    lengths = ends - starts
    total = int(lengths.sum())
    run_starts = np.cumsum(lengths) - lengths  # where each run's pixels begin in the flat list of all of them
    flat = np.repeat(rows * w + starts - run_starts, lengths) + np.arange(total)
    out = np.zeros(h * w, bool if values is None else np.int64)
    out[flat] = True if values is None else np.repeat(values, lengths)
    return out.reshape(h, w)


def run_length_map(mask: np.ndarray) -> np.ndarray:
    """Every True pixel gets the length of the horizontal run it belongs to (0 elsewhere)."""
    rows, starts, ends = runs(mask)
    return _fill(mask.shape, rows, starts, ends, (ends - starts).astype(np.int32))


def long_runs(mask: np.ndarray, min_len: int, axis: int = 1) -> np.ndarray:
    """Pixels of ``mask`` that lie in a run of at least ``min_len`` along ``axis`` (1 = rows, 0 = columns)."""
    m = mask if axis == 1 else np.ascontiguousarray(mask.T)
    rows, starts, ends = runs(m)
    keep = (ends - starts) >= min_len
    out = _fill(m.shape, rows[keep], starts[keep], ends[keep])
    return out if axis == 1 else np.ascontiguousarray(out.T)


def close_gaps(mask: np.ndarray, gap: int, axis: int = 1) -> np.ndarray:
    """Fill pixels that have a True pixel within ``gap`` on both sides along ``axis`` (bridges scan breaks)."""
    m = mask if axis == 1 else mask.T
    left = np.zeros_like(m)
    right = np.zeros_like(m)
    for k in range(1, gap + 1):
        left[:, k:] |= m[:, :-k]
        right[:, :-k] |= m[:, k:]
    out = m | (left & right)
    return out if axis == 1 else np.ascontiguousarray(out.T)


def or_pool(mask: np.ndarray, k: int) -> np.ndarray:
    """Downsample by ``k`` keeping a pixel True when any pixel of its k×k block is (thin lines survive)."""
    if k == 1:
        return mask
    h, w = (mask.shape[0] // k) * k, (mask.shape[1] // k) * k
    # k elementwise ORs along each axis: twenty times faster than ``reshape(…).any(axis=(1, 3))``, whose
    # strided reduction was a sixth of the Python time of an OCR'd table page
    blocks = mask[:h, :w].reshape(h // k, k, w)
    rows = blocks[:, 0, :].copy()
    for i in range(1, k):
        rows |= blocks[:, i, :]
    cols = rows.reshape(h // k, w // k, k)
    out = cols[:, :, 0].copy()
    for i in range(1, k):
        out |= cols[:, :, i]
    return out
