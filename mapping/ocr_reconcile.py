"""OCR'd 요약표 values against the bundle's other readings of them (``reconcile_ocr_values``): which ones a
reviewer should look at (``ocr.low_confidence``), and which misreadings another reading explains.

A number read from a scan is taken from its cell's text, which OCR may have cut wrong. The other readings of a value
are independent of its cell: the value recomputed from the detail form's components, the value the detail form
states and the number of items it lists.
"""

from __future__ import annotations

import re

from extractors.ocr_parts.lookalikes import ANSWER_SYLLABLES, RING_IN_TEXT, YES_MARK_IN_TEXT
from mapping.values import (
    UnparseableValue,
    compact,
    label_before_marks,
    normalise,
    numbers,
    parse_stated,
    past_template_numbers,
    shaped_like_placeholder,
    yes_no_marks,
)
from schemas.programme import CityProgramme, Indicator
from schemas.settings import settings
from schemas.submission import IndicatorValue
from schemas.vocabulary import mark_vocabulary

# An OCR'd value that its own components do not bear out, or that could be another number of its cell, is no
# surer than this (below settings' ocr_min_confidence, so ocr.low_confidence flags it for a look).
DOUBTFUL_CONFIDENCE = 50.0
# An OCR'd value that an independent reading of the bundle bears out (its recomputation, its detail form's
# statement, the items the form lists) is no longer in doubt, whatever Tesseract thought of its glyphs.
CONFIRMED_CONFIDENCE = 90.0
# "12.285": on a scan a thousands comma and a decimal point differ by a pixel or two, and Korean tables seldom
# give three decimals, so such a number is only as sure as a coin toss unless its form tells which it is.
AMBIGUOUS_SEPARATOR = re.compile(r"(?<![\d.,])\d{1,3}\.\d{3}(?![\d.,])")
COUNTING_UNITS = tuple(mark_vocabulary().counting_units)  # a number before one is whole
_NUMBER_TOKEN = re.compile(r"\d[\d,]*(?:\.\d+)?")


# A thousands comma followed by four digits or more: OCR glued the unit (`3,844개` read `3,84474`) or another number
_MISGROUPED = re.compile(r"\d,\d{4,}")


_WELL_GROUPED = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?![\d.,])")


def _well_grouped(text: str, entry: IndicatorValue) -> bool:
    """Whether ``text`` writes the value with its thousands commas in place (`1,009건`): then a detail form read
    `1,0092` (건 read as 2) is its misreading, not a reason to doubt it."""
    return any(float(m.group().replace(",", "")) == entry.value for m in _WELL_GROUPED.finditer(text))


_SPACED_POINT = re.compile(r"(\d)\.\s+(\d)")
_GLUED_LABEL = re.compile(r"(?<![\d.,])(\d)\.(\d+\.\d+)(?![\d.])")


def mark_readings(indicator: Indicator, text: str) -> list[str]:
    """``text`` of a yes/no cell read again with its look-alike marks in their place (see mapping.summary._rings_restored)."""
    ringed = YES_MARK_IN_TEXT.sub("○", RING_IN_TEXT.sub("○", text))
    readings = [ringed] if ringed != text else []
    template = indicator.summary_template or ""
    if len(yes_no_marks(template)) == 2:  # one O/X: the answer is what follows the label
        label, said = compact(label_before_marks(template)), compact(normalise(ringed))
        answer = said[len(label):] if label and said.startswith(label) else said
        readings.append(ANSWER_SYLLABLES.get(answer, answer))
    spaced = compact(normalise(ringed))
    for label in set(re.findall(r"[\uac00-\ud7a3]+", normalise(template))):
        spaced = spaced.replace(label, f" {label} ")  # `지침예계획예`: OCR lost the spaces the marks stand apart by
    if " " in spaced.strip():
        readings.append(" ".join(spaced.split()))
    return readings


