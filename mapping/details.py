"""Read each indicator's detail form: its lettered components and the items listed behind a count.

A detail form starts with a table whose first row is `지표 | <code and/or name> | <stated value>`
(the seed's layout); the tables after it, up to the next form, are its data. Components are
found by their labels (and variants) wherever the form puts them: a header row with a value
row beneath, label-value rows, or one row per year for the two-year ratios; a `(A)` marker in
a header names the letter directly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractors.model import Document, Table
from mapping.ocr_reconcile import AMBIGUOUS_SEPARATOR, COUNTING_UNITS
from mapping.summary import IndicatorNames
from mapping.values import compact, normalise, numbers
from schemas.programme import CityProgramme, Component, Indicator
from schemas.provenance import Provenance

DATE = re.compile(r"(?:'|’|‘)?(\d{2}|\d{4})\s*[.\-/년]\s*(\d{1,2})(?:\s*[.\-/월]\s*(\d{1,2}))?")


@dataclass(frozen=True)
class FormLabels:
    """What the programme's detail forms are read by: the first cell heading a form and those of total
    rows, the word a total's heading starts with (all compacted), and the `(A)` marker naming a
    component's letter (any letter a component has)."""

    header: str
    totals: frozenset[str]
    total_prefix: str
    letter: re.Pattern
    meta: frozenset[str]
    data: str
    scales: dict[str, float]  # unit (compacted) → its size in the smallest unit of its kind (명 1, 만명 10000)

    @classmethod
    def of(cls, programme: CityProgramme) -> "FormLabels":
        letters = "|".join(re.escape(letter) for letter in programme.component_letters())
        return cls(compact(programme.detail_form.header_label),
                   frozenset(compact(t) for t in programme.detail_form.total_labels),
                   compact(programme.detail_form.total_prefix),
                   re.compile(rf"\(({letters})\)"),
                   frozenset(compact(m) for m in programme.detail_form.meta_labels),
                   compact(programme.detail_form.data_label),
                   {compact(unit): scale for unit, scale in programme.detail_form.unit_scales.items()})


@dataclass
class ListedItem:
    text: str
    month: str | None  # YYYY-MM of the first date in the row
    category: str | None
    provenance: Provenance


@dataclass
class Detail:
    indicator: Indicator
    stated_text: str | None = None
    stated_provenance: Provenance | None = None
    components: dict[str, tuple[float, Provenance]] = field(default_factory=dict)
    items: list[ListedItem] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


def parse_month(text: str) -> str | None:
    """`'23.05`, `2023.08.01`, `24.10.20`, `2024-05-10`, `2024년 5월` → YYYY-MM."""
    match = DATE.search(normalise(text))
    if not match:
        return None
    year, month = match.group(1), int(match.group(2))
    year = int(year) + (2000 if len(year) == 2 else 0)
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        return None
    return f"{year:04d}-{month:02d}"


def read_details(docs: list[Document], programme: CityProgramme, annexes: list[Document] = ()) -> dict[str, Detail]:
    """Detail forms of the proposals, then the sheets of annexes (`붙임 엑셀 '시트' 참조`) for what the
    proposals left out: in an annex only a table headed by an indicator's code or name is read, as its data."""
    names = IndicatorNames(programme)
    labels = FormLabels.of(programme)
    details: dict[str, Detail] = {}
    for doc in docs:
        _read_forms(doc, names, labels, details)
    for doc in annexes:
        for table in doc.tables:
            for indicator, section in _titled_sections(table.grid(), names):
                detail = details.setdefault(indicator.code, Detail(indicator))
                detail.tables.append(table)
                _read_components(doc, table, section, detail, labels)
    return details


def _titled_sections(grid: list[list[str]], names: IndicatorNames) -> list[tuple[Indicator, list[list[str]]]]:
    """The indicators' sections of an annex sheet: each from a row naming one indicator alone (its title) to
    the next such row; other rows blanked so cells keep their place. A sheet may open with an index of titles
    (`- B-3-2 산출내역: …`), whose sections hold no rows, or stack several indicators."""
    starts = [(r, indicator) for r in range(len(grid)) if (indicator := _titled_form(grid[r:r + 2], names))]
    sections = []
    for n, (start, indicator) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(grid)
        if end - start >= 2:
            blank = [""] * len(grid[0])
            sections.append((indicator, [blank if not start < r < end else row for r, row in enumerate(grid)]))
    return sections


