"""Embedded images as PNG figures: the rendered page cropped to each image's box.

Cropping the rendering rather than decoding the image stream gives what the reader saw
(masks, clipping, colour spaces, JBIG2/JPX that Pillow cannot open) in one code path.
"""

from __future__ import annotations

from io import BytesIO

from extractors.model import Box, Figure

FIGURE_DPI = 150  # enough to read a chart or a photographed document, small enough to store
MIN_FIGURE_PT = 24  # a third of an inch: smaller images are bullets, icons, rules and logos
MAX_FIGURES_PER_PAGE = 12  # tiled or sliced images (some exporters cut one picture into strips)


def image_boxes(page) -> list[Box]:
    """Boxes (PDF points, clipped to the page) of the page's images worth keeping, top to bottom."""
    px0, ptop, px1, pbottom = page.bbox
    boxes: list[Box] = []
    for image in page.images:
        box = (max(image["x0"], px0), max(image["top"], ptop), min(image["x1"], px1), min(image["bottom"], pbottom))
        if box[2] - box[0] < MIN_FIGURE_PT or box[3] - box[1] < MIN_FIGURE_PT:
            continue
        rounded = tuple(round(v, 1) for v in box)
        if rounded not in boxes:
            boxes.append(rounded)
    return sorted(boxes, key=lambda b: (b[1], b[0]))


def page_image(page, resolution: float, pdfium_page=None):
    """The page rendered (antialiased, RGB) as pdfplumber's ``to_image`` renders it; through ``pdfium_page`` (the
    same page of a PDFium document already open, with forms initialised) instead of opening the file again."""
    if pdfium_page is None:
        return page.to_image(resolution=resolution, antialias=True).original
    from pdfplumber.display import PageImage

    rendered = pdfium_page.render(scale=resolution / 72, prefer_bgrx=True).to_pil().convert("RGB")
    return PageImage(page, original=rendered, resolution=resolution, antialias=True).original


def page_figures(page, page_number: int, boxes: list[Box] | None = None, *, pdfium_page=None) -> list[Figure]:
    """The page's images (or the given boxes) cropped from a rendering of the page."""
    boxes = image_boxes(page) if boxes is None else boxes
    boxes = boxes[:MAX_FIGURES_PER_PAGE]
    if not boxes:
        return []
    rendered = page_image(page, FIGURE_DPI, pdfium_page)
    scale = FIGURE_DPI / 72
    x_origin, y_origin = page.bbox[0], page.bbox[1]
    figures = []
    for k, (x0, top, x1, bottom) in enumerate(boxes, start=1):
        crop = rendered.crop((int((x0 - x_origin) * scale), int((top - y_origin) * scale),
                              int(round((x1 - x_origin) * scale)), int(round((bottom - y_origin) * scale))))
        out = BytesIO()
        crop.convert("RGB").save(out, format="PNG", compress_level=3)
        figures.append(Figure(page=page_number, bbox=(x0, top, x1, bottom), name=f"p{page_number:03d}-fig{k:02d}.png",
                              data=out.getvalue()))
    return figures