def reconcile_ocr_values(values: dict[str, IndicatorValue], programme: CityProgramme,
                         stated_elsewhere: dict[str, str] | None = None) -> None:
    """Cross-check the 요약표 values read by OCR against what else the bundle says about them.

    A number read from a scan is taken from its cell's text, which OCR may have cut wrong: a stray "1" read
    from the word before it (`1천명 당 (1 수 7.89`, CCTV read as "(1"), a decimal point lost (`198%` for
    1.98) or a comma read as a point. The other readings of a value are independent of its cell: the value
    recomputed from the detail form's components, the value the detail form states (``stated_elsewhere``, its
    text by code) and the number of items it lists. A value one of them bears out is no longer in doubt: its
    confidence is raised to CONFIRMED_CONFIDENCE. When none does, and exactly one other reading of the cell's
    digits (another number in it, or its digits with the point moved) gives one of theirs, that reading is the
    value. Otherwise a value they contradict, or whose cell holds other numbers it could be, keeps at most
    DOUBTFUL_CONFIDENCE, so ocr.low_confidence asks for a look at exactly the values that may be wrong."""
    stated_elsewhere = stated_elsewhere or {}
    # the most a value may be (a rate of at most 100 %), from the programme's at_most constraints
    limits = {term: c.limit for c in programme.constraints if c.kind == "at_most" and c.limit is not None
              for term in c.terms}
    for code, entry in values.items():
        source = entry.source
        if source is None or source.method != "ocr" or not entry.stated_text:
            continue
        indicator = programme.indicator(code)
        detail = stated_elsewhere.get(code)
        if detail:
            detail = _SPACED_POINT.sub(r"\1.\2", detail)  # `7. 34%`: OCR set the digits after the point apart
            detail = _GLUED_LABEL.sub(r"\1 \2", detail)  # `CCTV 4.0.51`: the 수 before 0.51 read as `4.`
        _reconcile(entry, indicator, detail, limits.get(code, float("inf")))
        own = normalise(entry.stated_text)
        if _MISGROUPED.search(own) or _MISGROUPED.search(normalise(detail or "")) and not _well_grouped(own, entry):
            doubt(entry)  # `3,84474`: a comma before more than three digits is a number glued to what followed it


