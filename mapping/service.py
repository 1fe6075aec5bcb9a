"""Service programme: the level and domain ticked on the application, and the self-scores."""

from __future__ import annotations

import re

from extractors.model import Document
from mapping.application import checked_option
from mapping.values import compact, numbers
from schemas.programme import ServiceProgramme
from schemas.provenance import Provenance
from schemas.submission import ServiceData

SUB_ITEM_KEY = re.compile(r"^\s*(\d\.\d\.\d\.\d{1,2})\b")


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


def read_self_scores(docs: list[Document], programme: ServiceProgramme) -> tuple[dict[str, float], float | None, Provenance | None]:
    """Sub-item key -> self-score, and the stated grand total with where it stands."""
    score_headers = {compact(h) for h in programme.score_headers}
    total_labels = {compact(t) for t in programme.total_labels}
    scores: dict[str, float] = {}
    total = where = None
    for doc in docs:
        carried: dict[int, int] = {}  # score column of the last header of each width: a later page continues it
        for t_index, table in enumerate(doc.tables):
            score_col = carried.get(table.n_cols)
            for r, row in enumerate(table.grid()):
                for c, text in enumerate(row):
                    if compact(text) in score_headers:
                        score_col = c
                        carried[table.n_cols] = c
                if score_col is None or score_col >= len(row):
                    continue
                found = numbers(row[score_col])
                if compact(row[0]) in total_labels and found:
                    total, where = found[0], Provenance(file=doc.file, table=table.index, row=r)
                    continue
                printed = next(((m.group(1), t) for t in row[:score_col] if (m := SUB_ITEM_KEY.match(t))), None)
                # the form's own numbering → criteria; the statement may stand in the number's cell or its own
                key = programme.criteria_key(printed[0], " ".join(row[:score_col])) if printed else None
                if key and found and key not in scores:
                    scores[key] = found[0]
    return scores, total, where


def map_service(application: Document | None, self_evaluations: list[Document], programme: ServiceProgramme) -> ServiceData:
    level, domain = read_level_and_domain(application, programme) if application else (None, None)
    scores, total, where = read_self_scores(self_evaluations, programme)
    return ServiceData(level=level, domain=domain, self_scores=scores, stated_total=total, stated_total_source=where)
