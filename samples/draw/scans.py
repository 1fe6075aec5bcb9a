"""Scans and phone photos of drawn documents, with the same truth as the documents they show.

- ``scanned_pdf``: every page of a drawn PDF rasterised at 150 dpi in grey, with speckle noise, a
  slight blur and skew, now and then a page turned by 90°, 180° or 270°, saved as an image-only PDF.
- ``photo_jpeg``: the first page of a drawn application as a phone would photograph it: a red seal
  (직인) stamped over the 대표자 line, the sheet on a dark desk seen at an angle, lit unevenly, saved as
  JPEG whose pixels are stored turned with an EXIF Orientation that turns them back.

``choose`` decides which bundles get them from a stream of its own (the plan's other choices do not
move) and marks the entries; ``documents.render`` calls ``render_entry`` for a marked entry. They are
drawn only when asked for, since OCR makes a bundle slow to process: ``SAMPLES_SCANS=some`` scans the
proposal of about one city bundle in five and photographs about one application in five,
``SAMPLES_SCANS=all`` every one (``SAMPLES_SCANS=all bench/accuracy.py --sets fresh``).
"""

from __future__ import annotations

import io
import math
import os
import random

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

SCAN_SHARE = 0.2  # city bundles whose proposal is scanned
PHOTO_SHARE = 0.2  # city bundles whose application is a phone photo
SCAN_DPI = 150
TURN_SHARE = 0.08  # pages of a scan turned by a quarter or half turn
MAX_SKEW = 1.2  # degrees
FONT = "/usr/share/fonts/truetype/nanum/NanumGothic.ttf"
EXIF_ORIENTATION = 0x0112
# Orientation tag → how the stored pixels are turned (PIL rotate degrees) so that the tag turns them back.
STORED_TURN = {1: 0, 3: 180, 6: 90, 8: 270}


def choose(plan) -> None:
    """Mark the city proposal for scanning and the city application for a photo, in some bundles."""
    if plan.kind != "city":
        return
    mode = os.environ.get("SAMPLES_SCANS", "")
    if mode not in ("some", "all"):
        return
    rng = random.Random(plan.seed * 104729 + 17)
    scan = mode == "all" or rng.random() < SCAN_SHARE
    photo = mode == "all" or rng.random() < PHOTO_SHARE
    plan.variants["proposal_scanned"], plan.variants["application_photo"] = scan, photo
    for entry in plan.documents:
        if scan and entry["slot"] == "quantitative_proposal":
            entry["scan"] = "pdf"
            entry["name"] = _with_ext(entry["name"], "pdf")
            entry["format"] = "pdf"
        if photo and entry["slot"] == "application":
            entry["scan"] = "photo"
            entry["name"] = _with_ext(entry["name"], "jpg")
            entry["format"] = "jpg"


def render_entry(entry: dict, pdf: bytes, seed: int, seal_name: str) -> bytes:
    """The marked entry's bytes from the drawn document's PDF."""
    rng = random.Random(seed * 7 + (1 if entry["scan"] == "pdf" else 2))
    return scanned_pdf(pdf, rng) if entry["scan"] == "pdf" else photo_jpeg(pdf, rng, seal_name)


def _with_ext(name: str, ext: str) -> str:
    return name.rsplit(".", 1)[0] + "." + ext


def _pages(pdf: bytes, dpi: int, limit: int | None = None) -> list[Image.Image]:
    doc = pdfium.PdfDocument(pdf)
    try:
        return [doc[i].render(scale=dpi / 72, grayscale=False).to_pil().convert("RGB")
                for i in range(min(len(doc), limit or len(doc)))]
    finally:
        doc.close()


def _noisy(page: Image.Image, rng: random.Random) -> Image.Image:
    """Grey paper, speckles, a little blur, a slight skew."""
    gray = page.convert("L").filter(ImageFilter.GaussianBlur(0.6))
    a = np.asarray(gray).astype(np.int16)
    noise = np.random.default_rng(rng.randrange(2 ** 32))
    a = a - 12 + noise.normal(0, 5, a.shape).astype(np.int16)
    specks = noise.random(a.shape) < 0.0015
    a[specks] = noise.integers(60, 200, int(specks.sum()))
    out = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
    return out.rotate(rng.uniform(-MAX_SKEW, MAX_SKEW), resample=Image.Resampling.BICUBIC, fillcolor=240)


def scanned_pdf(pdf: bytes, rng: random.Random) -> bytes:
    pages = []
    for page in _pages(pdf, SCAN_DPI):
        scan = _noisy(page, rng)
        if rng.random() < TURN_SHARE:
            scan = scan.rotate(rng.choice([90, 180, 270]), expand=True)
        pages.append(scan)
    out = io.BytesIO()
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=SCAN_DPI)
    return out.getvalue()