def _reconcile(entry: IndicatorValue, indicator: Indicator, detail: str | None, limit: float) -> None:
    """``reconcile_ocr_values`` for one value, whose detail form states ``detail``."""
    value = entry.value
    others = _other_readings(entry, indicator, detail, limit)
    if indicator.value_kind == "boolean":
        said = [o for o in others if isinstance(o, bool)]
        # the form's `지침 O/X, 계획 O/X` has two marks to read: one found is a reading with a mark lost
        slots = len(yes_no_marks(indicator.summary_template or "")) // 2
        # marks counted as restored (`지침 0, 계획 ○`: two), so the detail form can bear a restored value out
        marks = max(len(yes_no_marks(normalise(t))) for t in [entry.stated_text,
                                                               *mark_readings(indicator, entry.stated_text)])
        if not isinstance(value, bool) or marks < slots and not (value and indicator.reading == "boolean_any"):
            doubt(entry)  # a yes/no row without (all) its marks: OCR lost them (one yes of `지침 ✓, 계획` decides)
        elif value in said:
            _confirm(entry)
        elif said:
            doubt(entry)
        return
    if isinstance(value, str) and not re.search(r"\d", value) and _last_number(detail):
        doubt(entry)  # `스마트 돌봄 플러그 보급 가구 수` where the detail form says 1,664가구: the number went unread
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return
    if indicator.value_kind == "custom" or indicator.reading == "sum":  # no template to read the cell by
        written = _last_number(detail) + _counted_number(detail)
        if any(_agrees(indicator, value, o) for o in others + written):
            _confirm(entry)  # `101 가스차단기 … 3315가구` (IoT read 101): the detail form bears the value out
        elif others:
            numeric = [o for o in others if not isinstance(o, bool)] + written
            text = normalise(entry.stated_text)
            grouped = _grouped_integer(indicator, text)
            if grouped is not None and any(_agrees(indicator, grouped, o) for o in numeric):
                entry.value = grouped  # `2.335가구` where the detail form says 2,335가구
                _confirm(entry)
                return
            candidates = _sum_readings(indicator, text) if indicator.reading == "sum" else set()
            fits = {r for r in _readings(text) | candidates if any(_agrees(indicator, r, o) for o in numeric)}
            same_digits = [o for o in numeric if _digits(value) == _digits(o)]
            if same_digits and any(_counted(t) for t in (text, normalise(detail or ""))):
                entry.value = _plain(max(value, *same_digits))  # `2.335` here, `2,335명` there: a count is whole
                _confirm(entry)
            elif same_digits:
                doubt(entry)  # `1,829` here, `1.829` there: with no template and no unit, no telling comma from point
            elif len(fits) == 1:  # `11875 개` where the detail form says 1,875: a comma read as 1
                entry.value = _plain(fits.pop())
                _confirm(entry)
            elif not _misread_there(entry, indicator, detail):
                doubt(entry)
        return
    text = normalise(entry.stated_text)
    tail = text.rsplit("당", 1)[1] if "당" in text else text
    found = numbers(tail) if "당" in text else past_template_numbers(indicator, numbers(tail))
    found = shaped_like_placeholder(indicator, tail, found) if len(found) > 1 else found
    grouped = _grouped_integer(indicator, tail)
    if grouped is not None:  # `2.787` where the form writes `0,000건`: a thousands comma read as a point
        entry.value = value = grouped
    lost_point = _point_lost(indicator, tail)
    if lost_point is not None:  # `069%` where the form writes `0.00%`: no number is written 0 and digits
        entry.value = value = lost_point
    numeric = [o for o in others if not isinstance(o, bool)]
    # the detail form's cell may hold more than its value (`다운로드 4 30,897 건`, 수 read as 4): its last
    # number bears the value out
    written = _last_number(detail)
    if any(_agrees(indicator, value, o) for o in numeric + written):
        _confirm(entry)
        return
    if numeric:
        # a whole number's cell is read as one: `8,951건` is not the 8.9512 its detail form was misread as
        fits = {r for r in _readings(tail) | _unit_lost_readings(indicator, tail)
                if (r.is_integer() or not _whole_number(indicator)) and any(_agrees(indicator, r, o) for o in numeric)}
        if len(fits) == 1:
            entry.value = _plain(fits.pop())
            _confirm(entry)
        elif not _misread_there(entry, indicator, detail):
            doubt(entry)
        return
    if grouped is not None:
        return
    if lost_point is not None:
        doubt(entry)  # where the point goes is a guess: a reviewer looks
    elif AMBIGUOUS_SEPARATOR.search(tail):  # `12.285`: a thousands comma or a decimal point, a pixel apart
        doubt(entry)
    elif len(found) > 1 and indicator.reading != "count_before_unit":
        unit = _unit_mark(indicator.unit)
        beside = [float(m.group(1).replace(",", "")) for m in re.finditer(r"(\d[\d,]*(?:\.\d+)?)\s*" + re.escape(unit), tail)] \
            if unit else []
        if len(beside) == 1:  # `815 비율 58.95 %` (BIS read as 815): the number the unit follows
            entry.value = _plain(beside[0])
            return
        doubt(entry)
    elif len(numbers(tail)) > 1 and _label_lost(indicator, tail):
        doubt(entry)  # `1천명 당 007 44.15` for `CCTV 수 4.15`: the 수 before the number read as a 4 glued to it


_ZERO_THEN_DIGITS = re.compile(r"(?<![\d.,])0(\d+)(?![\d.,])")


def _point_lost(indicator: Indicator, tail: str) -> float | None:
    """The value of ``tail``'s one number written as a 0 followed by digits (`069`), read with the point after the 0,
    where the form's template writes a decimal point; None otherwise."""
    match = _ZERO_THEN_DIGITS.search(tail)
    if match is None or len(numbers(tail)) != 1 or "." not in (indicator.summary_template or ""):
        return None
    return float("0." + match.group(1))


def _label_lost(indicator: Indicator, tail: str) -> bool:
    """Whether the syllable the form's template writes right before the value (수 of `CCTV 수 00.00`) is missing
    from ``tail``, the cell's text after 당."""
    template = normalise(indicator.summary_template or "")
    before = re.search(r"([\uac00-\ud7a3])\s*\d", template.rsplit("당", 1)[-1])
    return before is not None and before.group(1) not in tail


def _last_number(detail_text: str | None) -> list[float]:
    """The last number of the detail form's statement: its value follows its words there, and OCR makes numbers
    of those words (`다운로드 4 30,897 건`, `혜택자 4 47.24`: 수 read as 4), which bear nothing out."""
    found = numbers(_without_zero_runs(normalise(detail_text or "")))
    return found[-1:]


