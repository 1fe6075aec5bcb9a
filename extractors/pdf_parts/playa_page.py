"""A page's objects parsed by PLAYA instead of pdfminer.six, handed to pdfplumber as its own.

pdfplumber reads every page through pdfminer.six's content-stream interpreter, pure Python, which was four fifths
of the time of reading a text-layer PDF. PLAYA (``playa-pdf``, compiled with mypyc) parses the same streams about
three times as fast, and its ``playa.miner`` gives the objects pdfminer.six gives (the same LTChar boxes, the same
paths turned into lines, rectangles and curves). ``plumber_objects`` turns them into pdfplumber's object dicts the
way ``pdfplumber.Page.process_object`` does; ``attach`` puts them in the page's object cache, so text, words and
tables come from pdfplumber's own code as before. Whatever PLAYA cannot parse is left to pdfminer.six.
"""

from __future__ import annotations

import logging
import re

from unicodedata import normalize as normalize_unicode

import playa
from playa.miner import LTChar, process_object
from playa.pdftypes import num_value

log = logging.getLogger(__name__)

_ATTRS = ("x0", "y0", "x1", "y1", "width", "height", "pts", "linewidth", "stroke", "fill", "evenodd", "stroking_color",
          "non_stroking_color", "matrix", "fontname", "adv", "upright", "size", "name", "stream", "srcsize",
          "imagemask", "bits", "colorspace")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]+")  # C0 and C1 controls but tab and line ends
_KINDS = {"LTChar": "char", "LTRect": "rect", "LTLine": "line", "LTCurve": "curve", "LTImage": "image"}


def open_document(data: bytes):
    """PLAYA's document in pdfminer.six's coordinates, or None when PLAYA cannot open it (pdfminer.six then reads
    every page, and pdfplumber says why when it cannot either)."""
    # PLAYA logs every damaged object it meets, with a traceback; what it could not read is read again by
    # pdfminer.six, whose warnings and the pipeline's notes say what the operator needs
    logging.getLogger("playa").setLevel(logging.CRITICAL)
    try:
        return playa.parse(data, space="page")
    except Exception as exc:  # noqa: BLE001 - any failure only means the slower parser reads the file
        log.info("PLAYA cannot open the PDF (%s: %s); pdfminer.six reads it", type(exc).__name__, exc)
        return None


class _Unlike(Exception):
    """A page PLAYA reads differently from pdfminer.six (vertical writing): pdfminer.six reads it."""


def attach(page, playa_doc, index: int) -> bool:
    """Give pdfplumber's ``page`` the objects PLAYA parses from page ``index``; False (pdfminer.six will parse the
    page when asked) when PLAYA fails on it, reads it differently, or its page does not have the same size."""
    if playa_doc is None:
        return False
    try:
        playa_page = playa_doc.pages[index]
        x0, y0, x1, y1 = playa_page.mediabox
        if abs(abs(x1 - x0) - float(page.width)) > 0.01 or abs(abs(y1 - y0) - float(page.height)) > 0.01:
            if playa_page.rotate % 180 == 0 or abs(abs(x1 - x0) - float(page.height)) > 0.01:
                log.info("page %d: PLAYA's page is not pdfplumber's size; pdfminer.six reads it", index + 1)
                return False
        objects = plumber_objects(playa_page, page)
        if any(char["text"].startswith("(cid:") for char in objects.get("char", ())):
            # glyphs without Unicode: a font PLAYA could not use (damaged, or without a map) — pdfminer.six's
            # fallbacks differ, and its reading is the one the garbage score and OCR decision were built on
            raise _Unlike("glyphs without Unicode")
        page._objects = objects  # pdfplumber's own cache of parsed objects
        return True
    except _Unlike as exc:
        log.info("page %d: %s; pdfminer.six reads it", index + 1, exc)
        return False
    except Exception as exc:  # noqa: BLE001
        log.info("page %d: PLAYA failed (%s: %s); pdfminer.six reads it", index + 1, type(exc).__name__, exc)
        return False


def plumber_objects(playa_page, page) -> dict[str, list[dict]]:
    """pdfplumber's object dicts (by kind) for a PLAYA page, as ``pdfplumber.Page.parse_objects`` makes them from
    pdfminer.six's objects (without layout analysis). Each object is converted as soon as it is parsed: PLAYA's
    graphics state is shared and moves on with the content stream."""
    objects: dict[str, list[dict]] = {}
    for obj in playa_page:
        for item, shift in _items(obj):
            kind = _KINDS.get(type(item).__name__)
            if kind is not None:
                objects.setdefault(kind, []).append(_plumber_dict(item, kind, page, shift))
    return objects