def _read_forms(doc: Document, names: IndicatorNames, labels: FormLabels, details: dict[str, Detail]) -> None:
    current: Detail | None = None
    for table in doc.tables:
        grid = table.grid()
        if not grid:
            continue
        header = _form_header(grid[0], names, labels, current.indicator if current else None, table.method == "ocr")
        if header is not None:
            indicator, stated_col = header
            current = details.setdefault(indicator.code, Detail(indicator))
            if stated_col is not None and current.stated_text is None:
                current.stated_text = normalise(grid[0][stated_col])
                current.stated_provenance = doc.provenance(table, 0, stated_col)
            nested = _nested_data(grid, labels)
            if nested is None:
                continue
            grid = nested  # the data table sits inside the form's 자료구축양식 cell (read into its rows)
        titled = _titled_form(grid, names)
        if titled is not None:  # an annex sheet: the indicator's title over its data, in one table
            current = details.setdefault(titled.code, Detail(titled))
            grid = _without_title(grid)
        grid = _nested_data(grid, labels) or grid  # the form's rows continued on the next page
        if current is not None:
            current.tables.append(table)
            _read_components(doc, table, grid, current, labels)
            if current.indicator.listed_items:
                current.items.extend(_read_items(doc, table, grid, labels))


def _form_header(row: list[str], names: IndicatorNames, labels: FormLabels,
                 previous: Indicator | None = None, ocr: bool = False) -> tuple[Indicator, int | None] | None:
    """`지표 | <code and/or name> | <stated value>`: a form begins (a name several indicators share is the
    one of the domain whose forms came before; a name OCR garbled, one of the next few after it)."""
    if not row or compact(row[0]) != labels.header or len(row) < 2:
        return None
    code = names.find_code(row[1])
    indicator = names.by_code.get(code) if code else None
    if indicator is None:
        text = names.without_code(row[1])
        indicator = names.match(text, row, previous) or (names.misread_title(text, previous) if ocr else None) \
            or names.own_indicator_after(previous)
    if indicator is None:
        return None
    stated_col = next((c for c in range(2, len(row)) if row[c].strip() and row[c] != row[1]), None)
    return indicator, stated_col


def _titled_form(grid: list[list[str]], names: IndicatorNames) -> Indicator | None:
    """The indicator whose code (or name) alone heads the table, across its width (an annex sheet's layout)."""
    title = {cell.strip() for cell in grid[0] if cell.strip()}
    if len(grid) < 2 or len(title) != 1:
        return None
    text = title.pop()
    code = names.find_code(text)
    if code:
        return names.by_code.get(code)
    return names.match(names.without_code(text))


def _nested_data(grid: list[list[str]], labels: FormLabels) -> list[list[str]] | None:
    """The rows of a data table nested in the form's data cell (`자료구축양식 | 구분 | No. | …`), the rest of
    the grid blanked so rows and columns keep their place; None when the form holds no such rows."""
    rows = [[""] + row[1:] if row and compact(row[0]) == labels.data and any(c.strip() for c in row[1:])
            else [""] * len(row) for row in grid]
    # a header and at least one row: one labelled row is a note (`※ 붙임 엑셀 참조`), the list may follow unlabelled
    return rows if sum(any(cell for cell in row) for row in rows) >= 2 else None


def _without_title(grid: list[list[str]]) -> list[list[str]]:
    """The grid with its title row blanked: the indicator's name is not a component's label."""
    return [[""] * len(grid[0])] + grid[1:]


def _label_matches(cell: str, component: Component, labels: FormLabels) -> bool:
    key = compact(cell)
    if not key:
        return False
    marker = labels.letter.search(cell)
    if marker:
        return marker.group(1) == component.letter
    for label in (component.label, *component.label_variants):
        want = compact(label)
        # `총 CCTV 수` is a total of the label, `총 예산(백만원)` is the label itself
        total_of_it = key.startswith(labels.total_prefix) and not want.startswith(labels.total_prefix)
        if want and (key == want or (len(want) >= 3 and want in key and not total_of_it)):
            return True
    return False


def _year_of(component: Component) -> str | None:
    return component.reference[:4] if component.reference else None


