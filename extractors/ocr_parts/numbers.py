"""Conservative repair of the number slips Tesseract makes on Korean forms.

Every rule fires only where the repaired reading is the only plausible one; a value
that may be right as read (``2.345`` as a decimal, ``24H``, ``CO2``, an IP address)
is left alone.
"""

from __future__ import annotations

import re

_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_FULLWIDTH_SEP = re.compile(r"(?<=\d)[，．](?=\d)")
_FULLWIDTH_PERCENT = re.compile(r"(?<=\d)％")

# A run of digits and look-alike letters, not glued to other Latin letters.
_RUN = re.compile(r"(?<![A-Za-z])[0-9OoIl](?:[0-9OoIl.,]*[0-9OoIl])?(?![A-Za-z])")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_LOOKALIKE = str.maketrans("OoIl", "0011")
_NUMBER_SHAPE = re.compile(r"\d+(?:\.\d+)?|\d{1,3}(?:,\d{3})+(?:\.\d+)?")

# 건 read as H (only after a thousands-grouped number: "24H" may be hours) or as 거.
_H_FOR_GEON = re.compile(r"(?<![A-Za-z\d.,])([1-9]\d{0,2}(?:[.,]\d{3})+)H(?![A-Za-z])")
_GEO_FOR_GEON = re.compile(r"(?<=\d)거(?![\uac00-\ud7a3])")
# 개 read as its two halves, ㄱ as 7 and ㅐ as H ("12,824 7H"): after a number and a space only, where a
# lone 7H is no value of its own.
_7H_FOR_GAE = re.compile(r"(?<![A-Za-z\d.,])(\d[\d,.]*?\s?)7H(?![A-Za-z\d])")

# Count units after which a decimal with exactly three decimals is implausible.
# 대/회/개/곳 only when no syllable follows (대비, 회의, 개월 are words of their own).
_COUNT_UNIT = r"(?=\s?(?:건|명|원|개소|가구|세대|(?:대|회|개|곳)(?![\uac00-\ud7a3])))"
_DOT_GROUPED = re.compile(r"(?<![\d.,])([1-9]\d{0,2}(?:[.,]\d{3})*\.\d{3}(?:[.,]\d{3})*)(?![\d.,])" + _COUNT_UNIT)

# `4.905,859`: a point before a thousands comma is no decimal point, it is a comma read as one
_POINT_BEFORE_COMMA = re.compile(r"(?<![\d.,])\d{1,3}(?:[.,]\d{3})*\.\d{3}(?:[.,]\d{3})*,\d{3}(?![\d.,]|\.\d)")


def _fix_run(match: re.Match) -> str:
    run = match.group(0)
    # A look-alike may end the run only before a Hangul unit (1O회); at the edges
    # otherwise it may be meant (O2, l0, 10l).
    before_unit = bool(_HANGUL.match(match.string, match.end()))
    if run.isdigit() or not run[0].isdigit() or not (run[-1].isdigit() or before_unit):
        return run
    fixed = run.translate(_LOOKALIKE)
    return fixed if _NUMBER_SHAPE.fullmatch(fixed) else run


def normalise_ocr_number(text: str) -> str:
    """Repair OCR slips in numbers: full-width digits, O/o → 0 and l/I → 1 between digits,
    H/거 read for 건, ``4.905,859`` → ``4,905,859``, and ``2.345건`` → ``2,345건`` where a count unit rules out a decimal."""
    if not text:
        return text
    text = text.translate(_FULLWIDTH_DIGITS)
    text = _FULLWIDTH_SEP.sub(lambda m: "," if m.group(0) == "，" else ".", text)
    text = _FULLWIDTH_PERCENT.sub("%", text)
    text = _RUN.sub(_fix_run, text)
    text = _H_FOR_GEON.sub(lambda m: m.group(1) + "건", text)
    text = _GEO_FOR_GEON.sub("건", text)
    text = _7H_FOR_GAE.sub(lambda m: m.group(1) + "개", text)
    text = _POINT_BEFORE_COMMA.sub(lambda m: m.group(0).replace(".", ","), text)
    return _DOT_GROUPED.sub(lambda m: m.group(1).replace(".", ","), text)
