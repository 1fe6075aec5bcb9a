"""Embedded images as PNG figures: extraction records each image's box; its picture is rendered on demand.

Reading a page only notes where its figures are (``page_figures``: page, box, file name): most callers never
look at the pictures, and rendering and PNG-encoding them was a fifth of the work of reading a PDF. Whoever
writes them out asks for the bytes: in the reading pass itself when asked beforehand (``page_pictures`` on the
page in hand, ``extractors.registry.extract_bounded(..., pictures=True)``), or afterwards (``render_figures``,
in a bounded worker: ``extractors.figures``). A figure is the page rendered by PDFium at FIGURE_DPI, cropped to
the image's box. Cropping the rendering rather than
decoding the image stream gives what the reader saw (masks, clipping, colour spaces, JBIG2/JPX that Pillow
cannot open) in one code path.
"""

from __future__ import annotations

from io import BytesIO

from extractors.model import Box, Figure

FIGURE_DPI = 150  # enough to read a chart or a photographed document, small enough to store
MIN_FIGURE_PT = 24  # a third of an inch: smaller images are bullets, icons, rules and logos
MAX_FIGURES_PER_PAGE = 12  # tiled or sliced images (some exporters cut one picture into strips)
PNG_COMPRESS_LEVEL = 3


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


def page_figures(page_number: int, boxes: list[Box]) -> list[Figure]:
    """The figures of a page (its first MAX_FIGURES_PER_PAGE image boxes), without their pictures yet."""
    return [Figure(page=page_number, bbox=box, name=f"p{page_number:03d}-fig{k:02d}.png")
            for k, box in enumerate(boxes[:MAX_FIGURES_PER_PAGE], start=1)]


def render_figures(data: bytes, boxes: list[tuple[int, Box]]) -> list[bytes | None]:
    """PNG bytes of each (page number, box) of the PDF ``data``, in order (None where its page cannot be rendered).

    The PDF is opened once by PDFium (to render) and by pdfplumber (its pages' boxes only: no content is parsed),
    each page with figures rendered once."""
    import pdfplumber
    import pypdfium2

    with pdfplumber.open(BytesIO(data)) as pdf:
        pdfium_doc = pypdfium2.PdfDocument(data)
        try:
            pdfium_doc.init_forms()  # filled form fields drawn, as pdfplumber's to_image does (before any page loads)
            by_page: dict[int, list[int]] = {}  # page number → indexes into ``boxes``
            for i, (number, _) in enumerate(boxes):
                by_page.setdefault(number, []).append(i)
            out: list[bytes | None] = [None] * len(boxes)
            for number, indexes in by_page.items():
                pdfium_page = None
                try:
                    pdfium_page = pdfium_doc[number - 1]
                    pictures = page_pictures(pdf.pages[number - 1], pdfium_page, [boxes[i][1] for i in indexes])
                except Exception:  # noqa: BLE001 - a page that does not load costs its own figures only
                    continue
                finally:
                    if pdfium_page is not None:
                        pdfium_page.close()
                for i, picture in zip(indexes, pictures):
                    out[i] = picture
            return out
        finally:
            pdfium_doc.close()


def page_pictures(page, pdfium_page, boxes: list[Box]) -> list[bytes | None]:
    """PNG bytes of ``boxes`` cut from one rendering of ``page`` (pdfplumber) through ``pdfium_page`` (the same page
    loaded by PDFium); None for each when the page does not render."""
    try:
        rendered = page_image(page, FIGURE_DPI, pdfium_page)
    except Exception:  # noqa: BLE001 - a page that does not render costs its own figures only
        return [None] * len(boxes)
    return [_png(_crop(rendered, page.bbox[:2], box)) for box in boxes]


def _crop(rendered, origin: tuple[float, float], box: Box):
    """``box`` (pdfplumber coordinates) cut from a rendering of its page."""
    scale = FIGURE_DPI / 72
    x0, top, x1, bottom = box
    return rendered.crop((int((x0 - origin[0]) * scale), int((top - origin[1]) * scale),
                          int(round((x1 - origin[0]) * scale)), int(round((bottom - origin[1]) * scale))))


def _png(picture) -> bytes:
    out = BytesIO()
    picture.convert("RGB").save(out, format="PNG", compress_level=PNG_COMPRESS_LEVEL)
    return out.getvalue()