def _read_components(doc: Document, table: Table, grid: list[list[str]], detail: Detail, labels: FormLabels) -> None:
    ambiguous = {c.letter for c in detail.indicator.components
                 if sum(o.label == c.label for o in detail.indicator.components) > 1}
    # Rows headed by a year of a two-year period are per-year rows, not its value row; a single reference
    # year heads the value row itself.
    years = set(detail.indicator.period.years())
    not_values = labels.totals | (years if len(years) > 1 else set())
    for component in detail.indicator.components:
        known = detail.components.get(component.letter)
        if known is not None and (known[1].method == "ocr") <= (table.method == "ocr"):
            continue  # read already; a text layer or a sheet (an annex's) is surer than a scan, though
        found = _by_value_letter(grid, component, labels)
        # labels in the component's own unit first: a value the city rounded itself beats one converted here
        for own_unit in (True, False):
            if found is None:
                found = _by_year_row(grid, component, labels, own_unit) if component.letter in ambiguous else \
                    _by_header(grid, component, labels, not_values, own_unit) or \
                    _by_label_row(grid, component, labels, own_unit)
        if found is not None:
            r, c, value = found
            if table.method == "ocr":
                value = _whole_count(value, grid[r][c], component)
            detail.components[component.letter] = (value, doc.provenance(table, r, c))


def _whole_count(value: float, text: str, component: Component) -> float:
    """A scanned component counted in a counting unit (개소, 가구, 명) and read `2.552`: its comma read as a point
    (a count has no decimals), so 2,552."""
    token = next(iter(re.findall(r"\d[\d.,]*", normalise(text))), "")
    if component.unit in COUNTING_UNITS and AMBIGUOUS_SEPARATOR.fullmatch(token):
        return float(token.replace(".", ""))
    return value


# A value cell: a number, perhaps with its unit after it (`1,129.9 km`, `4,306대`, `0.51%`); not a label that
# happens to hold digits (`2023년 배출량(tCO2eq)`, `연면적(㎡)`, `2023 인구수(명)`: a unit
# is a word, or a word in parentheses (`109.44 (A)`, `30 (명)`), never a word with parentheses).
VALUE_CELL = re.compile(r"^\(?[-−]?\d[\d,]*(?:\.\d+)?\)?\s*(?:[^\d\s()][^\s()]{0,9}|\([^\d\s()]{1,6}\))?$")


# A letter written in the value cell (`(A) 274`): it names the component the value is.
VALUE_LETTER = re.compile(r"^\(\s*([A-Z])\s*\)\s*")


def _first_number(text: str) -> float | None:
    text = VALUE_LETTER.sub("", normalise(text))
    if not VALUE_CELL.match(text):
        return None
    found = numbers(text)
    return found[0] if found else None


PARENTHESISED = re.compile(r"\(\s*([^()]*?)\s*\)")


def _by_header(grid, component, labels: FormLabels, not_values: set[str],
               own_unit: bool = False) -> tuple[int, int, float] | None:
    """The value under the component's column header: the totals row's when the rows below end in one
    (rows per road type, per year … then 총계), else the first value row."""
    for r, row in enumerate(grid):
        for c, cell in enumerate(row):
            if not _label_matches(cell, component, labels) or (own_unit and _rescales(cell, component, labels)):
                continue
            below = [(b, _first_number(grid[b][c]) if c < len(grid[b]) else None) for b in range(r + 1, len(grid))]
            totals = [(b, v) for b, v in below if v is not None and _is_total_row(grid[b], labels)]
            if totals:
                b, value = totals[-1]
                return b, c, _scaled(value, cell, component, labels)
            for b, value in below:
                if value is not None and compact(_lead(grid[b])) not in not_values:
                    return b, c, _scaled(value, cell, component, labels)
    return None


def _by_value_letter(grid, component, labels: FormLabels) -> tuple[int, int, float] | None:
    """A value cell that names its component (`(B) 97`); the totals row's when several rows do."""
    found = None
    for r, row in enumerate(grid):
        for c, cell in enumerate(row):
            marker = VALUE_LETTER.match(normalise(cell))
            if marker and marker.group(1) == component.letter and (value := _first_number(cell)) is not None:
                # the last one: a totals row comes after the rows it sums; scaled by its column's or row's label
                heading = next((grid[h][c] for h in range(r - 1, -1, -1) if c < len(grid[h]) and grid[h][c].strip()
                                and _first_number(grid[h][c]) is None), "")
                # the unit stands in the column's heading (`인구수(명)` over `(C) 665,436`) or the row's (`총 인구수(명) | (C) …`)
                unit_label = next((h for h in (heading, _lead(row)) if _written_unit(h, labels)), heading)
                found = (r, c, _scaled(value, unit_label, component, labels))
    return found


def _lead(row: list[str]) -> str:
    """The row's first filled cell: its heading, wherever the table starts (a nested one starts further right)."""
    return next((cell for cell in row if cell.strip()), "")


def _is_total_row(row: list[str], labels: FormLabels) -> bool:
    first = next((compact(cell) for cell in row if compact(cell)), "")
    return first in labels.totals