def _items(obj):
    """pdfminer.six's objects (playa.miner's LT classes) for one PLAYA content object, figures flattened as
    pdfplumber flattens them; each with the shift that puts a character's box where pdfminer.six puts it."""
    kind = type(obj).__name__
    if kind == "TextObject":
        for glyph in obj:
            char = LTChar(glyph)
            text = char.get_text()
            if not text or (_CONTROL.fullmatch(text) and not _maps_to_unicode(glyph.font)):
                # A glyph without Unicode: PLAYA gives nothing (or, without a ToUnicode map, the code itself), where
                # pdfminer.six writes (cid:n), which the garbage score knows to send to OCR. (With a map, a control
                # character is what the map says: Hancom maps spaces to NUL.)
                char._text = f"(cid:{glyph.cid})"
            yield char, _descent_shift(glyph)
    elif kind == "XObjectObject":
        for child in obj:
            yield from _items(child)
    else:
        for item in process_object(obj):
            yield from _flattened(item)


def _maps_to_unicode(font) -> bool:
    return getattr(font, "tounicode", None) is not None or getattr(font, "unicode_map", None) is not None


def _flattened(item):
    if type(item).__name__ == "LTFigure":
        for child in item:
            yield from _flattened(child)
    else:
        yield item, None


def _plumber_dict(obj, kind: str, page, shift: tuple[float, float] | None) -> dict:
    attr = {name: getattr(obj, name) for name in _ATTRS if hasattr(obj, name)}
    mcstack = getattr(obj, "mcstack", None)
    attr["mcid"], attr["tag"] = (mcstack[-1].mcid, mcstack[-1].tag) if mcstack else (None, None)
    attr["object_type"] = kind
    attr["page_number"] = page.page_number
    if kind == "char":
        ncs = getattr(obj, "ncs", None)
        if ncs is not None:
            attr["ncs"] = ncs.name
        if shift:
            for key, delta in (("x0", shift[0]), ("x1", shift[0]), ("y0", shift[1]), ("y1", shift[1])):
                attr[key] += delta
        text = obj.get_text()
        attr["text"] = normalize_unicode(page.pdf.unicode_norm, text) if page.pdf.unicode_norm is not None else text
        attr["stroking_color"] = tuple(getattr(obj.stroking_color, "values", (obj.stroking_color,)))
        attr["non_stroking_color"] = tuple(getattr(obj.non_stroking_color, "values", (obj.non_stroking_color,)))
    else:
        for name in ("stroking_color", "non_stroking_color"):
            if name in attr:
                values = tuple(getattr(attr[name], "values", (attr[name],)))
                attr[name] = values[0] if len(values) == 1 else values
    if kind in ("curve", "rect", "line"):
        attr["pts"] = [page.point2coord(pt) for pt in attr["pts"]]
        attr["path"] = [(cmd, *map(page.point2coord, pts)) for cmd, *pts in obj.original_path]
        attr["dash"] = getattr(obj, "dashing_style", None)
    mb_x0, mb_top = page.mediabox[:2]
    if "y0" in attr:
        attr["top"] = (page.height - attr["y1"]) + mb_top
        attr["bottom"] = (page.height - attr["y0"]) + mb_top
        attr["doctop"] = page.initial_doctop + attr["top"]
    if "x0" in attr and mb_x0 != 0:
        attr["x0"] += mb_x0
        attr["x1"] += mb_x0
    return attr


def _descent_shift(glyph) -> tuple[float, float] | None:
    """How far to move a character's box to where pdfminer.six puts it. Both hang the box (one font size tall) from
    the baseline by the font's descent, but pdfminer.six takes the descriptor's /Descent (0 when absent), where PLAYA
    falls back to -120 or the font's bounding box: 0.2–0.5 em lower for the DejaVu and Nanum fonts of HWP exports,
    enough to move a cell's last line into the next row. Type 3 fonts are measured alike by both."""
    font = glyph.font
    if font.vertical:  # PLAYA boxes vertical writing its own way
        raise _Unlike("vertical writing")
    if type(font).__name__ == "Type3Font":
        return None
    descent = -abs(num_value(font.descriptor.get("Descent", 0))) * 0.001
    shift = descent - font.descent * font.matrix[3]
    if not shift:
        return None
    a, b, c, d = glyph.matrix[:4]  # text space to device, font size and horizontal scaling included
    return c * shift, d * shift
