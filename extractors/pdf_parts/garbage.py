"""Is a page's text layer readable, or the garbage of a font without a usable ToUnicode map?

Three signs, each as a share, each against its own threshold; the page's score is the largest
share divided by its threshold, so a score of 1.0 or more means the layer is (at least partly) garbage:

- placeholders: ``(cid:123)`` (pdfminer's stand-in for a glyph it cannot map), private-use-area
  code points (U+E000–U+F8FF, planes 15–16) and U+FFFD, among all non-space characters;
- rare syllables: Hangul syllables outside the 2,350 of KS X 1001 among all Hangul syllables. Real
  Korean prose uses almost only those (well over 99 %); glyph ids read as code points land
  anywhere in the 11,172 syllables, about four in five of them outside;
- jamo soup: loose jamo (Hangul Compatibility Jamo U+3130–U+318F, conjoining Jamo U+1100–U+11FF)
  among all Hangul. Fonts exported by Hancom Office without ToUnicode often come out as strings of
  jamo; real text uses them only as bullets and list markers (ㅇ, ㅁ, ㄱ.).

A page is sent to OCR only when, on top of that, less than READABLE_MIN_SHARE of its characters
are readable: Hancom Office writes equations in fonts (HancomEQN, HyhwpEQ) whose glyphs land in the
private use area, and a page of Korean prose with formulas keeps its good text layer.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

CID = re.compile(r"\(cid:\d+\)")

# Thresholds. A page needs at least MIN_CHARS non-space characters (MIN_HANGUL syllables for the
# Hangul signs) before a share means anything: a page number or a one-word caption proves nothing.
MIN_CHARS = 20
MIN_HANGUL = 20
# 10 %: symbol fonts legitimately put bullets, check boxes and arrows in the private use area
# (Wingdings, Hancom's HY symbol fonts) — a few per page; a page with no ToUnicode is nearly all
# placeholders (well over 50 %).
PLACEHOLDER_SHARE = 0.10
# 25 %: real Korean text hardly leaves KS X 1001 (none of the ~25,000 syllables sampled from the
# corpus's guides; rare names and loanwords at most a few); random glyph ids land outside ~79 % of
# the time, so even text that is half right still crosses 25 %.
RARE_SYLLABLE_SHARE = 0.25
# 30 %: bullets and list markers (ㅇ, ㅁ) are one jamo per line of syllables, a few per cent of a
# page's Hangul; jamo soup is mostly jamo.
JAMO_SHARE = 0.30
# 25 %: in the Hancom guides of the corpus, pages with equations keep 34–90 % readable characters;
# a body font without ToUnicode leaves only running heads and page numbers (a few %).
READABLE_MIN_SHARE = 0.25


@dataclass
class GarbageScore:
    chars: int  # non-space characters, a (cid:n) counted as one
    placeholders: float  # shares, 0–1
    rare_syllables: float
    jamo: float
    readable: float = 1.0  # share of characters that are none of the above

    @property
    def score(self) -> float:
        return max(self.placeholders / PLACEHOLDER_SHARE, self.rare_syllables / RARE_SYLLABLE_SHARE,
                   self.jamo / JAMO_SHARE)

    @property
    def is_garbage(self) -> bool:
        """Garbage enough to read the page by OCR instead."""
        return self.score >= 1.0 and self.readable < READABLE_MIN_SHARE

    @property
    def partly_garbage(self) -> bool:
        """Some unmapped glyphs (equations, symbols) among enough readable text to keep."""
        return self.score >= 1.0 and not self.is_garbage

    def reason(self) -> str:
        parts = []
        if self.placeholders >= PLACEHOLDER_SHARE:
            parts.append(f"{self.placeholders:.0%} unmapped glyphs (CID, private use, U+FFFD)")
        if self.rare_syllables >= RARE_SYLLABLE_SHARE:
            parts.append(f"{self.rare_syllables:.0%} of Hangul syllables outside KS X 1001")
        if self.jamo >= JAMO_SHARE:
            parts.append(f"{self.jamo:.0%} loose Hangul jamo")
        return "; ".join(parts) or "readable"


def _private(ch: str) -> bool:
    cp = ord(ch)
    return 0xE000 <= cp <= 0xF8FF or cp >= 0xF0000 or cp == 0xFFFD


def _common_syllable(ch: str) -> bool:
    # KS X 1001's 2,350 precomposed syllables are exactly those EUC-KR encodes in two bytes; Python
    # writes the other 8,822 as 8-byte KS X 1001 annex-3 make-up sequences.
    return len(ch.encode("euc_kr", errors="replace")) == 2


def garbage_score(text: str) -> GarbageScore:
    cids = len(CID.findall(text))
    text = CID.sub("", text)
    chars = [ch for ch in text if not ch.isspace()]
    n = len(chars) + cids
    placeholders = cids + sum(_private(ch) for ch in chars)
    syllables = [ch for ch in chars if "\uac00" <= ch <= "\ud7a3"]
    jamo = sum(1 for ch in chars if "\u3130" <= ch <= "\u318f" or "\u1100" <= ch <= "\u11ff")
    rare = sum(not _common_syllable(ch) for ch in syllables)
    hangul = len(syllables) + jamo
    score = GarbageScore(
        chars=n,
        placeholders=placeholders / n if n >= MIN_CHARS else 0.0,
        rare_syllables=rare / len(syllables) if len(syllables) >= MIN_HANGUL else 0.0,
        jamo=jamo / hangul if hangul >= MIN_HANGUL else 0.0,
    )
    # when a Hangul sign fires, the whole Hangul of the page came through the same broken mapping
    bad_hangul = hangul if (score.rare_syllables >= RARE_SYLLABLE_SHARE or score.jamo >= JAMO_SHARE) else 0
    score.readable = (n - placeholders - bad_hangul) / n if n else 1.0
    return score


def hangul_share(text: str) -> float:
    """Share of Hangul syllables among the letters of ``text`` (for checks on Korean documents)."""
    letters = [ch for ch in unicodedata.normalize("NFC", text) if ch.isalpha()]
    return sum("\uac00" <= ch <= "\ud7a3" for ch in letters) / len(letters) if letters else 0.0