def _by_label_row(grid, component, labels: FormLabels, own_unit: bool = False) -> tuple[int, int, float] | None:
    """`label | value` rows: the label in the row's first filled cell, the value the first number after it;
    a label written with a unit other than the component's (`인구수(명)` for 만명) is scaled."""
    for r, row in enumerate(grid):
        start = next((c for c, cell in enumerate(row) if cell.strip()), None)
        if start is not None and _label_matches(row[start], component, labels) \
                and not (own_unit and _rescales(row[start], component, labels)):
            for c in range(start + 1, len(row)):
                value = _first_number(row[c])
                if value is not None:
                    return r, c, _scaled(value, row[start], component, labels)
    return None


def _rescales(label: str, component: Component, labels: FormLabels) -> bool:
    return _scaled(1.0, label, component, labels) != 1.0


def _written_unit(label: str, labels: FormLabels) -> str | None:
    """The last parenthesised unit of a label: `인구수(명)(C)` carries its letter after the unit."""
    written = [u for u in PARENTHESISED.findall(normalise(label)) if compact(u) in labels.scales]
    return written[-1] if written else None


def _scaled(value: float, label: str, component: Component, labels: FormLabels) -> float:
    """``value`` in the component's unit when its label names another unit of the same kind (명 → 만명)."""
    want, have = (labels.scales.get(compact(u or "")) for u in (component.unit, _written_unit(label, labels)))
    return round(value * have / want, 6) if want and have and want != have else value


def _by_year_row(grid, component, labels: FormLabels, own_unit: bool = False) -> tuple[int, int, float] | None:
    """A component of one year: under its label in the row of that year, or under a header naming both the
    year and the label (`2023 인구수 | 2023 반영 건수 | 2024 인구수 …` over one row of values)."""
    year = _year_of(component)
    if year is None:
        return None
    marks = (year, f"'{year[2:]}")
    for r, row in enumerate(grid):
        for c, cell in enumerate(row):
            if not _label_matches(cell, component, labels) or (own_unit and _rescales(cell, component, labels)):
                continue
            if any(mark in normalise(cell) for mark in marks):
                for b in range(r + 1, len(grid)):
                    value = _first_number(grid[b][c]) if c < len(grid[b]) else None
                    if value is not None:
                        return b, c, _scaled(value, cell.replace(year, ""), component, labels)
            for below in range(r + 1, len(grid)):
                first = normalise(_lead(grid[below]))
                if first.startswith(marks):
                    value = _first_number(grid[below][c]) if c < len(grid[below]) else None
                    if value is not None:
                        return below, c, _scaled(value, cell, component, labels)
    return None


def _read_items(doc: Document, table: Table, grid: list[list[str]], labels: FormLabels) -> list[ListedItem]:
    """Every data row, except the header, totals and the continuation lines of a wrapped row (in a numbered
    list, a row whose number cell is empty: the row above went on). A table continued from the page before
    has no header: its first row is data when it is numbered."""
    items = []
    number_col = _number_column(grid)
    filled = [r for r, row in enumerate(grid) if any(cell.strip() for cell in row)
              and compact(next(cell for cell in row if cell.strip())) not in labels.meta]
    if not filled:
        return items
    top = filled[0]  # the header, unless a continued list starts right away with an item
    first = top if number_col is not None and _is_number(grid[top][number_col]) else top + 1
    for r in range(first, len(grid)):
        cells = [normalise(c) for c in grid[r]]
        lead = compact(next((c for c in cells if c), ""))
        if not any(cells) or lead in labels.totals or lead in labels.meta:
            continue
        if r > first and cells == [normalise(c) for c in grid[r - 1]]:
            continue  # a row merged down repeats its text in the grid; one item
        if number_col is not None and not cells[number_col] and items:
            continue
        month = next((m for m in (parse_month(c) for c in cells[1:]) if m), None)
        text = max(cells, key=len)
        category = cells[0] if cells[0] and not cells[0].isdigit() else None
        items.append(ListedItem(text, month, category, doc.provenance(table, r, 0)))
    return items


def _is_number(text: str) -> bool:
    """An item's number in a list (`3`, `3.`): small, so a year column (2023 …) is not one."""
    text = normalise(text).rstrip(".")
    return text.isdigit() and int(text) < 1000


def _number_column(grid: list[list[str]]) -> int | None:
    """The column numbering the list (`No.`): the first one holding item numbers in two rows (in one, for a
    table of one or two rows: the last rows of a list continued on the next page)."""
    width = max((len(row) for row in grid), default=0)
    needed = 2 if len(grid) > 2 else 1
    for c in range(width):
        if sum(c < len(row) and _is_number(row[c]) for row in grid) >= needed:
            return c
    return None
