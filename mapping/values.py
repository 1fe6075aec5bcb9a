"""Parse the values Korean submissions state: `1만명 당 12.34`, `1,234건`, `12.34%`, `O`/`X`/`○`."""

from __future__ import annotations

import re
import unicodedata

from schemas.programme import Indicator
from schemas.vocabulary import NO_WORDS, YES_WORDS

_NUMBER = re.compile(r"[-−]?\d[\d,]*(?:\.\d+)?")
_MARK = re.compile(r"(?<![A-Za-z])([OX○◯●×✕])(?![A-Za-z])", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"^0{2,}(?:\.0+)?$")


def normalise(text: str) -> str:
    """NFC, unified dashes and spaces: what every matcher compares."""
    text = unicodedata.normalize("NFKC", text or "")
    text = re.sub(r"[‐‑‒–—―−]", "-", text)
    return re.sub(r"\s+", " ", text).strip()


def compact(text: str) -> str:
    """Drop spaces and punctuation: `인구 수 (만 명)` and `인구수(만명)` compare equal."""
    return re.sub(r"[\s()\[\]{}·ㆍ.,:;/'\"“”‘’\-_]", "", normalise(text)).lower()


def numbers(text: str) -> list[float]:
    found = []
    for match in _NUMBER.finditer(normalise(text)):
        raw = match.group().replace(",", "").replace("−", "-")
        try:
            found.append(float(raw))
        except ValueError:
            continue
    return found


def parse_boolean(text: str) -> bool | None:
    t = normalise(text).lower()
    if not t:
        return None
    if t in YES_WORDS:
        return True
    if t in NO_WORDS:
        return False
    marks = [m.group(1).lower() for m in _MARK.finditer(t)]
    if marks:
        return marks[0] in ("o", "○", "◯", "●")
    return None


class UnparseableValue(ValueError):
    """A stated value that cannot be read as its indicator's kind."""


def parse_stated(indicator: Indicator, text: str) -> float | int | bool | str | None:
    """The value of ``text`` as ``indicator`` is read (see shared/indicator-readings.md)."""
    t = normalise(text)
    if not t:
        return None
    reading = indicator.reading
    if indicator.value_kind == "boolean":
        return _parse_bool_reading(reading, t)
    if reading == "sum":
        found = numbers(t)
        if not found:
            raise UnparseableValue(t)
        return _as_kind(indicator, sum(found))
    if reading == "count_before_unit":
        match = re.search(r"([\d,]+(?:\.\d+)?)\s*" + re.escape(indicator.reading_unit or "건"), t)
        if not match:
            raise UnparseableValue(t)
        return _as_kind(indicator, float(match.group(1).replace(",", "")))
    if "당" in t:  # `1만명 당 12.34`, `1km 당 CCTV 수 3.2`: the rate follows the last 당
        t = t.rsplit("당", 1)[1]
    found = numbers(t)
    if not found:
        if indicator.value_kind == "custom":
            return t
        raise UnparseableValue(t)
    return _as_kind(indicator, found[0])


def _parse_bool_reading(reading: str, t: str) -> bool:
    if reading == "named":  # a department named is a yes, unless it says 없음/X
        value = parse_boolean(t)
        return value if value is not None else bool(re.search(r"[가-힣]", t))
    if reading == "boolean_any":
        marks = [m.group(1).lower() for m in _MARK.finditer(t)]
        if marks:
            return any(m in ("o", "○", "◯", "●") for m in marks)
    value = parse_boolean(t)
    if value is None:
        raise UnparseableValue(t)
    return value


def _as_kind(indicator: Indicator, number: float) -> float | int:
    if indicator.value_kind == "count":
        return int(round(number)) if abs(number - round(number)) < 1e-9 else number
    if indicator.value_kind in ("amount", "custom") and number.is_integer():
        return int(number)
    return number


def is_placeholder(text: str) -> bool:
    """The form's `00.00`, `000건` placeholders left unfilled."""
    t = normalise(text)
    found = _NUMBER.findall(t.rsplit("당", 1)[1] if "당" in t else t)
    return bool(found) and all(_PLACEHOLDER.match(n.replace(",", "")) for n in found)
