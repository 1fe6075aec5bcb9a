"""Service programme: the level and domain ticked on the application, and the self-scores."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractors.model import Document
from mapping.application import checked_option
from mapping.values import compact, numbers
from schemas.programme import ServiceProgramme
from schemas.provenance import Provenance
from schemas.submission import ServiceData

SUB_ITEM_KEY = re.compile(r"^\s*(\d\.\d\.\d\.\d{1,2})\b")
NUMBERED = re.compile(r"\d\.\d")  # an item's or sub-item's number: its row is no total


def read_level_and_domain(doc: Document, programme: ServiceProgramme) -> tuple[str | None, str | None]:
    level_names = {}
    for level in programme.levels:
        for name in (level.name, *level.name_variants):
            level_names[name] = level.key
    domain_names = {}
    for domain in programme.domains:
        for name in (domain.name, *domain.name_variants):
            domain_names[name] = domain.name
    level = domain = None
    for table in doc.tables:
        for cell in table.cells:
            if level is None and (ticked := checked_option(cell.text, list(level_names))):
                level = level_names[ticked]
            if domain is None and (ticked := checked_option(cell.text, list(domain_names))):
                domain = domain_names[ticked]
    return level, domain


@dataclass
class SelfScores:
    """What a self-evaluation states: each sub-item's score, each field's 계 and the grand 합계, with places."""

    scores: dict[str, float] = field(default_factory=dict)
    score_sources: dict[str, Provenance] = field(default_factory=dict)
    total: float | None = None
    total_source: Provenance | None = None
    field_totals: dict[str, float] = field(default_factory=dict)
    field_total_sources: dict[str, Provenance] = field(default_factory=dict)


GRAND_TOTAL = "total"  # what the grand 합계 row totals (field keys are "1", "2", "3")


def _totalled(heading: str, last_key: str | None, programme: ServiceProgramme, total_labels: set[str],
              subtotal_labels: set[str]) -> str | None:
    """What a row headed ``heading`` totals: a field's key (named in it, `(1. 스마트도시 부합성) 계`, or the field
    of the rows above a `소계`), ``GRAND_TOTAL``, or None (a statement ending in 계, like 설계, is no total)."""
    label = compact(heading)
    if not label or NUMBERED.search(heading):
        return None
    if label in subtotal_labels:
        return last_key.split(".")[0] if last_key else None
    if any(label.endswith(t) for t in total_labels | subtotal_labels) and (named := programme.field_named(heading)):
        return named.key
    return GRAND_TOTAL if label in total_labels else None


def read_self_scores(docs: list[Document], programme: ServiceProgramme) -> SelfScores:
    score_headers = {compact(h) for h in programme.score_headers}
    total_labels = {compact(t) for t in programme.total_labels}
    subtotal_labels = {compact(t) for t in programme.subtotal_labels}
    read = SelfScores()
    for doc in docs:
        carried: dict[int, int] = {}  # score column of the last header of each width: a later page continues it
        last_key = None
        for table in doc.tables:
            score_col = carried.get(table.n_cols)
            for r, row in enumerate(table.grid()):
                for c, text in enumerate(row):
                    if compact(text) in score_headers:
                        score_col = c
                        carried[table.n_cols] = c
                if score_col is None or score_col >= len(row):
                    continue
                found = numbers(row[score_col])
                totalled = _totalled(row[0], last_key, programme, total_labels, subtotal_labels)
                if found and totalled == GRAND_TOTAL:
                    read.total, read.total_source = found[0], doc.provenance(table, r, score_col)
                    continue
                if found and totalled is not None:
                    read.field_totals.setdefault(totalled, found[0])
                    read.field_total_sources.setdefault(totalled, doc.provenance(table, r, score_col))
                    continue
                printed = next(((m.group(1), t) for t in row[:score_col] if (m := SUB_ITEM_KEY.match(t))), None)
                # the form's own numbering → criteria; the statement may stand in the number's cell or its own
                key = programme.criteria_key(printed[0], " ".join(row[:score_col])) if printed else None
                if key and found and key not in read.scores:
                    read.scores[key] = found[0]
                    read.score_sources[key] = doc.provenance(table, r, score_col)
                    last_key = key
    return read


def map_service(application: Document | None, self_evaluations: list[Document], programme: ServiceProgramme) -> ServiceData:
    level, domain = read_level_and_domain(application, programme) if application else (None, None)
    read = read_self_scores(self_evaluations, programme)
    return ServiceData(level=level, domain=domain, self_scores=read.scores,
                       self_score_sources=read.score_sources, stated_total=read.total,
                       stated_total_source=read.total_source, stated_field_totals=read.field_totals,
                       stated_field_total_sources=read.field_total_sources)
