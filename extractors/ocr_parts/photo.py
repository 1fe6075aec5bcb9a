"""Phone photos of a form: find the sheet, undo the perspective, even out the light, drop the red seal.

A photo shows the sheet (bright) on a darker background, seen at an angle, lit unevenly, with the
applicant's red seal (직인) stamped over the 대표자 line. Scans fill their frame: ``flatten_photo``
leaves them as they are (it returns None), so only a photo pays for this.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFilter

from extractors.ocr_parts.prep import otsu

LOOK = 400  # the sheet is sought on a copy this many pixels on its longer side
MIN_SHEET = 0.25  # the sheet covers at least this share of the photo…
MAX_SHEET = 0.93  # …and less than this (a scan or a cropped photo fills its frame)
MIN_CONTRAST = 30  # sheet minus background, in grey levels: less and there is no sheet to find
RED_MARGIN = 30  # a pixel whose red exceeds green and blue by this much is seal ink, not text
LIGHT_CELL = 24  # the lighting is estimated on a grid of cells of about this many pixels


@dataclass
class Flattened:
    image: Image.Image  # the sheet, upright and rectangular, greyscale, evenly lit, seal removed
    corners: list[tuple[float, float]]  # the sheet's corners in the photo (tl, tr, br, bl)
    seal_pixels: int  # pixels taken for seal ink and whitened


def flatten_photo(image: Image.Image) -> Flattened | None:
    """The sheet of a photographed form, or None when the image is not a photo of a sheet on a background."""
    rgb = image.convert("RGB")
    corners = find_sheet(rgb)
    if corners is None:
        return None
    sheet = _warp(rgb, corners)
    gray, seal = drop_red(sheet)
    return Flattened(image=even_light(gray), corners=corners, seal_pixels=seal)


def find_sheet(rgb: Image.Image) -> list[tuple[float, float]] | None:
    """Corners (tl, tr, br, bl) of the bright sheet in photo pixels, or None."""
    scale = LOOK / max(rgb.size)
    small = rgb.convert("L").resize((max(1, round(rgb.width * scale)), max(1, round(rgb.height * scale))),
                                    Image.Resampling.BILINEAR).filter(ImageFilter.MedianFilter(5))
    g = np.asarray(small).astype(np.int32)
    t = otsu(g.astype(np.uint8))
    bright = g > t
    if bright.all() or not bright.any() or g[bright].mean() - g[~bright].mean() < MIN_CONTRAST:
        return None
    bright = _largest_band(bright)
    share = float(bright.mean())
    if not MIN_SHEET <= share <= MAX_SHEET:
        return None
    ys, xs = np.nonzero(bright)
    s, d = xs + ys, xs - ys
    pick = [np.argmin(s), np.argmax(d), np.argmax(s), np.argmin(d)]  # tl, tr, br, bl
    corners = [((float(xs[i]) + 0.5) / scale, (float(ys[i]) + 0.5) / scale) for i in pick]
    if _quad_area(corners) < MIN_SHEET * rgb.width * rgb.height:
        return None
    return corners


def _largest_band(mask: np.ndarray) -> np.ndarray:
    """The sheet without bright specks of the background: rows and columns mostly bright are kept,
    eroded once so a lone bright pixel cannot become a corner."""
    eroded = mask.copy()
    eroded[1:-1, 1:-1] = (mask[1:-1, 1:-1] & mask[:-2, 1:-1] & mask[2:, 1:-1] & mask[1:-1, :-2] & mask[1:-1, 2:])
    rows = eroded.mean(axis=1) > 0.15
    cols = eroded.mean(axis=0) > 0.15
    return eroded & rows[:, None] & cols[None, :]


def _quad_area(p: list[tuple[float, float]]) -> float:
    return 0.5 * abs(sum(p[i][0] * p[(i + 1) % 4][1] - p[(i + 1) % 4][0] * p[i][1] for i in range(4)))


def _warp(rgb: Image.Image, corners: list[tuple[float, float]]) -> Image.Image:
    """The quadrilateral mapped onto an upright rectangle of its own mean side lengths."""
    (tl, tr, br, bl) = corners
    width = round((math.dist(tl, tr) + math.dist(bl, br)) / 2)
    height = round((math.dist(tl, bl) + math.dist(tr, br)) / 2)
    target = [(0, 0), (width, 0), (width, height), (0, height)]
    rows, rhs = [], []
    for (x, y), (u, v) in zip(target, corners):  # output (x, y) → input (u, v)
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rhs.append(u)
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs.append(v)
    coeffs = np.linalg.solve(np.array(rows, float), np.array(rhs, float))
    return rgb.transform((width, height), Image.Transform.PERSPECTIVE, tuple(coeffs.tolist()),
                         resample=Image.Resampling.BICUBIC, fillcolor=(255, 255, 255))


def drop_red(rgb: Image.Image) -> tuple[Image.Image, int]:
    """Greyscale with red ink (a seal) turned to paper; black text under the seal stays, since black
    is dark in every channel. Returns the image and how many pixels were whitened."""
    a = np.asarray(rgb).astype(np.int16)
    r, g, b = a[..., 0], a[..., 1], a[..., 2]
    red = (r - g > RED_MARGIN) & (r - b > RED_MARGIN)
    gray = np.asarray(rgb.convert("L")).copy()
    gray[red] = 255
    return Image.fromarray(gray), int(red.sum())


def even_light(gray: Image.Image) -> Image.Image:
    """Divide by the paper's brightness, estimated as the brightest level around each point, so a
    shadowed corner reads like the lit middle."""
    w, h = gray.size
    small = gray.resize((max(1, w // LIGHT_CELL), max(1, h // LIGHT_CELL)), Image.Resampling.BOX)
    paper = small.filter(ImageFilter.MaxFilter(5)).filter(ImageFilter.GaussianBlur(2)).resize((w, h), Image.Resampling.BILINEAR)
    g = np.asarray(gray).astype(np.float32)
    p = np.maximum(np.asarray(paper).astype(np.float32), 1.0)
    return Image.fromarray(np.clip(g / p * 250.0, 0, 255).astype(np.uint8))
