"""Tesseract (extractors/ocr_parts/engine.py): words with confidences, lines, and cells read in one batch."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from PIL import Image

from extractors.ocr_parts import engine
from extractors.ocr_parts.engine import OcrTimeout, OcrUnavailable
from extractors.ocr_parts.leftovers import uncovered
from extractors.ocr_parts.lookalikes import RING_WORDS
from extractors.ocr_parts.marks import INK, SHAPED_MARKS, mark_glyphs, tick_or_cross
from extractors.ocr_parts.orient import UPSIDE_DOWN_CONFIDENCE
from extractors.ocr_parts.runs import index_runs

# Wall seconds per Tesseract call. A dense A3 page at 300 dpi takes about 15 s of CPU; a large image of noise
# (a corrupted scan, a screenshot upscaled) takes minutes, so a call past this raises OcrTimeout.
CALL_SECONDS = 90
SPACE_GAP = 0.5  # gap / glyph height: Korean word spaces measure 0.55–0.9, syllable gaps 0–0.45
_HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")
_HANGUL_OR_DIGIT = re.compile(r"[\uac00-\ud7a3\d]")
RING_ASPECT = 0.8  # width / height of ○ in Korean fonts ≈ 0.9–1.0; of the digit 0 ≈ 0.55–0.65
_SPECK_ZEROS = re.compile(r"^[0Oo]{1,6}$")
SPECK_CONFIDENCE = 30.0
SURE = 80.0
JUNK_CONFIDENCE = 50.0
MARK_MIN_HEIGHT = 15  # pixels: a mark is about as tall as the text; specks are smaller
SOLID = 0.8  # share of dark pixels in the middle of a ticked box


def _solid_square(gray: np.ndarray, box: tuple[int, int, int, int]) -> bool:
    """A solid dark square about as tall as the word, somewhere in the word's box."""
    x, y, w, h = box
    side = max(int(h * 0.5), 4)
    region = gray[y:y + h, x:x + w] < 128
    if region.shape[1] < side:
        return False
    cols = region[(h - side) // 2:(h + side) // 2]
    density = np.convolve(cols.mean(axis=0), np.ones(side) / side, mode="valid")
    return bool(len(density)) and float(density.max()) >= SOLID
def _cross_or_tick(word: np.ndarray) -> str | None:
    """✗ or ✓ when the ink of a word's box, cropped to it, is shaped like one (marks.tick_or_cross)."""
    ink = word < INK
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    if not len(rows):
        return None
    return tick_or_cross(ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1])


_NOISE = re.compile(r"^[|_~\-—=:;.,'\"`!ㆍ、」「·•]+$")


@dataclass
class Word:
    text: str
    conf: float
    box: tuple[float, float, float, float]  # x0, top, x1, bottom in the OCR'd image
    line: tuple[int, int, int]  # (block, paragraph, line) as Tesseract numbered them
    space: bool | None = None  # a space before it in Tesseract's text; None when that could not be matched