# Three zeros or more standing alone: scan grain or a ruling remnant read as digits (`비율 22.05 00000`), never a value
_ZERO_RUN = re.compile(r"(?<![\d.,])0{3,}(?![\d.,])")


def _without_zero_runs(text: str) -> str:
    return _ZERO_RUN.sub(" ", text)


def _misread_there(entry: IndicatorValue, indicator: Indicator, detail: str | None) -> bool:
    """Whether the detail form's number is a misreading of a value read with confidence from its 요약표 cell: the
    value is among its readings (`11669 개` for 1,669개, the comma read as 1; `HIS 도입 724` for 7건, the unit read
    as digits). Neither bears the other out, and neither contradicts it: the value keeps its own confidence."""
    written = _last_number(detail)
    sure = (entry.source.confidence or 0.0) >= settings().ocr_min_confidence
    readings = _readings(_number_text(detail)) | _unit_lost_readings(indicator, normalise(detail or ""))
    return sure and bool(written) and any(r == entry.value for r in readings)


def _number_text(detail: str | None) -> str:
    """The detail form's last number as written (its digits, commas and point)."""
    found = _NUMBER_TOKEN.findall(_without_zero_runs(normalise(detail or "")))
    return found[-1] if found else ""


def _unit_syllable(indicator: Indicator) -> str | None:
    """The syllable the form's template writes right after its placeholder (`00개` → 개, `국외 00건` → 건)."""
    found = re.search(r"\d\s*([\uac00-\ud7a3])", normalise(indicator.summary_template or ""))
    return found.group(1) if found else None


def _unit_lost(indicator: Indicator, text: str) -> list[tuple[str, bool]]:
    """Each number of ``text`` as written, and whether the unit syllable the template writes after it is missing
    there (`974` for `9개`: the 개 read as digits glued to the number)."""
    unit = _unit_syllable(indicator)
    return [(m.group(), unit is not None and not text[m.end():].lstrip().startswith(unit))
            for m in _NUMBER_TOKEN.finditer(text)]


def _cut(raw: str) -> set[float]:
    """A number written ``raw`` with its last one or two digits taken for a unit syllable OCR read as digits."""
    digits = re.sub(r"\D", "", raw)
    return {float(digits[:-k]) for k in (1, 2) if len(digits) > k}


def _unit_lost_readings(indicator: Indicator, text: str) -> set[float]:
    """``text``'s numbers whose unit is lost, read with the unit's digits cut off."""
    return {r for raw, lost in _unit_lost(indicator, text) if lost for r in _cut(raw)}


MAX_SUMMANDS = 4


def _sum_readings(indicator: Indicator, text: str) -> set[float]:
    """The sums a sum's cell may hold (`국내 7건, 국외 121` for 국외 1건): each number as written, or cut where its
    unit is lost."""
    parts = _unit_lost(indicator, text)
    if not parts or len(parts) > MAX_SUMMANDS:
        return set()
    sums = {0.0}
    for raw, lost in parts:
        options = {float(raw.replace(",", ""))} | (_cut(raw) if lost else set())
        sums = {s + o for s in sums for o in options}
    return sums


def _other_readings(entry: IndicatorValue, indicator: Indicator, detail_text: str | None,
                    limit: float = float("inf")) -> list[float | bool]:
    """What the bundle says of the value apart from its 요약표 cell: recomputed, stated on the detail form, listed."""
    out: list[float | bool] = []
    if entry.recomputed is not None and entry.recomputed <= limit:
        out.append(entry.recomputed)  # over the limit (1,586,946 %): a component misread, no reading of the value
    if detail_text:  # read from the same scan, its comma may have come back as a point too
        try:
            stated = _grouped_integer(indicator, normalise(detail_text)) or parse_stated(indicator, detail_text)
        except UnparseableValue:
            stated = None
        after = _without_zero_runs(normalise(detail_text).rsplit("당", 1)[-1]) if "당" in detail_text else ""
        if isinstance(stated, (int, float)) and not isinstance(stated, bool) and len(numbers(after)) > 1:
            stated = _last_number(after)[0]  # `혜택자 4 47.24`: the words before a rate read as a number too
        if isinstance(stated, bool) or (isinstance(stated, (int, float))
                                        and (float(stated).is_integer() or not _whole_number(indicator))):
            out.append(stated)  # not `8.9512` for a count the form writes `0,000건`: a misreading of its detail form
    if indicator.listed_items and entry.listed_items:
        out.append(float(entry.listed_items))
    return out


