"""Map the 정량지표 요약표 onto indicator codes, with the stated text, value and evidence pages."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from itertools import groupby

from extractors.model import Document
from extractors.ocr_parts.lookalikes import DASH_READINGS
from mapping.ocr_reconcile import doubt, mark_readings
from mapping.values import (
    UnparseableValue,
    compact,
    is_not_applicable,
    is_placeholder,
    normalise,
    numbers,
    parse_stated,
    yes_no_marks,
)
from schemas.programme import CityProgramme, Indicator, SummaryTableLabels
from schemas.provenance import Provenance
from schemas.settings import settings
from schemas.submission import IndicatorValue

NAME_MATCH_CUTOFF = 0.86
MISREAD_CUTOFF = 0.7  # an OCR'd row's name against the next few indicators' names (misread_match)
MISREAD_LOOKAHEAD = 3
TRAILING_PARENTHESES = re.compile(r"\s*\([^()]*\)\s*$")


@dataclass
class SummaryRow:
    indicator: Indicator
    stated_text: str
    evidence_pages: list[int]
    provenance: Provenance


@dataclass
class SummaryResult:
    values: dict[str, IndicatorValue] = field(default_factory=dict)
    unparseable: list[tuple[SummaryRow, str]] = field(default_factory=list)
    placeholders: list[SummaryRow] = field(default_factory=list)
    rows_of: set[str] = field(default_factory=set)  # codes with a row in the 요약표, whatever its value
    # codes that rows read by OCR with a value, but given no indicator (name and place unread), may stand for
    unplaced_could_be: set[str] = field(default_factory=set)


class IndicatorNames:
    """Indicator lookup by code or by (compacted) name and its variants.

    Codes are read as the programme's ``code_format`` writes them, with spaces allowed around the
    separator (`A - 2 - 1`). Names several indicators share (each domain's 지자체 자체 설정 지표)
    are told apart by the domain named elsewhere in the row.
    """

    def __init__(self, programme: CityProgramme):
        fmt = programme.code_format
        spaced = r"\s*" + re.escape(fmt.separator) + r"\s*"
        self._separator, self._parts = fmt.separator, len(fmt.parts)
        self._code = re.compile(r"\b" + spaced.join(f"(?P<p{n}>{part})" for n, part in enumerate(fmt.parts)) + r"\b")
        self._leading_code = re.compile(r"^" + spaced.join(f"(?:{part})" for part in fmt.parts) + r"\s*")
        self.by_code = {i.code: i for i in programme.indicators}
        self._order = [i.code for i in programme.indicators]
        self._optional = {d.code for d in programme.domain_rules.domains if d.kind == "optional"}
        self.by_name: dict[str, list[Indicator]] = {}
        for ind in programme.indicators:
            for name in (ind.name, *ind.name_variants):
                # also without a trailing period or note: forms write their own (`('23.06~'25.05)`)
                for key in {compact(name), compact(TRAILING_PARENTHESES.sub("", normalise(name)))}:
                    bucket = self.by_name.setdefault(key, [])
                    if ind not in bucket:
                        bucket.append(ind)

    def find_code(self, text: str) -> str | None:
        """The first code-shaped text in ``text``, written as the programme writes codes (known or not)."""
        match = self._code.search(normalise(text))
        return self._separator.join(match.group(f"p{n}") for n in range(self._parts)) if match else None

    def without_code(self, text: str) -> str:
        """``text`` (normalised) without a code at its start."""
        return self._leading_code.sub("", normalise(text))

    def candidates(self, text: str) -> list[Indicator]:
        key = compact(text)
        if len(key) < 4:
            return []
        if key in self.by_name:
            return self.by_name[key]
        close = difflib.get_close_matches(key, self.by_name, n=1, cutoff=NAME_MATCH_CUTOFF)
        if close:
            return self.by_name[close[0]]
        bare = TRAILING_PARENTHESES.sub("", normalise(text))  # a period or note after the name: `… (2년간) ('23.08~'25.07)`
        if bare != normalise(text):
            return self.candidates(bare)
        # a city's own indicator is often written with its measure: `지자체 자체 설정 지표 제시 (드론 순찰 횟수)`
        return next((found for name, found in self.by_name.items()
                     if all(i.self_defined for i in found) and key.startswith(name)), [])

    def own_indicator_after(self, previous: Indicator | None) -> Indicator | None:
        """The domain's own indicator (지자체 자체 설정 지표) when it is the next after ``previous``: a city
        writes it under its own name, so an unknown name right after a domain's last indicator is it."""
        if previous is None:
            return None
        following = self._order.index(previous.code) + 1
        if following < len(self._order):
            candidate = self.by_code[self._order[following]]
            if candidate.self_defined and candidate.domain == previous.domain:
                return candidate
        return None

    def misread_match(self, row: list[str], stated_col: int | None, previous: Indicator | None) -> tuple[Indicator, int] | None:
        """For a row read by OCR, whose name may have lost a word or a few letters: the closest name at
        a looser cutoff, taken only when it is one of the next few indicators after ``previous`` in the
        programme's order (the 요약표 lists them in order), so a misreading cannot jump to another row. Names
        are compared in syllables: OCR makes digits of their Latin (`병원의료정보시스템(119)` for `(HIS)`, `107`
        for ICT) and of the code before them (`<. - 8 - 1`)."""
        limit = stated_col if stated_col is not None else len(row)
        for c in range(limit):
            found = self._nearby(_syllables(row[c]), previous, _syllables)
            if found is not None:
                return found, c
        return None

    def misread_title(self, text: str, previous: Indicator | None) -> Indicator | None:
        """For a detail form's title read by OCR: the one of the next few indicators after ``previous`` (forms follow
        the programme's order) whose name, in syllables and digits only, is closest, at MISREAD_CUTOFF or more. OCR
        makes scraps of a name's Latin (`인구 1천명 당 방법 <<1\\ 수` for `… 방법 CCTV 수`), which the whole names'
        comparison counts against it."""
        return self._nearby(_syllables_and_digits(text), previous, _syllables_and_digits)

    def _nearby(self, said: str, previous: Indicator | None, key) -> Indicator | None:
        """The one of the next MISREAD_LOOKAHEAD indicators after ``previous`` whose name (or a variant), as ``key``
        keeps it, is closest to ``said``: at MISREAD_CUTOFF or more, and clear of any rival by 0.05."""
        if len(said) < 4:
            return None
        scored = sorted(((_likeness(said, key(name)), code) for code in self._next_few(previous)
                         for name in (self.by_code[code].name, *self.by_code[code].name_variants)), reverse=True)
        if not scored or scored[0][0] < MISREAD_CUTOFF:
            return None
        best = scored[0][1]
        rivals = [code for ratio, code in scored if code != best and ratio >= scored[0][0] - 0.05]
        return None if rivals else self.by_code[best]

    def _next_few(self, previous: Indicator | None) -> list[str]:
        """The codes a row after ``previous`` may stand for: the next MISREAD_LOOKAHEAD in the programme's order, and
        as many of each domain after an optional one (선택 영역), which a city that did not choose it leaves out."""
        start = self._order.index(previous.code) + 1 if previous is not None else 0
        out: list[str] = []
        for n, (domain, group) in enumerate(groupby(self._order[start:], key=lambda c: self.by_code[c].domain)):
            out.extend(list(group)[:MISREAD_LOOKAHEAD])
            leaving = n == 0 and domain is not None and previous is not None and domain == previous.domain
            if not leaving and domain not in self._optional:
                break
        return out

    def between(self, first: Indicator, last: Indicator) -> list[Indicator] | None:
        """The indicators the programme lists strictly between ``first`` and ``last``; None when ``last``
        does not come after ``first``."""
        i, j = self._order.index(first.code), self._order.index(last.code)
        return [self.by_code[c] for c in self._order[i + 1:j]] if j > i else None

    def before(self, indicator: Indicator) -> list[Indicator]:
        """The indicators the programme lists before ``indicator``."""
        return [self.by_code[c] for c in self._order[:self._order.index(indicator.code)]]

    def after(self, indicator: Indicator) -> list[Indicator]:
        """The indicators the programme lists after ``indicator``."""
        return [self.by_code[c] for c in self._order[self._order.index(indicator.code) + 1:]]

    def match(self, text: str, row: list[str] = (), previous: Indicator | None = None) -> Indicator | None:
        """The indicator named by ``text``; a name several share is told apart by the domain named in the
        row, else by the domain of the row before (a domain's own indicator closes its group)."""
        found = self.candidates(text)
        if len(found) > 1:
            row_keys = {compact(cell) for cell in row}
            named = [i for i in found if compact(i.subcategory) in row_keys]
            found = named or [i for i in found if previous is not None and i.domain == previous.domain]
        return found[0] if len(found) == 1 else None


def _syllables_and_digits(text: str) -> str:
    return re.sub(r"[^\uac00-\ud7a30-9]", "", text)


CONTAINED_LIKENESS = 0.8  # a misread name found whole inside a name (its first words lost: `SASHES 개별 센터 수`)
MIN_CONTAINED = 5  # characters


def _likeness(said: str, name: str) -> float:
    """How alike a misread name and a name are: difflib's ratio, or CONTAINED_LIKENESS when the one lies whole in
    the other and is long enough to say something."""
    ratio = difflib.SequenceMatcher(None, said, name).ratio()
    return max(ratio, CONTAINED_LIKENESS) if len(said) >= MIN_CONTAINED and said in name else ratio


def _syllables(text: str) -> str:
    return re.sub(r"[^\uac00-\ud7a3]", "", text)


def _header_key(text: str) -> str:
    """A header label compacted, without punctuation and marks: OCR leaves scraps of grain beside a label
    (`작성 지표 요약 ㆍ`)."""
    return re.sub(r"[^\uac00-\ud7a3A-Za-z0-9%]", "", compact(text))


def _header_columns(row: list[str], labels: SummaryTableLabels) -> tuple[int | None, int | None]:
    stated, pages = _header_match(row, labels, _header_key)
    if (stated is None) != (pages is None):
        # One label matched exactly: the other may carry OCR grain read as digits or letters after it
        # (`작성 지표 00090`), or as one syllable (`작성지표 때`). Only beside an exact label, so a value such as
        # `실적 3` never makes a header.
        loose_stated, loose_pages = _header_match(row, labels, _label_letters, loose=True)
        stated = stated if stated is not None else (loose_stated if loose_stated != pages else None)
        pages = pages if pages is not None else (loose_pages if loose_pages != stated else None)
    elif stated is None:
        # Neither label exact: a scan may have misread a syllable of each (`작성 지표 다`, `증빙폐이지`). Both have
        # to be there, each close to a label of four or more syllables, for the row to be taken for the header.
        near_stated, near_pages = _header_match(row, labels, _label_letters, loose=True, near=True)
        if near_stated is not None and near_pages is not None:
            stated, pages = near_stated, near_pages
    return stated, pages


def _label_letters(text: str) -> str:
    """A header label's syllables, without the digits and letters OCR grain leaves after it."""
    return re.sub(r"[^\uac00-\ud7a3]+$", "", _header_key(text))


GRAIN_SYLLABLES = 1  # a loosely matched header label may have this many syllables of grain after it


NEAR_LABEL = 0.8  # similarity of a misread header label to the label (one syllable of five wrong)
NEAR_LABEL_LENGTH = 4


def _header_match(row: list[str], labels: SummaryTableLabels, key_of, loose: bool = False,
                  near: bool = False) -> tuple[int | None, int | None]:
    stated_keys = {key_of(h) for h in labels.stated_headers}
    pages_keys = {key_of(h) for h in labels.pages_headers}

    def matches(key: str, keys: set[str]) -> bool:
        return key in keys or (loose and any(key.startswith(k) and 0 < len(key) - len(k) <= GRAIN_SYLLABLES
                                             for k in keys if len(k) >= 2)) or \
            (near and any(difflib.SequenceMatcher(None, key, k).ratio() >= NEAR_LABEL
                          for k in keys if len(k) >= NEAR_LABEL_LENGTH))

    stated = pages = None
    for c, text in enumerate(row):
        key = key_of(text)
        if stated is None and matches(key, stated_keys):
            stated = c
        elif pages is None and matches(key, pages_keys):
            pages = c
    return stated, pages


def parse_pages(text: str) -> list[int]:
    pages: list[int] = []
    for a, b in re.findall(r"(\d+)\s*(?:[~\-–]\s*(\d+))?", normalise(text)):
        start, end = int(a), int(b or a)
        if end >= start and end - start < 200:
            pages.extend(range(start, end + 1))
    return pages


def read_summary_rows(doc: Document, programme: CityProgramme) -> tuple[list[SummaryRow], set[str]]:
    """Rows of the 요약표: tables with its header, and the tables that continue one on later pages
    (same columns, no header). Detail forms further on are not part of it. A row holding the header's
    labels again is skipped wherever it stands: it is no indicator (not even a city's own, which an
    unknown name right after a domain's last indicator would otherwise be taken for).

    Rows read by OCR whose name was too garbled to match are placed by the form's order
    (``_by_order``): the 요약표 lists the indicators in the programme's order. Also returns the codes that such
    rows, holding a value but not placed, may stand for."""
    names = IndicatorNames(programme)
    form_header = compact(programme.detail_form.header_label)  # a detail form begins: the 요약표 has ended
    rows: list[SummaryRow | _Unmatched] = []
    stated_col = pages_col = None
    summary_cols = None
    for table in doc.tables:
        grid = table.grid()
        labels = programme.summary_table
        header_at = next((r for r, row in enumerate(grid) if _header_columns(row, labels)[0] is not None), None)
        if header_at is not None:
            stated_col, pages_col = _header_columns(grid[header_at], labels)
            summary_cols = table.n_cols
        elif summary_cols is None or table.n_cols != summary_cols or (grid and compact(grid[0][0]) == form_header):
            summary_cols = None  # not (or no longer) the 요약표
            continue
        for r, row in enumerate(grid):
            if header_at is not None and r <= header_at:
                continue
            if _header_columns(row, labels)[0] is not None:
                continue  # the header again (typed mid-table, or repeated after a page break): never a value
            previous = next((x.indicator for x in reversed(rows) if isinstance(x, SummaryRow)), None)
            found = _row_indicator(row, names, stated_col, previous)
            if found is None and table.method == "ocr":
                found = names.misread_match(row, stated_col, previous)
            name_col = found[1] if found else None
            col = stated_col if stated_col is not None and (name_col is None or stated_col > name_col) else \
                (name_col + 1 if name_col is not None else None)
            if col is None or col >= len(row):
                continue
            pages = parse_pages(row[pages_col]) if pages_col is not None and pages_col < len(row) else []
            if found is None:
                if table.method == "ocr" and normalise(row[col]):
                    rows.append(_Unmatched(normalise(row[col]), pages, doc.provenance(table, r, col)))
                else:
                    rows.append(_Unmatched("", [], None))  # breaks a run: no row of the form stands here
                continue
            rows.append(SummaryRow(found[0], normalise(row[col]), pages, doc.provenance(table, r, col)))
    return _by_order(rows, names)


@dataclass
class _Unmatched:
    """A 요약표 row whose indicator was not recognised; ``provenance`` None: not a row to place by order."""
    stated_text: str
    evidence_pages: list[int]
    provenance: Provenance | None


def _by_order(rows: list[SummaryRow | _Unmatched], names: IndicatorNames) -> tuple[list[SummaryRow], set[str]]:
    """Unrecognised OCR rows take the indicators the programme lists where they stand, when their numbers agree
    exactly: between two recognised rows, before the first recognised row (from the programme's first
    indicator) or after the last one (to its last). A misread name cannot move a row: it only fills the places
    the form's order leaves for it. Returns the recognised and placed rows in table order, and the codes the
    rows left unplaced may stand for (those the form lists where they stand)."""
    out: list[SummaryRow] = []
    pending: list[_Unmatched] = []
    last: SummaryRow | None = None
    started = True  # no empty or foreign row since the table's start: a leading run begins at the first indicator
    could_be: set[str] = set()

    def place(indicators: list[Indicator] | None, fits: bool = True) -> None:
        """``pending`` given ``indicators`` when as many (and ``fits``); else they may be any of them (None: any)."""
        if fits and indicators is not None and pending and len(indicators) == len(pending):
            out.extend(SummaryRow(ind, p.stated_text, p.evidence_pages, p.provenance)
                       for ind, p in zip(indicators, pending))
        elif pending:
            could_be.update(i.code for i in (indicators if indicators is not None else names.by_code.values()))

    for row in rows:
        if isinstance(row, _Unmatched):
            if row.provenance is None:
                place(names.after(last.indicator) if last is not None else None, fits=False)
                pending, last, started = [], None, False  # an empty or foreign row: the order is broken here
            else:
                pending.append(row)
            continue
        if last is not None:
            place(names.between(last.indicator, row.indicator))
        else:
            place(names.before(row.indicator), fits=started and not out)
        pending, last = [], row
        out.append(row)
    place(names.after(last.indicator) if last is not None else None)
    return out, could_be


def _row_indicator(row: list[str], names: IndicatorNames, stated_col: int | None,
                   previous: Indicator | None) -> tuple[Indicator, int] | None:
    """The row's indicator and the column of its name (or code), looking left of the stated column."""
    limit = stated_col if stated_col is not None else len(row)
    for c in range(limit):
        code = names.find_code(row[c])
        if code and code in names.by_code:
            name_col = c + 1 if c + 1 < limit and names.candidates(row[c + 1]) else c
            return names.by_code[code], name_col
    for c in range(limit):
        indicator = names.match(row[c], row, previous)
        if indicator:
            return indicator, c
    own = names.own_indicator_after(previous)  # a city's own indicator, written under its own name
    name_col = (stated_col or len(row)) - 1
    if own is not None and name_col >= 0 and compact(row[name_col]) and not numbers(row[name_col]):
        return own, name_col
    return None


def map_summary(docs: list[Document], programme: CityProgramme) -> SummaryResult:
    result = SummaryResult()
    for doc in docs:
        rows, could_be = read_summary_rows(doc, programme)
        result.unplaced_could_be |= could_be
        for row in rows:
            code = row.indicator.code
            result.rows_of.add(code)
            if code in result.values or not row.stated_text:
                continue
            if (is_not_applicable(row.stated_text) or _garbled_dash(row)) and optional_domain(programme, row.indicator):
                continue  # `-` on an optional domain's row: the domain was not chosen, nothing was stated
            if is_placeholder(row.stated_text):
                result.placeholders.append(row)
                continue
            source = row.provenance
            entry = IndicatorValue(unit=row.indicator.unit, stated_text=row.stated_text,
                                   evidence_pages=row.evidence_pages, source=source)
            try:
                entry.value = parse_stated(row.indicator, row.stated_text)
            except UnparseableValue:
                entry.value = _rings_restored(row)
                if entry.value is None:
                    result.unparseable.append((row, row.stated_text))
                else:
                    doubt(entry)  # a guess at what the scan shows: a reviewer looks (ocr.low_confidence)
            result.values[code] = entry
    return result


def _rings_restored(row: SummaryRow) -> bool | None:
    """A yes/no cell read by OCR whose marks came back as look-alikes, read again with the marks in their place:
    a broken ○ read as the digit 0 or the letter ㅇ (`계획 수립 0 (승인 0)`, `시스템도입0`, `안내서비스도입 ᄋ`), a ✓, Y
    or V read as a slash or a plus (`지침 /, 계획 /`, `안내서비스 도입 +`), and a
    one-mark form's answer glued to its label or read a stroke off (`안내서비스도입예`, `에` for 예)."""
    if row.provenance is None or row.provenance.method != "ocr" or row.indicator.value_kind != "boolean":
        return None
    for reading in mark_readings(row.indicator, row.stated_text):
        try:
            return parse_stated(row.indicator, reading)
        except UnparseableValue:
            continue
    return None


# A dash followed by digits that start with a zero (no number is written `-00220`), read at under GRAIN_CONFIDENCE
GRAINY_DASH = re.compile(r"^[-–—_=]\s*0[\d.,\s]*$")
GRAIN_CONFIDENCE = 20.0


def _garbled_dash(row: SummaryRow) -> bool:
    """A cell read by OCR, unsure, with neither a syllable, a digit nor a yes/no mark in it: the `-` of a row
    left empty (a scanned dash comes back as `C=`, `=`, `_`), not a statement."""
    source = row.provenance
    if source.method == "ocr" and row.stated_text.strip() in DASH_READINGS:
        return True  # `ㆍ` at 95: the dash alone, read as a dot
    if source.method != "ocr" or (source.confidence or 0.0) >= settings().ocr_min_confidence:
        return False
    text = normalise(row.stated_text)
    if GRAINY_DASH.match(text) and (source.confidence or 0.0) < GRAIN_CONFIDENCE:
        return True  # `-00220` at 0: a dash, and grain after it read as zeros
    return not re.search(r"[\uac00-\ud7a3\d]", text) and not yes_no_marks(text)


def optional_domain(programme: CityProgramme, indicator: Indicator) -> bool:
    """Whether ``indicator`` belongs to a domain the city may leave out (선택 영역)."""
    kinds = {d.code: d.kind for d in programme.domain_rules.domains}
    return kinds.get(indicator.domain) == "optional"
