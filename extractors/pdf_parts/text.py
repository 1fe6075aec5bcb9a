"""Text with positions: a cell's text, and the page's lines grouped into paragraphs (TextBlocks)."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from statistics import median

from pdfplumber.utils.text import extract_words

from extractors.geometry import lines_by_overlap, lines_by_top
from extractors.model import Box, TextBlock

_HANGUL_OR_DIGIT = re.compile(r"[\uac00-\ud7a3\d]")

# A line breaks into separate segments (columns, a label and its value) at a horizontal gap wider
# than this many font sizes; word spacing is ~0.25–0.5 em, even fully justified text stays under 1.5 em.
SEGMENT_GAP_EM = 2.0
# The next line continues a paragraph when the white space between them is below this many font
# sizes (single to 1.6 line spacing leaves 0.2–0.7 em; a blank line or paragraph spacing leaves more).
PARAGRAPH_GAP_EM = 0.9
# A paragraph whose font is this much larger than the page's body text is taken for a heading.
HEADING_SIZE_RATIO = 1.2


class CharIndex:
    """A page's characters sorted by vertical centre, to pick those inside a box quickly."""

    def __init__(self, chars: list[dict]):
        self.chars = sorted(chars, key=lambda c: (c["top"] + c["bottom"]) / 2)
        self.keys = [(c["top"] + c["bottom"]) / 2 for c in self.chars]

    def within(self, bbox: Box) -> list[dict]:
        x0, top, x1, bottom = bbox
        lo, hi = bisect_left(self.keys, top), bisect_right(self.keys, bottom)
        return [c for c in self.chars[lo:hi] if x0 <= (c["x0"] + c["x1"]) / 2 <= x1]


def char_index(page) -> CharIndex:
    """One index per page object, built on first use."""
    index = getattr(page, "_intake_char_index", None)
    if index is None:
        index = CharIndex(page.chars)
        page._intake_char_index = index
    return index


def join_lines(lines: list[tuple[str, float, float, float]], right_edge: float) -> str:
    """Join wrapped lines (text, x0, x1, first-character width) the way they were written.

    Hangul wraps by syllable (HWP's default), so a line that was full when it broke
    continues a word; a line that had room for the next line's first character
    broke at a space.
    """
    out = ""
    for i, (text, _x0, _x1, first_width) in enumerate(lines):
        if not text:
            continue
        if i and out:
            full = right_edge - lines[i - 1][2] < first_width
            out += "" if full and _HANGUL_OR_DIGIT.match(out[-1]) and _HANGUL_OR_DIGIT.match(text[0]) else " "
        out += text
    return out


def cell_text(page, bbox: Box) -> str:
    """A cell's text: the characters whose centre lies in the box, wrapped lines joined as written.

    Cell padding is taken as equal on both sides, so the usable right edge mirrors the left one.
    """
    chars = char_index(page).within(bbox)
    if not chars:
        return ""
    words = extract_words(chars, keep_blank_chars=True, use_text_flow=True)
    if not words:
        return ""
    # each row left to right: fonts drawn in separate passes (symbols, equations) interleave
    rows = lines_by_top(words, 2)
    left = min(w["x0"] for w in words)
    lines = []
    for row in rows:
        text = " ".join(" ".join(w["text"] for w in row).split())
        first = row[0]
        lines.append((text, first["x0"], max(w["x1"] for w in row),
                      (first["x1"] - first["x0"]) / max(len(first["text"]), 1)))
    return join_lines(lines, bbox[2] - (left - bbox[0]))


def _inside(word: dict, boxes: list[Box]) -> bool:
    cx, cy = (word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2
    return any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes)


def _segments(words: list[dict]) -> list[list[dict]]:
    """Upright words → line segments: same baseline band, no wide horizontal gap."""
    segments = []
    for line in lines_by_overlap(words, lookback=3):
        current = [line[0]]
        for word in line[1:]:
            size = max(current[-1].get("size") or 10, word.get("size") or 10)
            if word["x0"] - current[-1]["x1"] > SEGMENT_GAP_EM * size:
                segments.append(current)
                current = []
            current.append(word)
        segments.append(current)
    return segments


def text_blocks(page, page_number: int, exclude: list[Box] = ()) -> list[TextBlock]:
    """The page's text outside ``exclude`` (tables) as paragraphs with their boxes, in reading order."""
    x0, top, x1, bottom = page.bbox
    exclude = list(exclude)
    words = []
    for word in page.extract_words(return_chars=True):  # size from the chars: extra_attrs would split words
        cx, cy = (word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2
        if x0 <= cx <= x1 and top <= cy <= bottom and not _inside(word, exclude):  # off-page text is unseen
            word["size"] = median(c.get("size") or 10 for c in word.pop("chars"))
            words.append(word)
    upright = [w for w in words if w.get("upright", True)]
    sideways = [w for w in words if not w.get("upright", True)]
    paragraphs: list[dict] = []
    for seg in _segments(upright):
        box = (min(w["x0"] for w in seg), min(w["top"] for w in seg), max(w["x1"] for w in seg),
               max(w["bottom"] for w in seg))
        size = median(w.get("size") or 10 for w in seg)
        text = " ".join(w["text"] for w in seg)
        first = seg[0]
        line = (text, box[0], box[2], (first["x1"] - first["x0"]) / max(len(first["text"]), 1))
        for para in reversed(paragraphs[-6:]):
            pbox = para["box"]
            gap = box[1] - pbox[3]
            if (-0.2 * size <= gap <= PARAGRAPH_GAP_EM * size and box[0] < pbox[2] and box[2] > pbox[0]
                    and abs(size - para["size"]) <= 0.15 * para["size"]):
                para["lines"].append(line)
                para["box"] = (min(pbox[0], box[0]), pbox[1], max(pbox[2], box[2]), max(pbox[3], box[3]))
                break
        else:
            paragraphs.append({"lines": [line], "box": box, "size": size})
    for word in sideways:  # vertical text: one block per word run, no paragraph logic
        box = (word["x0"], word["top"], word["x1"], word["bottom"])
        paragraphs.append({"lines": [(word["text"], box[0], box[2], 0.0)], "box": box, "size": word.get("size") or 10})
    if not paragraphs:
        return []
    body = _body_size(upright)
    heading_sizes = sorted({round(p["size"] * 2) / 2 for p in paragraphs if p["size"] >= HEADING_SIZE_RATIO * body},
                           reverse=True)
    blocks = []
    for para in sorted(paragraphs, key=lambda p: (round(p["box"][1]), p["box"][0])):
        level = None
        if para["size"] >= HEADING_SIZE_RATIO * body:
            level = min(heading_sizes.index(round(para["size"] * 2) / 2) + 1, 3)
        text = join_lines(para["lines"], para["box"][2])
        blocks.append(TextBlock(text=text, page=page_number, heading_level=level,
                                bbox=tuple(round(v, 2) for v in para["box"]), method="text_layer"))
    return blocks


def _body_size(words: list[dict]) -> float:
    """The font size that carries the most characters."""
    weight: dict[float, int] = {}
    for w in words:
        size = round((w.get("size") or 10) * 2) / 2
        weight[size] = weight.get(size, 0) + len(w["text"])
    return max(weight, key=weight.get) if weight else 10.0
