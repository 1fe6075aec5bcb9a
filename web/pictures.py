"""Source pictures: a stored PDF page (or scanned image) rendered with the source box highlighted, and a crop."""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw

from extractors.pdfium_lock import PDFIUM_LOCK
from intake.rawstore import RawStore
from web.sources import PDF, SourceRef, SourceUnavailable

PAGE_WIDTH_PX = 900  # the whole page beside the crop
CROP_SCALE = 3.0  # pixels per PDF point in the crop (216 dpi)
CROP_MARGIN = (200.0, 30.0)  # points around the box, horizontally and vertically

def _highlight(image: Image.Image, box: tuple[float, float, float, float]) -> Image.Image:
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    x0, y0, x1, y1 = box
    draw.rectangle((x0, y0, x1, y1), fill=(255, 214, 0, 70))
    width = max(2, round(image.width / 400))
    draw.rectangle((x0 - width, y0 - width, x1 + width, y1 + width), outline=(220, 38, 38, 255), width=width)
    return Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")


def _pdf_page(data: bytes, page: int, scale_for) -> tuple[Image.Image, float, tuple[float, float]]:
    import pypdfium2 as pdfium

    with PDFIUM_LOCK:  # uvicorn's threads render pages side by side
        try:
            pdf = pdfium.PdfDocument(data)
        except Exception as exc:
            raise SourceUnavailable(f"PDF cannot be opened: {exc}") from exc
        try:
            if not 1 <= page <= len(pdf):
                raise SourceUnavailable(f"page {page} of {len(pdf)}")
            pdf_page = pdf[page - 1]
            size = pdf_page.get_size()
            scale = scale_for(size)
            image = pdf_page.render(scale=scale).to_pil().convert("RGB")
            pdf_page.close()
        except SourceUnavailable:
            raise
        except Exception as exc:
            raise SourceUnavailable(f"page {page} cannot be rendered: {exc}") from exc
        finally:
            pdf.close()
    return image, scale, size


def _image_page(data: bytes, page: int) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data))
        if page > 1:
            image.seek(page - 1)
        return image.convert("RGB")
    except Exception as exc:
        raise SourceUnavailable(f"image cannot be read: {exc}") from exc


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _crop_box(box, size, margin, scale) -> tuple[int, int, int, int]:
    x0, y0, x1, y1 = box
    width, height = size
    return (round(max(0.0, x0 - margin[0]) * scale), round(max(0.0, y0 - margin[1]) * scale),
            round(min(width, x1 + margin[0]) * scale), round(min(height, y1 + margin[1]) * scale))


@lru_cache(maxsize=256)
def _render(store_root: str, sha256: str, media_type: str, page: int, bbox, view: str) -> bytes:
    try:
        data = RawStore(Path(store_root)).get(sha256)
    except OSError as exc:
        raise SourceUnavailable(f"{sha256} is not in the raw store") from exc
    if media_type == PDF:
        if view == "crop":
            image, scale, size = _pdf_page(data, page, lambda size: CROP_SCALE)
            scaled = tuple(v * scale for v in bbox)
            image = _highlight(image, scaled).crop(_crop_box(bbox, size, CROP_MARGIN, scale))
        else:
            image, scale, _ = _pdf_page(data, page, lambda size: min(PAGE_WIDTH_PX / max(size[0], 1), 3.0))
            if bbox:
                image = _highlight(image, tuple(v * scale for v in bbox))
        return _png(image)
    image = _image_page(data, page)  # scans: boxes in pixels
    if view == "crop":
        margin = (CROP_MARGIN[0] * image.width / 600, CROP_MARGIN[1] * image.width / 600)
        return _png(_highlight(image, bbox).crop(_crop_box(bbox, image.size, margin, 1.0)))
    if bbox:
        image = _highlight(image, bbox)
    if image.width > PAGE_WIDTH_PX:
        image = image.resize((PAGE_WIDTH_PX, round(image.height * PAGE_WIDTH_PX / image.width)))
    return _png(image)


def render_png(ref: SourceRef, view: str, store_root: Path) -> bytes:
    """The page (``view="page"``) or the crop around the box (``view="crop"``) as PNG bytes."""
    if ref.kind not in ("pdf", "image") or ref.sha256 is None:
        raise SourceUnavailable("not a paged source")
    if view == "crop" and not ref.location.bbox:
        raise SourceUnavailable("no box to crop to")
    return _render(str(Path(store_root).resolve()), ref.sha256, ref.media_type, ref.location.page or 1,
                   ref.location.bbox if ref.location.bbox else None, view)


