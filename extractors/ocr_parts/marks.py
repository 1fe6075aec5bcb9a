"""The yes/no marks beside words in a cell ("시스템 도입 ○", "계획 수립 ✗ (승인 ✗)", "지침 ✓, 계획 ✓", "관련 조례 Y",
"성과관리 시스템 N"),
found by shape.

Tesseract's Korean model has no ○, ✓ or ✗: a thin scanned ring comes back as "0", "O)", "(>" or nothing at
all, a tick as "/", "<", "+", "~" or nothing, a cross as "*". Each line of a cell crop is cut into glyphs at
blank columns; a glyph that is a ring (round, hollow, nearly as tall as the line's words: ``ring_shaped``),
a tick or a cross (``tick_or_cross``) and is not part of a word holding Hangul or digits becomes its mark: the
word Tesseract made of it is rewritten (brackets beside the mark kept), or a word is added where Tesseract
read nothing. The ㅇ of a syllable lies inside a Hangul word, and is shorter than a ○.
"""

from __future__ import annotations

import re

import numpy as np

INK = 200  # darker is ink: a thin ○ of a 150-dpi scan is light grey where it runs across (cell crops are on white)
MIN_RING, MAX_RING = 15, 120  # pixels (prepared, ~300 dpi)
RING_HEIGHT = 0.75  # a ○ is at least this share of the height of the words on its line
TICK_HEIGHT = 0.5  # a ✓ or ✗ at least this share (a ✓ sits low: about 0.6 of a Hangul syllable's height)
MAX_MARK_HEIGHT = 1.4  # and at most this many times it
RING_CONFIDENCE = 80.0
BRACKET_OUT = 0.25  # a word box reaching this share of the ring's height past it holds a bracket there
_WORDY = re.compile(r"[\uac00-\ud7a31-9]")
# what Tesseract makes of a ○, ✓ or ✗ and the brackets beside it
_MARK_WORD = re.compile(r"^[0Oo○ㅇ@©<>()\[\]{}.,:;'\"`~\-/\\|+*xXvV✓✔✗✘√]+$")
MAX_MARK_WORD = 3  # characters: longer words are text, not a misread mark
# what Tesseract makes of an N beside Hangul (its shape tells it from a 4: ``n_shaped``)
_BOX_WORD = re.compile(r"^(?:.|[A-Za-z]{2,3})$")  # a letter or a Latin scrap over a box (`된`, `MW` for ☑)
_MISREAD_AS = {"N": re.compile(r"^[4NnHMWИ]$"), "■": _BOX_WORD, "□": _BOX_WORD, "☑": _BOX_WORD}


