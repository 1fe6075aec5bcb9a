"""Image preparation for OCR: grayscale, text-size normalisation, deskew, and the way back to source pixels."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps

from extractors.ocr_parts.runs import run_length_map, runs

# Tall strokes of 10-point text at 300 dpi measure about 36 px (90th percentile, see stroke_height).
TARGET_STROKE = 36.0
MIN_STROKE = 8.0  # below this the "strokes" are noise (text that small is unreadable anyway)
MAX_PIXELS = 40_000_000  # cap on the prepared image (A3 at 300 dpi is 17.4 MP)
# Enlarging small text stops at this size: a screenshot's 11-pixel text enlarged to 300-dpi size is 27 MP,
# and Tesseract's time grows with the pixels it is given (and explodes on noise).
MAX_ENLARGED_PIXELS = 18_000_000
MAX_SKEW = 5.0


def to_gray(image: Image.Image) -> Image.Image:
    """8-bit grayscale on white, whatever the mode (alpha, palette, 16-bit, CMYK, bilevel)."""
    image = ImageOps.exif_transpose(image) or image
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        a = np.asarray(image, dtype=np.float64)
        lo, hi = float(a.min()), float(a.max())
        a = (a - lo) * (255.0 / (hi - lo)) if hi > lo else np.full(a.shape, 255.0)
        return Image.fromarray(a.astype(np.uint8), "L")
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("L")
    return image.convert("L")


# Devillard's (after Paeth) 19 compare-exchanges that leave the median of 9 values in the middle one
_MEDIAN9 = ((1, 2), (4, 5), (7, 8), (0, 1), (3, 4), (6, 7), (1, 2), (4, 5), (7, 8), (0, 3), (5, 8), (4, 7),
            (3, 6), (1, 4), (2, 5), (4, 7), (4, 2), (6, 4), (4, 2))


def median3(gray: np.ndarray) -> np.ndarray:
    """3×3 median of an 8-bit image, edges replicated: PIL's ``MedianFilter(3)`` pixel for pixel, as elementwise
    minima and maxima of the nine shifted views (PIL sorts each neighbourhood: 28 times slower on cell crops)."""
    padded = np.pad(gray, 1, mode="edge")
    h, w = gray.shape
    v = [padded[dy:dy + h, dx:dx + w] for dy in range(3) for dx in range(3)]
    for i, j in _MEDIAN9:
        v[i], v[j] = np.minimum(v[i], v[j]), np.maximum(v[i], v[j])
    return v[4]


def otsu(gray: np.ndarray) -> int:
    # PIL's histogram: bincount first widens every pixel to 64 bits (a seventh of the time)
    hist = np.asarray(Image.fromarray(np.ascontiguousarray(gray, dtype=np.uint8)).histogram(), np.float64)
    p = hist / max(hist.sum(), 1.0)
    w = np.cumsum(p)
    mu = np.cumsum(p * np.arange(256))
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (mu[-1] * w - mu) ** 2 / (w * (1.0 - w))
    between = np.nan_to_num(between)
    return int(np.argmax(between)) if between.any() else 128


def stroke_height(gray: np.ndarray) -> float | None:
    """90th percentile of the heights of tall, thin ink strokes (vertical runs narrower than half
    their height): about 36 px for 10-point text at 300 dpi. Fills and bars are not thin, so they
    do not count. None when there is too little text to tell."""
    step = max(1, int(math.ceil(max(gray.shape) / 3000)))
    small = gray[::step, ::step]
    ink = small < otsu(small)
    widths = run_length_map(ink)
    cols, top, bottom = runs(ink.T)
    heights = bottom - top
    mid = (top + bottom) // 2
    thin = (widths[mid, cols] * 2 <= heights) & (heights >= 3)
    if thin.sum() < 150:
        return None
    stroke = float(np.percentile(heights[thin], 90)) * step
    return stroke if stroke >= MIN_STROKE else None  # specks or noise, not text worth enlarging


def estimate_skew(gray: Image.Image) -> float:
    """Angle (degrees, PIL ``rotate`` convention) that levels the text lines, by projection-profile
    search over ±5°: the angle whose row histogram of ink is sharpest. Run it on the unresampled
    image: resampling leaves a row-periodic ripple that favours exactly 0°."""
    step = max(1, int(round(max(gray.size) / 1400)))
    small = np.asarray(gray.reduce(step) if step > 1 else gray)  # box filter, no aliasing
    ys, xs = np.nonzero(small < otsu(small))
    if len(ys) < 500:
        return 0.0
    rng = np.random.default_rng(0)
    if len(ys) > 200_000:
        pick = rng.choice(len(ys), 200_000, replace=False)
        ys, xs = ys[pick], xs[pick]
    # Jitter within the pixel: otherwise 0° alone keeps every row in one bin and wins spuriously.
    ys = ys - small.shape[0] / 2.0 + rng.uniform(-0.5, 0.5, len(ys))
    xs = xs - small.shape[1] / 2.0 + rng.uniform(-0.5, 0.5, len(xs))

    def score(angle: float) -> float:
        a = math.radians(angle)
        proj = np.round(ys * math.cos(a) - xs * math.sin(a)).astype(np.int64)
        counts = np.bincount(proj - proj.min())
        return float(np.dot(counts, counts))

    coarse = np.arange(-MAX_SKEW, MAX_SKEW + 1e-9, 0.25)
    best = max(coarse, key=score)
    fine = np.arange(best - 0.25, best + 0.25 + 1e-9, 0.025)
    best = float(max(fine, key=score))
    if abs(best) < 0.05 or score(best) < score(0.0) * 1.02:
        return 0.0
    return round(best, 3)


@dataclass
class Prepared:
    """The image Tesseract sees, and how its pixels map back to the source image's pixels."""

    image: Image.Image  # grayscale, resized and deskewed
    factor: float  # prepared pixels per source pixel
    angle: float  # degrees the resized image was rotated by (PIL convention, counter-clockwise)
    resized_size: tuple[int, int]

    def to_source(self, box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        """A box in prepared pixels → the enclosing box in source pixels (inverse rotation, then scale)."""
        x0, y0, x1, y1 = box
        corners = [(x0, y0), (x1, y0), (x0, y1), (x1, y1)]
        if self.angle:
            a = math.radians(self.angle)
            cos, sin = math.cos(a), math.sin(a)
            cx, cy = self.image.width / 2.0, self.image.height / 2.0
            ox, oy = self.resized_size[0] / 2.0, self.resized_size[1] / 2.0
            corners = [((x - cx) * cos - (y - cy) * sin + ox, (x - cx) * sin + (y - cy) * cos + oy)
                       for x, y in corners]
        xs = [x / self.factor for x, _ in corners]
        ys = [y / self.factor for _, y in corners]
        return (round(float(min(xs)), 2), round(float(min(ys)), 2), round(float(max(xs)), 2), round(float(max(ys)), 2))


def prepare(image: Image.Image, dpi: float | None = None) -> Prepared:
    """Grayscale, scale so text is about 300-dpi size (upscale small text, shrink huge scans), deskew.

    ``dpi`` is used when the text is too sparse to measure (PDF renders know their resolution)."""
    gray = to_gray(image)
    w, h = gray.size
    angle = estimate_skew(gray)
    stroke = stroke_height(np.asarray(gray))
    if stroke:
        factor = TARGET_STROKE / stroke
    else:
        factor = 300.0 / dpi if dpi else 1.0
    if 0.75 <= factor <= 1.25:
        factor = 1.0  # close enough: do not resample
    factor = min(max(factor, 0.4), 4.0)
    factor = min(factor, math.sqrt(MAX_PIXELS / max(w * h, 1)))
    if factor > 1:
        factor = max(1.0, min(factor, math.sqrt(MAX_ENLARGED_PIXELS / max(w * h, 1))))
    if factor != 1.0:
        gray = gray.resize((max(1, round(w * factor)), max(1, round(h * factor))), Image.Resampling.LANCZOS)
        factor = gray.width / w
    resized_size = gray.size
    if angle:
        gray = gray.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    return Prepared(image=gray, factor=factor, angle=angle, resized_size=resized_size)
