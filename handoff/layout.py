"""The shape of a Korean document written twice (PDF and DOCX): sections of paragraphs, tables and charts,
and table columns sized to their content, so no word or code is broken across lines."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

KOREAN_FONT = "/usr/share/fonts/truetype/nanum/NanumGothic.ttf"
KOREAN_BOLD_FONT = "/usr/share/fonts/truetype/nanum/NanumGothicBold.ttf"
FONT_NAME = "Korean"
BODY_SIZE = 8.5
CELL_PADDING = 8  # points of left and right padding in a table cell, together


@dataclass
class BarChart:
    """Bars of one cohort (e.g. the preliminary totals of one size class), the applicant's bar marked."""

    title: str
    labels: list[str]
    values: list[float]
    marked: int | None = None  # index of the applicant's bar
    line: float | None = None  # a threshold drawn across (the certification line)
    line_label: str = ""


@dataclass
class Section:
    title: str
    paragraphs: list[str] = field(default_factory=list)
    table: list[list[str]] | None = None  # first row is the header
    chart: BarChart | None = None
    level: int = 1  # 2 for a sub-section (a severity's findings, an area's stages)


def register_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT_NAME, KOREAN_FONT))


def _width(text: str, size: float = BODY_SIZE) -> float:
    from reportlab.pdfbase import pdfmetrics

    return pdfmetrics.stringWidth(text, FONT_NAME, size)


def _tokens(text: str) -> list[str]:
    return [t for t in re.split(r"\s+", text) if t]


def column_widths(rows: list[list[str]], available: float, longest_unbroken: float = 0.45) -> list[float]:
    """Widths (points) for a table's columns: each column as wide as its content when everything fits;
    otherwise every column keeps at least its longest word (capped at ``longest_unbroken`` of the page) and
    the rest of the width goes to the columns with the most text."""
    register_font()
    columns = max(len(r) for r in rows)
    natural = [CELL_PADDING + 2.0] * columns
    minimum = [CELL_PADDING + 2.0] * columns
    for row in rows:
        for c, cell in enumerate(row):
            text = str(cell)
            for line in text.split("\n"):
                natural[c] = max(natural[c], _width(line) + CELL_PADDING + 2)
            for token in _tokens(text):
                minimum[c] = max(minimum[c], min(_width(token) + CELL_PADDING + 2, available * longest_unbroken))
    if sum(natural) <= available:
        spare = available - sum(natural)
        return [n + spare * n / sum(natural) for n in natural]
    if sum(minimum) >= available:
        return [m * available / sum(minimum) for m in minimum]
    slack = [n - m for n, m in zip(natural, minimum)]
    room = available - sum(minimum)
    return [m + room * s / sum(slack) for m, s in zip(minimum, slack)]