def _confirm(entry: IndicatorValue) -> None:
    entry.source = entry.source.model_copy(update={"confidence": max(entry.source.confidence or 0.0, CONFIRMED_CONFIDENCE)})


def doubt(entry: IndicatorValue) -> None:
    entry.source = entry.source.model_copy(update={"confidence": min(entry.source.confidence or 0.0, DOUBTFUL_CONFIDENCE)})


def _grouped_integer(indicator: Indicator, text: str) -> int | None:
    """The whole number ``text`` writes as `2.787` when the form's placeholder for the value has no decimals
    (`0,000건`, `000백만원`), or, for a city's own indicator (no template), when a counting unit follows it
    (`2.335가구`): on a scan its thousands comma came back as a point. None otherwise."""
    found = list(AMBIGUOUS_SEPARATOR.finditer(text))
    if len(found) != 1 or len([n for n in numbers(text) if n]) != 1:  # scan specks read as `000` are no number
        return None
    if not (_whole_number(indicator) or indicator.value_kind == "custom" and _counted(text)):
        return None
    return int(found[0].group().replace(".", ""))


def _counted_number(detail_text: str | None) -> list[float]:
    """The last number of the detail form's statement that a counting unit follows (`13 개소` of `… 수 13 개소 2:`,
    grain read after it), if any."""
    text = normalise(detail_text or "")
    found = [m for m in _NUMBER_TOKEN.finditer(text) if compact(text[m.end():]).startswith(COUNTING_UNITS)]
    return [float(found[-1].group().replace(",", ""))] if found else []


def _counted(text: str) -> bool:
    """Whether ``text``'s last number is followed by a counting unit (`2,335명`, `1.829가 구`): it is whole."""
    found = list(_NUMBER_TOKEN.finditer(text))
    return bool(found) and compact(text[found[-1].end():]).startswith(COUNTING_UNITS)


def _whole_number(indicator: Indicator) -> bool:
    """Whether the form's placeholder for the value has no decimals (`0,000건`, `000백만원`) on a count or an amount."""
    placeholder = [m.group() for m in _NUMBER_TOKEN.finditer(indicator.summary_template or "")]
    return bool(placeholder) and not any("." in p for p in placeholder) and indicator.value_kind in ("count", "amount")


def _unit_mark(unit: str | None) -> str | None:
    """The unit as a cell writes it after the number: `%` for %, `개` for 개/만명; None for a rate per
    population (`12.01` follows `1만명 당 기업 수`, not its unit)."""
    if not unit or "/" in unit:
        return None
    return unit


def _readings(text: str) -> set[float]:
    """Every number the text may hold: its numbers as written, each one's digits with the decimal point put
    anywhere (or nowhere), and with one digit fewer (a unit syllable or a comma read as a digit: `44` for
    `4건`, `11875` for `1,875`)."""
    out = set(numbers(text))
    for raw in re.findall(r"\d[\d.,]*\d|\d", text):
        digits = re.sub(r"\D", "", raw)
        out.add(float(digits))
        out.update(float(digits[:k] + "." + digits[k:]) for k in range(1, len(digits)))
        out.update(float(digits[:k] + digits[k + 1:]) for k in range(len(digits)) if len(digits) > 1)
    return out


def _same(a: float, b: float) -> bool:
    """Equal as stated values are compared: within 0.5 % or 0.01 (a value is written to two decimals)."""
    return abs(a - b) <= max(0.01, 0.005 * abs(b))


def _agrees(indicator: Indicator, a: float, b: float) -> bool:
    """Whether two readings of a value agree: exactly for a whole number the form writes without decimals (8,154 is
    no reading of 8,152), else as stated values are compared (``_same``)."""
    return a == b if _whole_number(indicator) else _same(a, b)


def _digits(number: float) -> str:
    """The digits of a value without its point or trailing zeros (1829 and 1.829 → "1829")."""
    return re.sub(r"\D", "", f"{number:.6f}").strip("0")


def _plain(number: float) -> float | int:
    return int(number) if float(number).is_integer() else number
