"""What Tesseract's models return for the marks and syllables of Korean forms when a scan thins or breaks them.

Used where the shape can still be told (tess.py, at OCR time) and where only the form can tell (mapping, a
yes/no cell whose reading did not parse)."""

from __future__ import annotations

import re

# Words Tesseract returns for a lone ○; tess.py takes one for the mark when its box is about as wide as tall.
RING_WORDS = frozenset({"0", "O", "o", "ㅇ", "©", "@", "O,", "0,"})
# A whole cell's reading made of ring look-alikes only (`Oo`, `(0)`, `○ ○`, or nothing): extractors/ocr.py takes
# the cell for a ○ when its ink is ring-shaped
RING_READING = re.compile(r"[0Oo\u3147○©@()\[\].,:\s]{0,5}")
# In a yes/no cell's text: the digit 0 standing apart from other digits, a lone Hangul ㅇ (the compatibility
# letter apart from syllables; the leading jamo ᄋ anywhere without its vowel, as after `조례ᄋ`), what the
# Korean model makes of a broken or thinned ○
RING_IN_TEXT = re.compile(r"(?<!\d)(?<!\d[.,])0(?!\d|[.,]\d)|\u110b(?![\u1161-\u1175])|(?<![\uac00-\ud7a3])\u3147(?![\uac00-\ud7a3])")
# In a yes/no cell's text: a lone slash, backslash, plus or angle, what Tesseract makes of a ✓, a Y or a V it
# cannot read (`지침 /, 계획 /`, `계획 수립 \ (승인 Y)`, `안내서비스 도입 +`); all three are yes marks
YES_MARK_IN_TEXT = re.compile(r"(?<![\w/\\+<])[/\\+<](?![\w/\\+<])")
# What a scanned `-` alone in a cell comes back as (a row left empty: an optional domain not chosen)
DASH_READINGS = frozenset({"ㆍ", "ᆞ", "·", "•", "_", "=", "~", "—", "–", "ー"})
# Whole-answer syllables read one stroke off: 에 for 예 (the second short stroke of ㅖ lost)
ANSWER_SYLLABLES = {"에": "예"}
# Checkboxes of a scanned or photographed form: the Hangul letter ㅁ standing alone for an empty □, and a bracket
# with one stroke in it for a ticked [V] (`[|`, `[/]`, `[\\`); `[]` stays an empty bracketed box
EMPTY_BOX_IN_TEXT = re.compile(r"(?<![\uac00-\ud7a3\w])[\u3141\u1106](?![\uac00-\ud7a3\w])")
TICKED_BRACKET_IN_TEXT = re.compile(r"\[\s*[|/\\lI](?:\s*\])?")


def boxes_restored(text: str) -> str:
    """``text`` with the look-alikes of empty and ticked boxes written as the boxes."""
    return TICKED_BRACKET_IN_TEXT.sub("[V]", EMPTY_BOX_IN_TEXT.sub("□", text))