def ring_shaped(box: np.ndarray) -> bool:
    """``box`` (booleans, ink True, cropped to the glyph) is one round mark: about as wide as tall, ink around
    an empty middle."""
    h, w = box.shape
    if not (MIN_RING <= h <= MAX_RING and 0.75 <= w / h <= 1.33):
        return False
    middle = box[h // 3:h - h // 3, w // 3:w - w // 3]
    edge = np.concatenate([box[: h // 6].ravel(), box[-(h // 6):].ravel(), box[:, : w // 6].ravel(),
                           box[:, -(w // 6):].ravel()])
    return middle.size > 0 and float(middle.mean()) < 0.1 and float(edge.mean()) > 0.2


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    padded = np.concatenate([[False], flags, [False]]).astype(np.int8)
    step = np.diff(padded)
    return list(zip(np.flatnonzero(step == 1).tolist(), np.flatnonzero(step == -1).tolist()))


def tick_or_cross(box: np.ndarray) -> str | None:
    """``box`` (booleans, ink True, cropped to the glyph) as "✓" or "✗", else None. Both have a long stroke rising
    to the upper right; a ✗ also has ink in its upper left and lower right (its second stroke), a ✓ has neither
    but a short stroke coming down from its left middle. A slash has none of these."""
    h, w = box.shape
    if not (MIN_RING <= h <= MAX_RING and 0.5 <= w / h <= 1.6):
        return None

    def ink(top: float, bottom: float, left: float, right: float) -> float:
        part = box[int(top * h):max(int(bottom * h), int(top * h) + 1), int(left * w):max(int(right * w), int(left * w) + 1)]
        return float(part.mean())

    upper_left, lower_right, upper_right = ink(0, .4, 0, .4), ink(.7, 1, .6, 1), ink(0, .3, .6, 1)
    # the sides and the bottom middle of a cross are paper; a syllable's strokes reach them
    left, right, bottom = ink(.35, .65, 0, .2), ink(.35, .65, .8, 1), ink(.8, 1, .4, .6)
    if upper_right < 0.3:
        return None
    if upper_left > 0.15 and lower_right > 0.15 and left < 0.1 and right < 0.15 and bottom < 0.1:
        return "✗"
    if upper_left < 0.08 and lower_right < 0.08 and right < 0.15 and ink(.5, .8, 0, .2) > 0.2:
        return "✓"
    return None


def y_shaped(box: np.ndarray) -> bool:
    """``box`` (booleans, ink True, cropped to the glyph) is a Y: two arms in its upper corners with paper between
    them, joined in the middle, one stem down the middle with paper on either side of it. Tesseract reads a
    scanned Y beside Hangul as `+`, `/` or nothing. A V has no ink in its middle (its strokes pass either side),
    an X has ink in its lower corners, and a syllable's strokes cross the notch between the arms (ㅜ, ㅅ, ㅈ)."""
    h, w = box.shape
    if not (MIN_RING <= h <= MAX_RING and 0.5 <= w / h <= 1.2):
        return False

    def ink(top: float, bottom: float, left: float, right: float) -> float:
        return float(box[int(top * h):int(bottom * h), int(left * w):int(right * w)].mean())

    arms = min(ink(0, .3, 0, .3), ink(0, .3, .7, 1))
    notch, middle, stem = ink(0, .25, .35, .65), ink(.4, .6, .35, .65), ink(.7, 1, .35, .65)
    beside_stem = max(ink(.65, 1, 0, .3), ink(.65, 1, .7, 1))
    return arms > 0.3 and notch < 0.1 and middle > 0.6 and stem > 0.4 and beside_stem < 0.05


def n_shaped(box: np.ndarray) -> bool:
    """``box`` (booleans, ink True, cropped to the glyph) is an N: a stem down each side, joined by a stroke from the
    upper left to the lower right, paper in the upper right and lower left between the stems. Tesseract reads a
    scanned N beside Hangul as `4`; a 4 has no stem down its lower left, an H no stroke across its upper inside, an
    M is wider with its strokes meeting low, and a syllable's strokes do not run down both sides and corner to
    corner."""
    h, w = box.shape
    if not (MIN_RING <= h <= MAX_RING and 0.5 <= w / h <= 0.95):
        return False

    def ink(top: float, bottom: float, left: float, right: float) -> float:
        return float(box[int(top * h):int(bottom * h), int(left * w):int(right * w)].mean())

    stems = min(ink(top, bottom, left, right) for top, bottom in ((0, .3), (.35, .65), (.7, 1))
                for left, right in ((0, .2), (.8, 1)))
    diagonal = min(ink(0, .3, .22, .42), ink(.35, .65, .35, .65), ink(.7, 1, .58, .78))
    paper = max(ink(0, .3, .58, .78), ink(.7, 1, .22, .42))
    return stems > 0.5 and diagonal > 0.5 and paper < 0.25


BOX_EDGE = 0.6  # of each side of an outlined box inked
BOX_FILLED = 0.75  # of a filled box inked


def box_shaped(box: np.ndarray) -> str | None:
    """``box`` (booleans, ink True, cropped to the glyph) as a checkbox: "■" filled, "□" outlined and empty, "☑"
    outlined with a tick inside; else None. Tesseract reads the small boxes of a photographed form as `ㅁ`, `○`,
    `된` or nothing. A ring's sides are inked only in their middles; a syllable's strokes do not outline a square."""
    h, w = box.shape
    if not (MIN_RING <= h <= MAX_RING and 0.8 <= w / h <= 1.25):
        return None
    if float(box.mean()) >= BOX_FILLED:
        return "■"
    side = max(1, min(h, w) // 8)
    if min(float(box[:side].mean()), float(box[-side:].mean()), float(box[:, :side].mean()),
           float(box[:, -side:].mean())) < BOX_EDGE:
        return None
    inside = float(box[h // 4:h - h // 4, w // 4:w - w // 4].mean())
    return "□" if inside < 0.05 else "☑" if inside > 0.12 else None


def _glyphs(crop: np.ndarray):
    """(box (x0, y0, x1, y1), ink) of each glyph of a cell crop, line by line: runs of inked columns within a run
    of inked rows. A glyph is the tallest run of inked rows in its columns: a speck of scan dust above or below it
    (a run of its own) is not part of its shape."""
    ink = crop < INK
    for y0, y1 in _runs(ink.any(axis=1)):
        band = ink[y0:y1]
        for x0, x1 in _runs(band.any(axis=0)):
            top, bottom = max(_runs(band[:, x0:x1].any(axis=1)), key=lambda run: run[1] - run[0])
            yield (x0, y0 + top, x1, y0 + bottom), ink[y0 + top:y0 + bottom, x0:x1]


SHAPED_MARKS = ("○", "✓", "✗", "Y", "N", "■", "□", "☑")  # what a glyph's shape is read as


def _mark_of(glyph: np.ndarray) -> str | None:
    for shape in (box_shaped, lambda g: "○" if ring_shaped(g) else None, tick_or_cross,
                  lambda g: "Y" if y_shaped(g) else None, lambda g: "N" if n_shaped(g) else None):
        if mark := shape(glyph):
            return mark
    return None


def glyph_marks(crop: np.ndarray) -> list[tuple[tuple[int, int, int, int], str]]:
    """(box (x0, y0, x1, y1), mark) of the glyphs of a cell crop shaped like ○, ✓, ✗, Y or N, line by line."""
    return [(box, mark) for box, glyph in _glyphs(crop) if (mark := _mark_of(glyph))]


def lone_mark(crop: np.ndarray) -> str | None:
    """The mark a cell holds alone, by its shape, where Tesseract read nothing (a lone `Y` dropped by both models):
    its one glyph of a letter's height, if that is shaped like ○, ✓, ✗, Y or N."""
    glyphs = [glyph for _, glyph in _glyphs(crop) if glyph.shape[0] >= MIN_RING]
    return _mark_of(glyphs[0]) if len(glyphs) == 1 else None


SPECK_HEIGHT = 0.25  # of the line's height: ink no taller is scan grain, not a letter (a ㅡ stroke is its width)
WORD_SPACE = 0.3  # of the line's height: the blank before a glyph that stands apart from the letters before it
# The marks no part of a letter is shaped like, taken a space after a word's letters even where Tesseract's box for
# the word reaches over them. A ○ may be the ㅇ, an ✗ the ㅈ of a letter-spaced label (`대 표 자`), an o of Latin.
STANDS_APART = ("✓", "Y", "N")


def _letter_runs(ink: np.ndarray, line_height: int) -> list[tuple[int, int]]:
    """The runs of inked columns of ``ink`` (a band of a crop's rows) holding a letter, without the specks of scan
    grain (`도입 .Y`): a run with no ink of a letter's height is grain."""
    return [(a, b) for a, b in _runs(ink.any(axis=0))
            if max(bottom - top for top, bottom in _runs(ink[:, a:b].any(axis=1))) >= SPECK_HEIGHT * line_height]


def _a_space_after_ink(crop: np.ndarray, box: tuple[int, int, int, int], line_height: int) -> bool:
    """Whether the glyph at ``box`` (x0, y0, x1, y1 in the crop) follows other ink of its rows after a word space."""
    x0, y0, _, y1 = (int(v) for v in box)
    letters = _letter_runs(crop[max(y0, 0):max(y1, 0), :max(x0, 0)] < INK, line_height)
    return bool(letters) and x0 - letters[-1][1] > WORD_SPACE * line_height


def _a_space_before_ink(crop: np.ndarray, box: tuple[int, int, int, int], line_height: int) -> bool:
    """Whether the glyph at ``box`` (x0, y0, x1, y1 in the crop) has a word space after it before other ink of its
    rows (or none at all)."""
    _, y0, x1, y1 = (int(v) for v in box)
    letters = _letter_runs(crop[max(y0, 0):max(y1, 0), max(x1, 0):] < INK, line_height)
    return not letters or letters[0][0] > WORD_SPACE * line_height


BOX_MARKS = ("■", "□", "☑")


def _glyph_height(crop: np.ndarray, line_height: int) -> int:
    """The lower middle height of the crop's glyphs of a letter's size (at least MIN_RING), at most ``line_height``."""
    heights = sorted(glyph.shape[0] for _, glyph in _glyphs(crop) if glyph.shape[0] >= MIN_RING)
    return min(line_height, heights[(len(heights) - 1) // 2]) if heights else line_height


def mark_glyphs(words: list, crop: np.ndarray, dx: int, dy: int, make_word) -> list:
    """``words`` (tess.Word, boxes in a canvas where ``crop`` sits at (dx, dy)) with the ○, ✓ and ✗ of ``crop`` read
    as such. ``make_word(text, conf, box, like)`` builds a new word on the line of word ``like``."""
    found = glyph_marks(crop)
    if not found or not words:
        return words
    heights = sorted(w.box[3] - w.box[1] for w in words if _WORDY.search(w.text))
    if not heights:
        return words  # no text to measure a mark against (a cell of just a mark: extractors.ocr tells it by shape)
    line_height = heights[(len(heights) - 1) // 2]  # the lower middle: a box swollen by a speck (`도입` 56 px tall
    # beside `시스템` 34) made a ✓ of 20 px look small
    out = list(words)
    glyph_height = None  # measured when a box is found
    for (x0, y0, x1, y1), mark in found:
        x0, y0, x1, y1 = x0 + dx, y0 + dy, x1 + dx, y1 + dy
        h = y1 - y0
        # a box is measured against its line's glyphs: Tesseract's boxes for the words of a photographed form's
        # checkbox line came back twice their height
        if mark in BOX_MARKS and glyph_height is None:
            glyph_height = _glyph_height(crop, line_height)
        against = glyph_height if mark in BOX_MARKS else line_height
        if not (RING_HEIGHT if mark == "○" else TICK_HEIGHT) * against <= h <= MAX_MARK_HEIGHT * against:
            continue  # smaller than the words beside it: the ㅇ of a syllable, a degree sign, a stroke of a letter
        # a word over the mark: covering half of it, or lying half in it (`+` read on the right stroke of a ✓)
        over = [w for w in out if min(w.box[2], x1) - max(w.box[0], x0) > 0.5 * min(x1 - x0, w.box[2] - w.box[0])
                and min(w.box[3], y1) - max(w.box[1], y0) > 0.5 * h]
        misread = _MISREAD_AS.get(mark)
        marky = [w for w in over if (_MARK_WORD.match(w.text) or misread is not None and misread.match(w.text))
                 and len(w.text) <= MAX_MARK_WORD]
        in_crop = (x0 - dx, y0 - dy, x1 - dx, y1 - dy)
        if mark in BOX_MARKS and not _a_space_before_ink(crop, in_crop, against):
            continue  # the ㅁ of 마, split from its vowel at a blank column: a checkbox stands a space before its word
        if over and not marky:
            if mark not in STANDS_APART or not _a_space_after_ink(crop, in_crop, line_height):
                continue  # part of a word of text
            over = []  # a word's box stretched over a ✓ or Y a space after its letters (`계획` taking the ✓ after it)
        if marky:
            word = marky[0]
            before = "(" if word.box[0] < x0 - BRACKET_OUT * h and word.text[:1] in "([" else ""
            after = word.text[-1] if word.box[2] > x1 + BRACKET_OUT * h and word.text[-1:] in ")],." else ""
            word.text, word.conf = before + mark + after, max(word.conf, RING_CONFIDENCE)
            continue
        middle = (y0 + y1) / 2
        like = min(out, key=lambda w: abs((w.box[1] + w.box[3]) / 2 - middle))
        new = make_word(mark, RING_CONFIDENCE, (x0, y0, x1, y1), like)
        at = next((i for i, w in enumerate(out) if w.line == like.line and w.box[0] > x0), None)
        if at is None:  # after the last word of its line
            at = max(i for i, w in enumerate(out) if w.line == like.line) + 1
        out.insert(at, new)
    return out