def _seal(diameter: int, name: str) -> Image.Image:
    """A round red seal with the organisation's name, transparent outside its ink."""
    seal = Image.new("RGBA", (diameter, diameter), (0, 0, 0, 0))
    draw = ImageDraw.Draw(seal)
    red = (200, 30, 40, 230)
    draw.ellipse((3, 3, diameter - 4, diameter - 4), outline=red, width=max(3, diameter // 24))
    font = ImageFont.truetype(FONT, diameter // 4)
    text = (name[:2] + "\n" + name[2:4] + "인") if len(name) > 2 else name + "\n인"
    draw.multiline_text((diameter / 2, diameter / 2), text, font=font, fill=red, anchor="mm", align="center")
    return seal


def _find_text(pdf: bytes, needle: str, dpi: int) -> tuple[float, float] | None:
    """Centre, in pixels at ``dpi``, of the first occurrence of ``needle`` on page 1."""
    doc = pdfium.PdfDocument(pdf)
    try:
        page = doc[0]
        text = page.get_textpage()
        found = text.search(needle)
        hit = found.get_next()
        if not hit:
            return None
        start, count = hit
        boxes = [text.get_charbox(i) for i in range(start, start + count)]
        height = page.get_height()
        x = (min(b[0] for b in boxes) + max(b[2] for b in boxes)) / 2
        y = height - (min(b[1] for b in boxes) + max(b[3] for b in boxes)) / 2
        return x * dpi / 72, y * dpi / 72
    finally:
        doc.close()


def photo_jpeg(pdf: bytes, rng: random.Random, seal_name: str, orientation: int | None = None) -> bytes:
    """The first page photographed; ``orientation`` (an EXIF Orientation: 1, 3, 6, 8) is drawn when not given."""
    dpi = rng.choice([150, 170])
    page = _pages(pdf, dpi, limit=1)[0]
    at = _find_text(pdf, "(서명 또는 인)", dpi) or _find_text(pdf, "대표자", dpi)
    if at:
        d = int(dpi * 0.9)
        seal = _seal(d, seal_name)
        x, y = int(at[0] - d / 2 + rng.uniform(-10, 10)), int(at[1] - d / 2 + rng.uniform(-6, 6))
        ink = Image.new("RGB", page.size, (255, 255, 255))
        ink.paste(seal, (x, y), seal)
        page = ImageChops.multiply(page, ink)  # stamp ink darkens the paper; black text under it stays black
    w, h = page.size
    margin = int(0.09 * max(w, h))
    canvas_w, canvas_h = w + 2 * margin, h + 2 * margin
    # the sheet's corners on the desk: a tilted, foreshortened quadrilateral
    j = lambda: rng.uniform(-0.45, 0.45) * margin  # noqa: E731 - a jitter, used eight times
    quad = [(margin + j(), margin + j()), (margin + w + j(), margin + j()),
            (margin + w + j(), margin + h + j()), (margin + j(), margin + h + j())]
    coeffs = _perspective(quad, (w, h))
    desk = Image.new("RGB", (canvas_w, canvas_h), (70, 72, 78))
    sheet = page.transform((canvas_w, canvas_h), Image.Transform.PERSPECTIVE, coeffs, resample=Image.Resampling.BICUBIC)
    mask = Image.new("L", (w, h), 255).transform((canvas_w, canvas_h), Image.Transform.PERSPECTIVE, coeffs)
    desk.paste(sheet, (0, 0), mask)
    a = np.asarray(desk).astype(np.float32)
    yy, xx = np.mgrid[0:canvas_h, 0:canvas_w]
    cx, cy = rng.uniform(0.2, 0.8) * canvas_w, rng.uniform(0.2, 0.8) * canvas_h
    light = 1.0 - 0.28 * np.hypot(xx - cx, yy - cy) / math.hypot(canvas_w, canvas_h)
    a = a * light[..., None] * np.array([1.0, 0.98, 0.93])  # warm indoor light
    a += np.random.default_rng(rng.randrange(2 ** 32)).normal(0, 3, a.shape)
    photo = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(0.5))
    orientation = orientation or rng.choice([1, 1, 6, 8, 3])
    stored = photo.rotate(STORED_TURN[orientation], expand=True) if orientation != 1 else photo
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = orientation
    exif[0x010F], exif[0x0110] = "samsung", "SM-S918N"
    out = io.BytesIO()
    stored.save(out, "JPEG", quality=88, exif=exif)
    return out.getvalue()


def _perspective(quad: list[tuple[float, float]], size: tuple[int, int]) -> tuple[float, ...]:
    """PIL's perspective coefficients mapping the output quadrilateral ``quad`` back onto the page."""
    w, h = size
    src = [(0, 0), (w, 0), (w, h), (0, h)]
    rows, rhs = [], []
    for (x, y), (u, v) in zip(quad, src):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rhs.append(u)
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs.append(v)
    return tuple(np.linalg.solve(np.array(rows, float), np.array(rhs, float)).tolist())
