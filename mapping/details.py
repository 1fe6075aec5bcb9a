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

    @classmethod
    def of(cls, programme: CityProgramme) -> "FormLabels":
        letters = "|".join(re.escape(letter) for letter in programme.component_letters())
        return cls(compact(programme.detail_form.header_label),
                   frozenset(compact(t) for t in programme.detail_form.total_labels),
                   compact(programme.detail_form.total_prefix),
                   re.compile(rf"\(({letters})\)"))


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


def read_details(docs: list[Document], programme: CityProgramme) -> dict[str, Detail]:
    names = IndicatorNames(programme)
    labels = FormLabels.of(programme)
    details: dict[str, Detail] = {}
    for doc in docs:
        current: Detail | None = None
        for table in doc.tables:
            grid = table.grid()
            if not grid:
                continue
            header = _form_header(grid[0], names, labels)
            if header is not None:
                indicator, stated_col = header
                current = details.setdefault(indicator.code, Detail(indicator))
                if stated_col is not None and current.stated_text is None:
                    current.stated_text = normalise(grid[0][stated_col])
                    current.stated_provenance = doc.provenance(table, 0, stated_col)
                continue
            if current is not None:
                current.tables.append(table)
                _read_components(doc, table, grid, current, labels)
                if current.indicator.listed_items:
                    current.items.extend(_read_items(doc, table, grid, labels))
    return details


def _form_header(row: list[str], names: IndicatorNames, labels: FormLabels) -> tuple[Indicator, int | None] | None:
    if not row or compact(row[0]) != labels.header or len(row) < 2:
        return None
    code = names.find_code(row[1])
    indicator = names.by_code.get(code) if code else None
    if indicator is None:
        text = names.without_code(row[1])
        indicator = names.match(text, row)
    if indicator is None:
        return None
    stated_col = next((c for c in range(2, len(row)) if row[c].strip() and row[c] != row[1]), None)
    return indicator, stated_col


def _label_matches(cell: str, component: Component, labels: FormLabels) -> bool:
    key = compact(cell)
    if not key:
        return False
    marker = labels.letter.search(cell)
    if marker:
        return marker.group(1) == component.letter
    for label in (component.label, *component.label_variants):
        want = compact(label)
        if want and (key == want or (len(want) >= 3 and want in key and not key.startswith(labels.total_prefix))):
            return True
    return False


def _year_of(component: Component) -> str | None:
    return component.reference[:4] if component.reference else None


def _read_components(doc: Document, table: Table, grid: list[list[str]], detail: Detail, labels: FormLabels) -> None:
    ambiguous = {c.letter for c in detail.indicator.components
                 if sum(o.label == c.label for o in detail.indicator.components) > 1}
    # Rows headed by a year of the indicator's period are a two-year form's per-year rows, not its value row.
    not_values = labels.totals | set(detail.indicator.period.years())
    for component in detail.indicator.components:
        if component.letter in detail.components:
            continue
        found = _by_year_row(grid, component, labels) if component.letter in ambiguous else \
            _by_header(grid, component, labels, not_values) or _by_label_row(grid, component, labels)
        if found is not None:
            r, c, value = found
            detail.components[component.letter] = (value, doc.provenance(table, r, c))


def _first_number(text: str) -> float | None:
    found = numbers(text)
    return found[0] if found else None


def _by_header(grid, component, labels: FormLabels, not_values: set[str]) -> tuple[int, int, float] | None:
    for r, row in enumerate(grid):
        for c, cell in enumerate(row):
            if _label_matches(cell, component, labels):
                for below in range(r + 1, len(grid)):
                    value = _first_number(grid[below][c]) if c < len(grid[below]) else None
                    if value is not None and compact(grid[below][0]) not in not_values:
                        return below, c, value
    return None


def _by_label_row(grid, component, labels: FormLabels) -> tuple[int, int, float] | None:
    for r, row in enumerate(grid):
        if row and _label_matches(row[0], component, labels):
            for c in range(1, len(row)):
                value = _first_number(row[c])
                if value is not None:
                    return r, c, value
    return None


def _by_year_row(grid, component, labels: FormLabels) -> tuple[int, int, float] | None:
    year = _year_of(component)
    if year is None:
        return None
    for r, row in enumerate(grid):
        for c, cell in enumerate(row):
            if not _label_matches(cell, component, labels):
                continue
            for below in range(r + 1, len(grid)):
                first = normalise(grid[below][0])
                if first.startswith(year) or first.startswith(f"'{year[2:]}"):
                    value = _first_number(grid[below][c]) if c < len(grid[below]) else None
                    if value is not None:
                        return below, c, value
    return None


def _read_items(doc: Document, table: Table, grid: list[list[str]], labels: FormLabels) -> list[ListedItem]:
    """Every data row below the header row, except totals."""
    items = []
    for r, row in enumerate(grid[1:], start=1):
        cells = [normalise(c) for c in row]
        if not any(cells) or compact(next((c for c in cells if c), "")) in labels.totals:
            continue
        if r > 1 and cells == [normalise(c) for c in grid[r - 1]]:
            continue  # a row merged down repeats its text in the grid; one item
        month = next((m for m in (parse_month(c) for c in cells[1:]) if m), None)
        text = max(cells, key=len)
        category = cells[0] if cells[0] and not cells[0].isdigit() else None
        items.append(ListedItem(text, month, category, doc.provenance(table, r, 0)))
    return items