@dataclass
class Line:
    words: list[Word]

    @property
    def text(self) -> str:
        """Words spaced as in Tesseract's own text. Where that is unknown, a gap narrower than
        SPACE_GAP × the line's glyph height is no space between two syllables, after a number or
        bracket before a syllable (2022년, …)해서) or between a syllable and "(" (인증값(MAC)."""
        heights = sorted(w.box[3] - w.box[1] for w in self.words)
        limit = SPACE_GAP * heights[len(heights) // 2]
        out = self.words[0].text
        for prev, word in zip(self.words, self.words[1:]):
            if word.space is None:
                a, b = prev.text[-1], word.text[0]
                glued = (_HANGUL.match(a) and (_HANGUL.match(b) or b == "(")) or \
                        ((a.isdigit() or a == ")") and _HANGUL.match(b))
                space = not (glued and word.box[0] - prev.box[2] < limit)
            else:
                space = word.space
            out += (" " if space else "") + word.text
        return out

    @property
    def box(self) -> tuple[float, float, float, float]:
        return (min(w.box[0] for w in self.words), min(w.box[1] for w in self.words),
                max(w.box[2] for w in self.words), max(w.box[3] for w in self.words))

    @property
    def conf(self) -> float:
        return sum(w.conf for w in self.words) / len(self.words)


@lru_cache(maxsize=1)
def languages() -> str:
    """``kor+eng`` when both are installed, else whatever of the two is (``eng`` ships with Tesseract)."""
    have = engine.installed()
    langs = [lang for lang in ("kor", "eng") if lang in have]
    return "+".join(langs) or "eng"


def words(image: Image.Image, psm: int, lang: str | None = None) -> list[Word]:
    """Recognised words with their confidences (0–100), in Tesseract's reading order.

    Tesseract's TSV gives the boxes and confidences, its plain text the spacing, which says which TSV words
    are one word: Tesseract often splits Korean into syllables in the TSV but joins them in the text."""
    tsv, plain = engine.recognise(image, psm, lang or languages(), CALL_SECONDS)
    rows = [line.split("\t") for line in tsv.splitlines()]
    out, at = [], 0
    gray = np.asarray(image.convert("L"))
    for row in rows:
        if len(row) < 12 or row[0] != "5" or not row[11].strip():
            continue
        text, conf = row[11].strip(), float(row[10])
        found = plain.find(text, at, at + len(text) + 40)  # the same word in the plain text
        space = None if found < 0 else bool(plain[at:found].strip("\n"))  # newlines: a line's first word
        at = found + len(text) if found >= 0 else at
        if conf < 0 or (_NOISE.match(text) and conf < (90 if text[0] in "|_ㆍ、」「·•" else 40) and text != "-"):
            continue  # specks and ruling remnants
        x, y, w, h = (int(v) for v in row[6:10])
        inner = text.strip("()[],")  # brackets around a mark widen its box: judge the mark's own width
        ring = inner in RING_WORDS and w * len(inner) / len(text) >= RING_ASPECT * h and h >= MARK_MIN_HEIGHT
        if ring:
            text = "○"  # a 0 or O about as wide as tall: the ○ mark
        elif _SPECK_ZEROS.match(text) and (conf < SPECK_CONFIDENCE or h < MARK_MIN_HEIGHT):
            continue  # scan specks read as 0 / o
        if not ring and len(text) <= 4 and not _HANGUL.search(text) and h >= MARK_MIN_HEIGHT and _solid_square(gray, (x, y, w, h)):
            # a ticked box ([■]) read as 101, [m] or the like; a bold ✗ is as dark where its strokes cross
            text = _cross_or_tick(gray[y:y + h, x:x + w]) or "■"
        out.append(Word(text=text, conf=conf, box=(x, y, x + w, y + h), line=(int(row[2]), int(row[3]), int(row[4])),
                        space=space))
    return out


def lines(found: list[Word], keep_marks: bool = False) -> list[Line]:
    """Words grouped into Tesseract's lines; lines without a letter or digit are dropped unless
    ``keep_marks`` (a table cell's "-" or "○" is a value)."""
    grouped: dict[tuple[int, int, int], list[Word]] = {}
    for word in found:
        grouped.setdefault(word.line, []).append(word)
    out = [Line(ws) for ws in grouped.values()]
    return out if keep_marks else [ln for ln in out if any(ch.isalnum() for ch in ln.text)]


def join_lines(found: list[Line], right_edge: float) -> str:
    """A cell's lines as one string. Hangul wraps by syllable (HWP's default): a line that ran up to
    the cell's right edge continues the word, so it is joined without a space."""
    out = ""
    for i, line in enumerate(found):
        text = line.text
        if i and out:
            prev = found[i - 1]
            char_w = (prev.box[2] - prev.box[0]) / max(len(prev.text), 1)
            full = right_edge - prev.box[2] < 1.5 * char_w
            glued = full and _HANGUL_OR_DIGIT.match(out[-1]) and _HANGUL_OR_DIGIT.match(text[0])
            out += "" if glued else " "
        out += text
    return out


GAP = 48  # white space between stacked cell crops
MAX_CANVAS = 8000  # stack height per Tesseract call
MAX_MARK_HEIGHT = 120  # second chance only for one-line marks
MAX_MARKS = 40
REREAD_BELOW = 60.0  # one-line crops read with a lower mean confidence are read again with --psm 7
# or with a word this unsure (`서비스` at 14 over `서비스 수 6 건`: the block reading swallowed the value)
REREAD_WORD_BELOW = 30.0
# A reading with none of these is punctuation only (a lone 9 or ✓ read as `;` or `,`): read again with --psm 7
_MEANING = re.compile(r"[\w○●■□✓✔✗✘×\-]")
STRIP_INK_LEVEL = 160
BAND_GAP = 3  # inked rows this close are one band of text (also ocr._glyphless and ocr._is_ring)
SPECK_PIXELS = 12  # ink clusters no larger are scan specks
SECOND_OPINION_BELOW = 85.0  # cells with a number read less surely than this are read again by the Korean model
AGREED_CONFIDENCE = 80.0  # of numbers two models read alike (above settings' ocr_min_confidence)


def read_crops(crops: list[Image.Image], psm: int = 6) -> list[tuple[str, list[float]]]:
    """Text and word confidences of each crop, stacked with white gaps into as few images as
    possible (one Tesseract start per stack instead of one per cell)."""
    results: list[tuple[str, list[float]]] = [("", [])] * len(crops)
    placed: dict[int, tuple[list[Word], int, int]] = {}
    _read_stacks(crops, list(range(len(crops))), results, psm, placed=placed)
    if _mean([c for _, confs in results for c in confs]) < UPSIDE_DOWN_CONFIDENCE:
        return results  # a page upside down (read again turned over) or no text: second readings would not help
    _read_leftovers(crops, placed, results)
    # A second reading, one line at a time (--psm 7), for crops with ink but no words (a lone "-" or
    # "○" is dropped from a block) and for one-line crops read with a low confidence (a lone digit
    # taken for a syllable); the more confident reading is kept.
    missed = [i for i, (text, confs) in enumerate(results)
              if not text or (confs and (sum(confs) / len(confs) < REREAD_BELOW or min(confs) < REREAD_WORD_BELOW))
              or not _MEANING.search(text)]
    if missed:
        _read_strip(crops, missed, results)
    _second_opinion(crops, results, psm)
    return results


# A Latin scrap: a short run of letters with a lower-case one in it (`a2`, `be`, `st`, `Te`), what the English
# model makes of a Hangul unit or particle it was handed (`4건` → `a2`, `8건` → `be`); not a unit after a number
# (`1km`)
_LATIN_SCRAP = re.compile(r"(?<![A-Za-z\d])(?=[A-Za-z]{0,3}[a-z])[A-Za-z]{1,4}(?![A-Za-z])")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def _second_opinion(crops: list[Image.Image], results: list, psm: int) -> None:
    """Cells read by ``kor+eng`` with a number Tesseract was unsure of, or with Latin scraps, read again by the
    Korean model alone. Given both, Tesseract hands a word the Korean model doubts to the English one, which
    reads a Hangul unit as confident Latin or digits. Where the Korean reading has syllables for the scraps, it
    is taken; where the two readings give the same numbers, two models agree and the numbers are no longer in
    doubt (AGREED_CONFIDENCE)."""
    both = languages()
    if "kor" not in both.split("+") or both == "kor":
        return
    index = [i for i, (text, confs) in enumerate(results) if text and (
        _LATIN_SCRAP.search(text) or (confs and _mean(confs) < SECOND_OPINION_BELOW and _NUMBER.search(text)))]
    if not index:
        return
    again: list[tuple[str, list[float]]] = [("", [])] * len(crops)
    _read_stacks(crops, index, again, psm, "kor")
    for i in index:
        text, confs = results[i]
        other = again[i][0]
        if not other:
            continue
        if _NUMBER.search(text) and _NUMBER.findall(text) == _NUMBER.findall(other):
            results[i] = (text, [max(c, AGREED_CONFIDENCE) for c in confs])
        elif _HANGUL.search(other) and not _LATIN_SCRAP.search(other) and not _marks_lost(text, other) and (
                _LATIN_SCRAP.search(text) or _mean(again[i][1]) > _mean(confs)):
            results[i] = again[i]


def _marks_lost(text: str, other: str) -> bool:
    """Whether ``other`` has fewer of the marks read by their shape than ``text`` (the Korean model alone drops the
    Y of `시스템 도입 Y`)."""
    return sum(text.count(m) for m in SHAPED_MARKS) > sum(other.count(m) for m in SHAPED_MARKS)


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def _read_stacks(crops: list[Image.Image], index: list[int], results: list, psm: int, lang: str | None = None,
                 placed: dict | None = None) -> None:
    """``crops[i]`` for i in ``index`` read in stacks of at most MAX_CANVAS pixels, into ``results[i]`` (and each
    crop's words, with the crop's place in its stack, into ``placed[i]``)."""
    batch: list[int] = []
    height = GAP
    for i in index:
        crop = crops[i]
        if batch and height + crop.height + GAP > MAX_CANVAS:
            _read_stack([crops[j] for j in batch], batch, results, psm, lang, placed)
            batch, height = [], GAP
        batch.append(i)
        height += crop.height + GAP
    if batch:
        _read_stack([crops[j] for j in batch], batch, results, psm, lang, placed)


def _read_strip(crops: list[Image.Image], index: list[int], results: list) -> None:
    """Second chance for crops with no or unsure words: their inked parts side by side on one line,
    read with --psm 7. Crops whose ink reaches their
    edge (remnants of a ruling or a fill) would spoil the line and are left out."""
    tight = []
    for i in index:
        crop = crops[i]
        box = ink_box(np.asarray(crop))
        if not box or box[3] - box[1] > MAX_MARK_HEIGHT:
            continue
        if box[0] == 0 or box[1] == 0 or box[2] == crop.width or box[3] == crop.height:
            continue
        tight.append((i, crop.crop(box)))
    tight = tight[:MAX_MARKS]
    if not tight:
        return
    for (i, _), mine in zip(tight, _strip_words([crop for _, crop in tight])):
        before = results[i][1]
        said = Line(mine).text if mine else ""
        if mine and not _marks_lost(results[i][0], said) and (
                not before or sum(w.conf for w in mine) / len(mine) > sum(before) / len(before)
                or (_MEANING.search(said) and not _MEANING.search(results[i][0]))):
            results[i] = (Line(mine).text, _value_confidences(mine))


def _strip_words(pieces: list[Image.Image], lang: str | None = None) -> list[list[Word]]:
    """``pieces`` side by side on one line, read with --psm 7: the words of each piece, boxes in the piece."""
    height = max(c.height for c in pieces) + 2 * GAP
    canvas = Image.new("L", (sum(c.width + 2 * GAP for c in pieces) + GAP, height), 255)
    spans, x = [], GAP
    for crop in pieces:
        top = (height - crop.height) // 2
        canvas.paste(crop, (x, top))
        spans.append((x - GAP // 2, x + crop.width + GAP // 2, x, top))
        x += crop.width + 2 * GAP
    found = words(canvas, 7, lang=lang)
    out = []
    for left, right, dx, dy in spans:
        mine = [w for w in found if left <= (w.box[0] + w.box[2]) / 2 < right]
        for w in mine:
            w.box = (w.box[0] - dx, w.box[1] - dy, w.box[2] - dx, w.box[3] - dy)
        out.append(mine)
    return out


LEFTOVER_CONFIDENCE = 60.0  # a dropped glyph read again less surely than this is a speck's reading, not kept
# What a dropped glyph may be read as: one letter or mark (`Y`, `O`, `V`, `○`), or a number. Longer Latin is the
# English model's guess at Hangul (`OF` after `목록`)
_LEFTOVER = re.compile(r"[A-Za-z○●✓✔✗✘×]|\d[\d,.]*")


def _read_leftovers(crops: list[Image.Image], placed: dict, results: list) -> None:
    """Glyphs the stacked reading dropped after a line's words (ink outside every word it read,
    ``leftovers.uncovered``), read again on one line and put after them: `시스템 도입 O` had come back as
    `시스템 도입`, a mark lost."""
    pieces = []  # (cell, box in the crop, index of the word it follows)
    for i, (mine, dx, dy) in placed.items():
        boxes = [(int(w.box[0]) - dx, int(w.box[1]) - dy, int(w.box[2]) - dx, int(w.box[3]) - dy) for w in mine]
        for box in uncovered(np.asarray(crops[i]), boxes):
            middle = (box[1] + box[3]) / 2 + dy
            like = min(mine, key=lambda w: abs((w.box[1] + w.box[3]) / 2 - middle))
            line = [k for k, w in enumerate(mine) if w.line == like.line]
            if all(mine[k].box[2] <= box[0] + dx for k in line):  # before or among the words: a letter read alone
                pieces.append((i, box, line[-1]))                # is a guess (`C.` of a heading read `6`)
    pieces = pieces[:MAX_MARKS]
    if not pieces:
        return
    # read by the English model alone: given kor+eng, the Korean model reads nothing of a lone Y or O, and no
    # word is left to hand to the English one (a lone Y: nothing with kor+eng, `Y` at 90 with eng)
    latin = "eng" if "eng" in engine.installed() else None
    changed: dict[int, list[tuple[int, Word]]] = {}
    for (i, box, after), read in zip(pieces, _strip_words([crops[i].crop(box) for i, box, _ in pieces], latin)):
        said = Line(read).text if read else ""
        if not _LEFTOVER.fullmatch(said) or _mean([w.conf for w in read]) < LEFTOVER_CONFIDENCE:
            continue
        mine, dx, dy = placed[i]
        box = (box[0] + dx, box[1] + dy, box[2] + dx, box[3] + dy)
        changed.setdefault(i, []).append((after, _word_like(said, _mean([w.conf for w in read]), box, mine[after])))
    for i, found in changed.items():
        mine, dx, _ = placed[i]
        for after, word in sorted(found, key=lambda f: (-f[0], -f[1].box[0])):  # from the end: indices stay true
            mine.insert(after + 1, word)
        results[i] = (join_lines(lines(mine, keep_marks=True), dx + crops[i].width), _value_confidences(mine))


def ink_box(crop: np.ndarray, level: int = STRIP_INK_LEVEL) -> tuple[int, int, int, int] | None:
    """The box (x0, y0, x1, y1) of a crop's text without the scan's specks around it: the band of inked rows
    (rows a few apart joined) holding the most ink, and within it the columns of the clusters of ink larger
    than a speck. Darker than ``level`` is ink. None when the crop has no ink."""
    ink = crop < level
    per_row = ink.sum(axis=1)
    rows = np.flatnonzero(per_row)
    if not len(rows):
        return None
    starts, ends = index_runs(rows, BAND_GAP)
    best = max(range(len(starts)), key=lambda k: int(per_row[starts[k]:ends[k]].sum()))
    y0, y1 = int(starts[best]), int(ends[best])
    per_col = ink[y0:y1].sum(axis=0)
    cols = np.flatnonzero(per_col)
    gap = max(y1 - y0, BAND_GAP)  # a word space is narrower than the line is tall
    c0, c1 = index_runs(cols, gap)
    kept = [k for k in range(len(c0)) if int(per_col[c0[k]:c1[k]].sum()) > SPECK_PIXELS]
    if not kept:
        return None
    return int(c0[kept[0]]), y0, int(c1[kept[-1]]), y1


def _value_confidences(found: list[Word]) -> list[float]:
    """The confidences a cell's reading is judged by: of its words holding digits when it has any (the value;
    Tesseract is often unsure of a unit syllable beside a number it read well, `5 건`), else of all its words."""
    digits = [w.conf for w in found if any(ch.isdigit() for ch in w.text)]
    return digits or [w.conf for w in found]


def _word_like(text: str, conf: float, box: tuple, like: Word) -> Word:
    return Word(text=text, conf=conf, box=box, line=like.line, space=True)


# zeros alone (`00`, `00000`): what grain across a cell becomes; no one writes a value so
_ZEROS = re.compile(r"0{2,}")


def _without_junk(found: list[Word]) -> list[Word]:
    """A cell's words without the unsure scraps that scan grain and ruling remnants become ("a", "oe",
    "ㆍ", "000") beside words read with confidence; they would also drag the value's confidence down."""
    if not any(w.conf >= SURE for w in found):
        return found
    return [w for w in found if not (w.conf < JUNK_CONFIDENCE and not _HANGUL.search(w.text) and (
        len(w.text) <= 3 and not any(ch.isdigit() for ch in w.text) or _ZEROS.fullmatch(w.text)))]


def _read_stack(stack: list[Image.Image], index: list[int], results: list, psm: int, lang: str | None = None,
                placed: dict | None = None) -> None:
    width = max(c.width for c in stack) + 2 * GAP
    canvas = Image.new("L", (width, sum(c.height + GAP for c in stack) + GAP), 255)
    spans = []
    y = GAP
    for crop in stack:
        canvas.paste(crop, (GAP, y))
        spans.append((y, y + crop.height))
        y += crop.height + GAP
    found = words(canvas, psm, lang=lang)
    for (top, bottom), i, crop in zip(spans, index, stack):
        mine = [w for w in found if top <= (w.box[1] + w.box[3]) / 2 < bottom]
        mine = _without_junk(mark_glyphs(mine, np.asarray(crop), GAP, top, _word_like))
        if mine:
            text = join_lines(lines(mine, keep_marks=True), GAP + crop.width)
            results[i] = (text, _value_confidences(mine))
            if placed is not None:
                placed[i] = (mine, GAP, top)
