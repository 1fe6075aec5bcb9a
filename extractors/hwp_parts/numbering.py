"""HWPX paragraph heads: the "1.", "가.", "1)" and bullets that Hancom draws before numbered paragraphs.

They are not in the paragraph's text but in ``Contents/header.xml``: a paragraph's ``paraPr`` names a
heading (``OUTLINE`` = the section's outline numbering, ``NUMBER`` = a numbering, ``BULLET`` = a
bullet) and a level; the numbering's ``paraHead`` for that level holds a pattern such as ``^1.^2.``
where ``^n`` is the counter of level n in level n's number format. Government documents often number
their items this way, so "가. 교통" only reads right with its head.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_HANGUL = "가나다라마바사아자차카타파하"
_JAMO = "ㄱㄴㄷㄹㅁㅂㅅㅇㅈㅊㅋㅌㅍㅎ"
_PHONETIC = ["일", "이", "삼", "사", "오", "육", "칠", "팔", "구", "십"]
_IDEOGRAPH = "一二三四五六七八九十"
_ROMAN = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
_PLACEHOLDER = re.compile(r"\^(10|[1-9])")


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def format_number(n: int, kind: str) -> str:
    """A counter in one of OWPML's number formats (unknown formats fall back to digits)."""
    if n < 1:
        return str(n)
    cyclic = {"HANGUL_SYLLABLE": _HANGUL, "HANGUL_JAMO": _JAMO, "LATIN_CAPITAL": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
              "LATIN_SMALL": "abcdefghijklmnopqrstuvwxyz"}
    circled = {"CIRCLED_DIGIT": (0x2460, 20), "CIRCLED_HANGUL_SYLLABLE": (0x326E, 14),
               "CIRCLED_HANGUL_JAMO": (0x3260, 14), "CIRCLED_LATIN_CAPITAL": (0x24B6, 26),
               "CIRCLED_LATIN_SMALL": (0x24D0, 26), "CIRCLED_IDEOGRAPH": (0x3280, 10)}
    if kind in cyclic:
        return cyclic[kind][(n - 1) % len(cyclic[kind])]
    if kind in circled:
        start, count = circled[kind]
        return chr(start + n - 1) if n <= count else str(n)
    if kind in ("ROMAN_CAPITAL", "ROMAN_SMALL"):
        out, rest = "", n
        for value, letters in _ROMAN:
            while rest >= value:
                out, rest = out + letters, rest - value
        return out if kind == "ROMAN_CAPITAL" else out.lower()
    if kind == "HANGUL_PHONETIC" and n <= 10:
        return _PHONETIC[n - 1]
    if kind == "IDEOGRAPH" and n <= 10:
        return _IDEOGRAPH[n - 1]
    return str(n)


@dataclass
class Level:
    start: int = 1
    num_format: str = "DIGIT"
    pattern: str = ""


@dataclass
class Numbering:
    """Paragraph shapes, numberings and bullets of one document, and the running counters."""

    heading_of_para_pr: dict[str, tuple[str, str, int]] = field(default_factory=dict)  # id -> (type, idRef, level)
    numberings: dict[str, dict[int, Level]] = field(default_factory=dict)  # id -> 1-based level -> Level
    bullets: dict[str, str] = field(default_factory=dict)  # id -> bullet character
    outline_id: str = "1"  # numbering used by OUTLINE paragraphs (the section's outlineShapeIDRef)
    counters: dict[tuple[str, str], dict[int, int]] = field(default_factory=dict)

    @classmethod
    def from_header(cls, root) -> Numbering:
        self = cls()
        if root is None:
            return self
        for el in root.iter():
            name = local(el.tag)
            if name == "paraPr":
                heading = next((h for h in el.iter() if local(h.tag) == "heading"), None)
                if heading is not None and heading.get("type", "NONE") != "NONE":
                    self.heading_of_para_pr[el.get("id", "")] = (
                        heading.get("type", ""), heading.get("idRef", "0"), _int(heading.get("level"), 0))
            elif name == "numbering":
                levels = {}
                for head in el:
                    if local(head.tag) == "paraHead":
                        levels[_int(head.get("level"), 1)] = Level(
                            _int(head.get("start"), 1), head.get("numFormat", "DIGIT"), head.text or "")
                self.numberings[el.get("id", "")] = levels
            elif name == "bullet":
                self.bullets[el.get("id", "")] = "" if el.get("useImage") == "1" else el.get("char", "")
        return self

    def heading_level(self, para_pr: str | None) -> int | None:
        """1-based outline level of an OUTLINE (개요) paragraph, None for other paragraphs."""
        kind, _, level = self.heading_of_para_pr.get(para_pr or "", ("NONE", "", 0))
        return level + 1 if kind == "OUTLINE" else None

    def head(self, para_pr: str | None) -> str:
        """The head to put before the paragraph's text ("" when it has none); advances the counters."""
        kind, ref, level0 = self.heading_of_para_pr.get(para_pr or "", ("NONE", "", 0))
        if kind == "BULLET":
            char = self.bullets.get(ref, "")
            return f"{char} " if char else ""
        if kind not in ("OUTLINE", "NUMBER"):
            return ""
        numbering_id = self.outline_id if kind == "OUTLINE" else ref
        levels = self.numberings.get(numbering_id, {})
        level = level0 + 1
        if level not in levels or not levels[level].pattern:
            return ""
        counters = self.counters.setdefault((kind, numbering_id), {})
        counters[level] = counters[level] + 1 if level in counters else levels[level].start
        for deeper in [lv for lv in counters if lv > level]:
            del counters[deeper]
        for upper in range(1, level):
            counters.setdefault(upper, levels.get(upper, Level()).start)

        def number(match: re.Match) -> str:
            lv = int(match.group(1))
            return format_number(counters.get(lv, levels.get(lv, Level()).start), levels.get(lv, Level()).num_format)

        text = _PLACEHOLDER.sub(number, levels[level].pattern)
        return f"{text} " if text else ""


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default
