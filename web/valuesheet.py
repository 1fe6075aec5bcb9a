"""A submission's values page: every indicator of its programme, stages per area, self-scores per field.

Rows are built from the programme data (``schemas/programmes``) and the stored submission record, so an
indicator the bundle did not state is listed as missing rather than left out. Every value that has a
source carries its source key (``web.sources.source_dict``), which the page turns into a crop link.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from schemas.loader import load_programme
from schemas.programme import CityProgramme, ServiceProgramme


@dataclass
class Part:
    """A component or a listed item of an indicator, with its source key."""

    label: str
    value: Any
    unit: str | None = None
    key: str | None = None  # source key, when its place was recorded
    changed: bool = False
    previous: Any = None


@dataclass
class IndicatorRow:
    code: str
    name: str
    category: str
    domain: str | None
    domain_name: str
    unit: str | None
    points: int
    status: str  # mapped | missing | not_chosen
    value: Any = None
    stated_text: str | None = None
    recomputed: float | None = None
    formula: str | None = None
    evidence_pages: list[int] = field(default_factory=list)
    components: list[Part] = field(default_factory=list)
    listed: list[Part] = field(default_factory=list)
    key: str | None = None
    items: list = field(default_factory=list)  # open review items on it
    changes: list[str] = field(default_factory=list)  # value | component | document, against the compared version
    previous: Any = None

    @property
    def status_ko(self) -> str:
        return {"mapped": "작성", "missing": "누락", "not_chosen": "선택하지 않은 분야"}[self.status]


@dataclass
class StageRow:
    key: str
    name: str
    stage: int | None
    stage_name: str | None
    text: str | None
    source_key: str | None
    items: list = field(default_factory=list)
    changed: bool = False
    previous: Any = None


@dataclass
class AreaBlock:
    key: str
    name: str
    category: str
    rows: list[StageRow]


@dataclass
class ScoreRow:
    key: str
    group: str
    text: str
    points: int
    score: float | None
    source_key: str | None
    items: list = field(default_factory=list)
    changed: bool = False
    previous: Any = None

    @property
    def over(self) -> bool:
        return self.score is not None and self.score > self.points


@dataclass
class FieldBlock:
    key: str
    name: str
    points: int
    minimum: int
    rows: list[ScoreRow]
    stated_total: float | None
    total_key: str | None

    @property
    def total(self) -> float:
        return sum(r.score or 0 for r in self.rows)


@dataclass
class ValueSheet:
    programme: str
    kind: str  # city | service
    indicators: list[IndicatorRow] = field(default_factory=list)
    areas: list[AreaBlock] = field(default_factory=list)
    fields: list[FieldBlock] = field(default_factory=list)
    categories: list[tuple[str, str]] = field(default_factory=list)
    domains: list[tuple[str, str]] = field(default_factory=list)
    stated_total: float | None = None
    stated_total_key: str | None = None

    @property
    def mapped(self) -> int:
        return sum(r.status == "mapped" for r in self.indicators)


def _by_indicator(items: list) -> dict[str, list]:
    found: dict[str, list] = {}
    for item in items:
        if item.indicator:
            found.setdefault(item.indicator, []).append(item)
    return found


def _city(programme: CityProgramme, record: dict, items: dict[str, list]) -> ValueSheet:
    sheet = ValueSheet(programme.id, "city", categories=[(c.key, c.name) for c in programme.categories],
                       domains=[(d.code, d.name) for d in programme.domain_rules.domains])
    domain_names = dict(sheet.domains)
    reported = set(programme.reported_codes(record.get("selected_domains") or []))
    stated = record.get("indicators") or {}
    for spec in programme.indicators:
        entry = stated.get(spec.code)
        status = "mapped" if entry is not None else ("missing" if spec.code in reported else "not_chosen")
        row = IndicatorRow(spec.code, spec.name, spec.category, spec.domain, domain_names.get(spec.domain or "", ""),
                           spec.unit, spec.points, status, formula=spec.formula, items=items.get(spec.code, []))
        if entry is not None:
            row.value, row.stated_text, row.recomputed = entry.get("value"), entry.get("stated_text"), entry.get("recomputed")
            row.unit = spec.unit or entry.get("unit")
            row.evidence_pages = entry.get("evidence_pages") or []
            row.key = f"v:{spec.code}" if (entry.get("source") or {}).get("file") else None
            values, sources = entry.get("components") or {}, entry.get("component_sources") or {}
            for component in spec.components:
                if component.letter in values:
                    row.components.append(Part(
                        f"{component.letter}={component.label}", values[component.letter], component.unit,
                        f"c:{spec.code}:{component.letter}" if component.letter in sources else None))
            for n, listed in enumerate(entry.get("listed") or []):
                row.listed.append(Part(listed.get("text") or "", listed.get("month"), None,
                                       f"l:{spec.code}:{n}" if (listed.get("source") or {}).get("file") else None))
        sheet.indicators.append(row)
    stages = {s.number: s.name for s in programme.stages}
    qualitative = record.get("qualitative") or {}
    for area in programme.qualitative_areas:
        rows = []
        for sub in area.sub_areas:
            entry = qualitative.get(sub.key) or {}
            stage = entry.get("stage")
            rows.append(StageRow(sub.key, sub.name, stage, stages.get(stage) if stage else None, entry.get("text"),
                                 f"q:{sub.key}" if (entry.get("source") or {}).get("file") else None,
                                 items.get(sub.key, [])))
        sheet.areas.append(AreaBlock(area.key, area.name, area.category, rows))
    return sheet


def _service(programme: ServiceProgramme, record: dict, items: dict[str, list]) -> ValueSheet:
    sheet = ValueSheet(programme.id, "service")
    service = record.get("service") or {}
    scores, sources = service.get("self_scores") or {}, service.get("self_score_sources") or {}
    stated_fields = service.get("stated_field_totals") or {}
    field_sources = service.get("stated_field_total_sources") or {}
    for spec in programme.fields:
        rows = [ScoreRow(s.key, s.group, s.text, s.points, scores.get(s.key), f"s:{s.key}" if s.key in sources else None,
                         items.get(s.key, []))
                for item in spec.items for s in item.sub_items
                if item.level in (None, service.get("level")) and (s.domain is None or s.domain == service.get("domain"))]
        sheet.fields.append(FieldBlock(spec.key, spec.name, spec.points, spec.minimum, rows, stated_fields.get(spec.key),
                                       f"t:{spec.key}" if spec.key in field_sources else None))
    sheet.stated_total = service.get("stated_total")
    sheet.stated_total_key = "t:total" if service.get("stated_total_source") else None
    return sheet


def value_sheet(record: dict, items: list) -> ValueSheet | None:
    """The sheet of a submission (None when its programme is not known)."""
    if not record.get("programme"):
        return None
    programme = load_programme(record["programme"])
    by_indicator = _by_indicator(items)
    if isinstance(programme, CityProgramme):
        return _city(programme, record, by_indicator)
    return _service(programme, record, by_indicator)


def _documents(entry: dict) -> set[tuple]:
    """The files and pages (or sheets) an indicator was read from, and its evidence pages: a new version sends new
    bytes under the same names, so a document counts as changed when the value comes from another file or page."""
    sources = [entry.get("source"), *(entry.get("component_sources") or {}).values()]
    places = {(s.get("file"), s.get("page"), s.get("sheet")) for s in sources if s and s.get("file")}
    return places | {("evidence", page) for page in entry.get("evidence_pages") or []}


def mark_changes(sheet: ValueSheet, record: dict, previous: ValueSheet, previous_record: dict) -> None:
    """Mark what changed against an earlier version: values, components, the documents they were read from."""
    before = {r.code: r for r in previous.indicators}
    now_entries, old_entries = record.get("indicators") or {}, previous_record.get("indicators") or {}
    for row in sheet.indicators:
        old = before.get(row.code)
        if old is None:
            continue
        row.previous = old.value
        if old.value != row.value or old.status != row.status:
            row.changes.append("value")
        old_parts = {p.label: p.value for p in old.components}
        for part in row.components:
            if part.label in old_parts and old_parts[part.label] != part.value or part.label not in old_parts:
                part.changed, part.previous = True, old_parts.get(part.label)
        if any(p.changed for p in row.components) or len(old_parts) > len(row.components):
            row.changes.append("component")
        now, then = now_entries.get(row.code) or {}, old_entries.get(row.code) or {}
        if now and then:
            if _documents(now) != _documents(then):
                row.changes.append("document")
    old_stages = {r.key: r for a in previous.areas for r in a.rows}
    for area in sheet.areas:
        for row in area.rows:
            old = old_stages.get(row.key)
            if old is not None and (old.stage, old.text) != (row.stage, row.text):
                row.changed, row.previous = True, old.stage
    old_scores = {r.key: r for f in previous.fields for r in f.rows}
    for block in sheet.fields:
        for row in block.rows:
            old = old_scores.get(row.key)
            if old is not None and old.score != row.score:
                row.changed, row.previous = True, old.score


def filter_indicators(rows: list[IndicatorRow], *, category: str = "", domain: str = "", findings: bool = False,
                      changed: bool = False, query: str = "") -> list[IndicatorRow]:
    query = "".join(query.split()).lower()

    def matches(row: IndicatorRow) -> bool:
        if category and row.category != category or domain and row.domain != domain:
            return False
        if findings and not row.items or changed and not row.changes:
            return False
        if query:
            haystack = "".join(f"{row.code}{row.name}{row.stated_text or ''}{row.domain_name}".split()).lower()
            return query in haystack
        return True

    return [r for r in rows if matches(r)]
