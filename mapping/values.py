"""Parse the values Korean submissions state: `1만명 당 12.34`, `1,234건`, `12.34%`, `O`/`X`/`○`/`있음`, and
the boxes ticked on a form (`■ 대도시 □ 중소도시`). Yes/no words and box marks are data (schemas/vocabulary.yaml)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

from schemas.programme import Indicator
from schemas.vocabulary import NO_WORDS, YES_WORDS, mark_vocabulary

_NUMBER = re.compile(r"[-−]?\d[\d,]*(?:\.\d+)?")
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


# ---- marks: yes/no words in a text, and ticked boxes --------------------------------------------------------

_LATIN = "A-Za-z0-9"
_HANGUL = "가-힣ㄱ-ㅎㅏ-ㅣ"


def _mark_pattern(mark: str) -> str:
    """``mark`` as a regular expression that finds it where it stands: the letters of a word may be spaced
    (`있 음`, `해당 없음`); a mark of Latin letters stands apart from Latin letters and digits; a Korean mark
    is not followed by Korean letters (and a one-syllable one not preceded by them either: the 예 of 예산 is
    no mark); a mark of punctuation only (`-`) stands apart and closes its part (`도입 -`, `(승인 -)`); other
    symbols (○ ■ ✓) stand anywhere."""
    mark = unicodedata.normalize("NFKC", mark).strip()
    body = r"\s*".join(re.escape(ch) for ch in mark.replace(" ", ""))
    first, last = mark[0], mark[-1]
    before = after = ""
    if re.match(f"[{_LATIN}]", first):
        before = f"(?<![{_LATIN}])"
    if re.match(f"[{_LATIN}]", last):
        after = f"(?![{_LATIN}])"
    if re.match(f"[{_HANGUL}]", last):
        after = f"(?![{_HANGUL}])"
        if len(mark) == 1:
            before = f"(?<![{_HANGUL}])"
    if all(unicodedata.category(ch).startswith("P") for ch in mark):  # `도입 -`, `(승인 -)`, not `과 - 팀`
        before, after = r"(?<![^\s(\[,])", r"(?=\s*(?:$|[)\],]))"
    return before + body + after


def _alternation(marks: Sequence[str]) -> str:
    unique = sorted({unicodedata.normalize("NFKC", m).strip() for m in marks if m.strip()}, key=lambda m: (-len(m), m))
    return "|".join(_mark_pattern(m) for m in unique)


@lru_cache(maxsize=1)
def _yes_no_marks() -> tuple[re.Pattern, frozenset[str]]:
    """All inline yes/no marks in one pattern (longest first), and the yes ones in compared form."""
    marks = mark_vocabulary().yes_no.marks
    pattern = re.compile(_alternation([*marks.yes, *marks.no]), re.IGNORECASE)
    return pattern, frozenset(compact(m) for m in marks.yes)


@lru_cache(maxsize=1)
def _yes_no_options() -> tuple[list[str], frozenset[str]]:
    """The yes/no marks written as words that a box can be ticked next to (`■ 있음 □ 없음`, `[V] 예 [ ] 아니오`),
    and the yes ones in compared form. (Not the whole answers: 수립 in `계획 수립 □` is the label's.)"""
    marks = mark_vocabulary().yes_no.marks
    words = [w for w in [*marks.yes, *marks.no] if re.search(f"[{_LATIN}{_HANGUL}]", w)]
    return words, frozenset(compact(w) for w in marks.yes)


@dataclass(frozen=True)
class Box:
    """A box found in a text: where it stands in the normalised text and whether it is ticked."""

    start: int
    end: int
    ticked: bool


@lru_cache(maxsize=1)
def _box_pattern() -> tuple[re.Pattern, frozenset[str], frozenset[str]]:
    """Boxes written bracketed ([V], [ ], (■)) or bare (■, □, V), and the marks that tick bare and inside
    brackets, lower-cased (a bare ○ is an empty box, a bracketed one is ticked)."""
    box = mark_vocabulary().checkbox
    inside = _alternation([*box.ticked, *box.unticked, *box.bracketed_ticked])
    bracketed = [f"{re.escape(pair[0])}\\s*(?:{inside})?\\s*{re.escape(pair[1])}" for pair in box.brackets]
    bare = _alternation([*box.ticked, *box.unticked])

    def words(marks: Sequence[str]) -> frozenset[str]:
        return frozenset(unicodedata.normalize("NFKC", m).strip().lower() for m in marks)

    return (re.compile("|".join([*bracketed, bare]), re.IGNORECASE), words(box.ticked),
            words([*box.ticked, *box.bracketed_ticked]))


def find_boxes(text: str) -> list[Box]:
    """The boxes of ``text`` (normalised), ticked or not, in order."""
    pattern, ticking, ticking_bracketed = _box_pattern()
    openers = {pair[0] for pair in mark_vocabulary().checkbox.brackets}
    brackets = "".join(mark_vocabulary().checkbox.brackets)
    found = []
    for match in pattern.finditer(text):
        written = match.group()
        inner = written.strip(brackets + " ").lower()
        ticks = ticking_bracketed if written[0] in openers else ticking
        found.append(Box(match.start(), match.end(), bool(inner) and inner in ticks))
    return found


def box_state(text: str) -> bool | None:
    """A cell holding only a box: True ticked, False empty box; None when it holds anything else."""
    t = normalise(text)
    boxes = find_boxes(t)
    if len(boxes) == 1 and boxes[0].start == 0 and boxes[0].end == len(t):
        return boxes[0].ticked
    return None


@dataclass(frozen=True)
class Choice:
    """What a line of boxes says about ``options``: those ticked (in order), and how many boxes name one."""

    ticked: list[str]
    labelled: int


def _option_for(label: str, options: dict[str, str], follows_mark: bool) -> str | None:
    """The option a box's label names: equal to it, or (the longest) one it starts with when the label
    follows its box (`■ 대도시 (인구 50만 이상)`), ends with when it precedes it (`신청 유형 대도시 ■`)."""
    key = compact(label)
    if not key:
        return None
    if key in options:
        return options[key]
    fits = [k for k in options if (key.startswith(k) if follows_mark else key.endswith(k))]
    return options[max(fits, key=len)] if fits else None


def read_choice(text: str, options: Sequence[str]) -> Choice | None:
    """The options ticked in ``text`` (`■ 대도시 □ 중소도시`, `[V] 교통 [ ] 행정`, `대도시(■) 중소도시( )`,
    `● 단위 ○ 연계`), None when it has no box next to any option. A box stands before its option or after
    it: the reading that names more options wins (before, when equal)."""
    t = normalise(text)
    boxes = find_boxes(t)
    if not boxes:
        return None
    keyed = {compact(o): o for o in options if compact(o)}
    tails = [*[b.start for b in boxes[1:]], len(t)]
    after = [_option_for(t[b.end:tail], keyed, True) for b, tail in zip(boxes, tails)]
    ends = [0, *[b.end for b in boxes[:-1]]]
    before = [_option_for(t[start:b.start], keyed, False) for b, start in zip(boxes, ends)]
    def ticked(labels: list[str | None]) -> list[str]:
        return [label for box, label in zip(boxes, labels) if box.ticked and label]

    n_before, n_after = sum(map(bool, before)), sum(map(bool, after))
    if not n_before and not n_after:
        return None
    if n_before == n_after and ticked(before) != ticked(after):  # a box between two options: which is it?
        if boxes[0].start == 0:
            n_after += 1
        elif boxes[-1].end == len(t):
            n_before += 1
        else:
            return Choice(ticked=[], labelled=n_after)
    labels = before if n_before > n_after else after
    return Choice(ticked=ticked(labels), labelled=max(n_before, n_after))


def ticked_option(text: str, options: Sequence[str]) -> str | None:
    """The one option ticked in ``text``; None when none or several are ticked, or there are no boxes."""
    choice = read_choice(text, options)
    return choice.ticked[0] if choice and len(set(choice.ticked)) == 1 else None


def is_not_applicable(text: str) -> bool:
    """An empty cell or one saying nothing was chosen (`-`, `해당 없음`)."""
    key = compact(text)
    return not key or key in {compact(w) for w in mark_vocabulary().not_applicable}


def yes_no_marks(text: str) -> list[bool]:
    """The yes/no marks of ``text`` in order: a whole answer (`예`, `도입`), the yes/no words ticked
    (`■ 있음 □ 없음`), else the marks where they stand (`계획 수립 ○ (승인 ×)`, `관련 조례 있음`)."""
    t = normalise(text).lower()
    if not t:
        return []
    if t in YES_WORDS or compact(t) in {compact(w) for w in YES_WORDS} - {""}:
        return [True]
    if t in NO_WORDS or compact(t) in {compact(w) for w in NO_WORDS} - {""}:
        return [False]
    words, yes_words = _yes_no_options()
    choice = read_choice(t, words)
    if choice is not None:
        return [compact(word) in yes_words for word in choice.ticked]
    pattern, yes_marks = _yes_no_marks()
    return [compact(m.group()) in yes_marks for m in pattern.finditer(t)]


def label_before_marks(text: str) -> str:
    """``text`` (normalised) up to its first yes/no mark: the label a form's template puts before it
    (`안내서비스 도입` of `안내서비스 도입 O/X`)."""
    t = normalise(text)
    found = _yes_no_marks()[0].search(t)
    return t[:found.start()].strip() if found else t


def parse_boolean(text: str) -> bool | None:
    """Yes or no as ``text`` states it first; None when it says neither."""
    marks = yes_no_marks(text)
    return marks[0] if marks else None


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
        if match:
            return _as_kind(indicator, float(match.group(1).replace(",", "")))
        found = numbers(t)
        if len(found) != 1:  # `125종, 1,340` without its unit: which number is the count is not known
            raise UnparseableValue(t)
        return _as_kind(indicator, found[0])  # written bare: `1,340`
    if "당" in t:  # `1만명 당 12.34`, `1km 당 CCTV 수 3.2`: the rate follows the last 당
        t = t.rsplit("당", 1)[1]
        found = numbers(t)
    else:  # the 당 left out or lost by OCR (`1천명 Scciv 수 7.58`): the form's own numbers are no value
        found = past_template_numbers(indicator, numbers(t))
    if len(found) > 1 and indicator.value_kind != "custom":
        found = shaped_like_placeholder(indicator, t, found)
    if not found:
        if indicator.value_kind == "custom":
            return t
        raise UnparseableValue(t)
    # a city's own indicator names its measure first (`5G 기지국 수 120개`): its value is the last number
    return _as_kind(indicator, found[-1] if indicator.value_kind == "custom" else found[0])


def shaped_like_placeholder(indicator: Indicator, text: str, found: list[float]) -> list[float]:
    """Of several numbers in ``text``, the one written with as many decimals as the form's placeholder
    (`1천명 당 CCTV 수 00.00`) when exactly one is: OCR makes numbers of the words around a rate (`CCTV` read
    as `007`), never with its decimals. ``found`` unchanged otherwise."""
    places = {len(m.group(1)) for m in re.finditer(r"\d\.(\d+)", indicator.summary_template or "")}
    if len(places) != 1:
        return found
    decimals = places.pop()
    shaped = [float(m.group().replace(",", "")) for m in _NUMBER.finditer(text)
              if re.search(r"\.\d{%d}$" % decimals, m.group())]
    return shaped if len(shaped) == 1 else found


def past_template_numbers(indicator: Indicator, found: list[float]) -> list[float]:
    """``found`` without the leading numbers the summary template writes before its placeholder (the 1 of
    `1천명 당 CCTV 수 00.00`), when the text starts with exactly those and has more after them."""
    template = indicator.summary_template or ""
    placeholder = next((m for m in _NUMBER.finditer(template) if _PLACEHOLDER.match(m.group().replace(",", ""))), None)
    fixed = numbers(template[:placeholder.start()]) if placeholder else []
    if fixed and len(found) > len(fixed) and found[:len(fixed)] == fixed:
        return found[len(fixed):]
    return found


def _parse_bool_reading(reading: str, t: str) -> bool:
    if reading == "named":  # a department named is a yes, unless it says 없음/X
        value = parse_boolean(t)
        return value if value is not None else bool(re.search(f"[{_HANGUL}]", t))
    marks = yes_no_marks(t)
    if not marks:
        raise UnparseableValue(t)
    return any(marks) if reading == "boolean_any" else marks[0]


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
