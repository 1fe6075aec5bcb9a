"""Pages whose text runs sideways (a landscape table set on a portrait page): an upright view.

The view is a pdfplumber page whose objects are turned a quarter so the text reads left to right;
every pdfplumber operation (words, tables, crops) works on it, and ``to_page`` maps its boxes
back to the real page.
"""

from __future__ import annotations

from typing import Callable

from pdfplumber.page import DerivedPage

from extractors.model import Box

# A page is read sideways when most of its characters (and at least this many) run one way.
MIN_SIDEWAYS_CHARS = 20
SIDEWAYS_SHARE = 0.5


def direction(char: dict) -> str:
    """"up" (normal), "down" (text reads top to bottom, turned clockwise), "upward" or "other"."""
    a, b, c, d = char["matrix"][:4]
    if abs(b) < 1e-6 and abs(c) < 1e-6:
        return "up" if a > 0 else "other"
    if abs(a) < 1e-6 and abs(d) < 1e-6:
        return "down" if b < 0 else "upward"
    return "other"


def sideways(page) -> str | None:
    """"down" or "upward" when most of the page's text runs that way, else None."""
    counts: dict[str, int] = {}
    for char in page.chars:
        if not char["text"].isspace():
            key = direction(char)
            counts[key] = counts.get(key, 0) + 1
    total = sum(counts.values())
    for key in ("down", "upward"):
        if counts.get(key, 0) >= max(MIN_SIDEWAYS_CHARS, SIDEWAYS_SHARE * total):
            return key
    return None


class UprightPage(DerivedPage):
    """``parent`` turned a quarter so that text running ``way`` ("down" or "upward") reads normally."""

    def __init__(self, parent, way: str):
        super().__init__(parent)
        self.way = way
        self.frame = parent.bbox
        x0, top, x1, bottom = parent.bbox
        self.bbox = (0, 0, bottom - top, x1 - x0)

    def from_page(self, x0: float, top: float, x1: float, bottom: float) -> Box:
        px0, ptop, px1, pbottom = self.frame
        if self.way == "down":
            return (top - ptop, px1 - x1, bottom - ptop, px1 - x0)
        return (pbottom - bottom, x0 - px0, pbottom - top, x1 - px0)

    def to_page(self, box: Box) -> Box:
        px0, ptop, px1, pbottom = self.frame
        x0, top, x1, bottom = box
        if self.way == "down":
            return (px1 - bottom, x0 + ptop, px1 - top, x1 + ptop)
        return (top + px0, pbottom - x1, bottom + px0, pbottom - x0)

    def _point(self, x: float, top: float) -> tuple[float, float]:
        nx0, ntop, _, _ = self.from_page(x, top, x, top)
        return (nx0, ntop)

    def _turn(self, obj: dict) -> dict:
        out = dict(obj)
        x0, top, x1, bottom = self.from_page(obj["x0"], obj["top"], obj["x1"], obj["bottom"])
        height = self.bbox[3]
        out.update(x0=x0, x1=x1, top=top, bottom=bottom, doctop=top, y0=height - bottom, y1=height - top,
                   width=x1 - x0, height=bottom - top)
        if "pts" in obj and obj["pts"]:
            out["pts"] = [self._point(x, t) for x, t in obj["pts"]]
        if obj.get("object_type") == "char":
            size = obj.get("size") or (x1 - x0)
            out.update(upright=True, matrix=(size, 0, 0, size, x0, height - bottom))
        return out

    @property
    def objects(self) -> dict[str, list[dict]]:
        if not hasattr(self, "_objects"):
            self._objects = {kind: [self._turn(o) for o in objs] for kind, objs in self.parent_page.objects.items()}
        return self._objects


def upright_view(page) -> tuple[object, Callable[[Box], Box]]:
    """The page as it reads (turned when its text runs sideways) and the map of boxes back to the page."""
    way = sideways(page)
    if way is None:
        return page, lambda box: box
    view = UprightPage(page, way)
    return view, view.to_page
