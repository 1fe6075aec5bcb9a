"""Read the qualitative self-assessment (정성지표 자체평가표): the stage chosen per sub-area and its text."""

from __future__ import annotations

import re

from extractors.model import Document
from mapping.values import compact, normalise
from schemas.programme import CityProgramme
from schemas.provenance import Provenance
from schemas.submission import QualitativeValue

_NUMBERING = re.compile(r"^\s*\d+(?:\.\s*\d+)*\.?\s*")
_AREA_NUMBERING = re.compile(r"^\s*\d+\.(?!\s*\d)")  # `2. 제도 기반` heads an area, `2.1 제도 기반` a sub-area


def _stage_lookup(programme: CityProgramme) -> dict[str, int]:
    """Compacted ways of writing a stage → its number: its names (also without a stage suffix such as 단계),
    then its number alone or with a prefix and/or suffix of the programme (3, 레벨3, 3단계, lv3단계)."""
    suffixes = [compact(s) for s in programme.stage_number_suffixes]
    prefixes = [compact(p) for p in programme.stage_number_prefixes]
    lookup = {}
    for stage in programme.stages:
        for name in (stage.name, *stage.name_variants):
            lookup[compact(name)] = stage.number
            for suffix in suffixes:
                lookup[compact(name).removesuffix(suffix)] = stage.number
    for stage in programme.stages:
        for prefix in ("", *prefixes):
            for suffix in ("", *suffixes):
                lookup.setdefault(f"{prefix}{stage.number}{suffix}", stage.number)
    return lookup


def parse_stage(text: str, lookup: dict[str, int]) -> int | None:
    key = compact(text)
    return lookup.get(key) if key else None


def map_qualitative(docs: list[Document], programme: CityProgramme) -> tuple[dict[str, QualitativeValue], list[tuple[str, str, Provenance]]]:
    """Sub-area key -> stage and text, and (key, stage text, source) for stages that could not be read."""
    names = {compact(n): sub.key for area in programme.qualitative_areas for sub in area.sub_areas
             for n in (sub.name, *sub.name_variants)}
    stages = _stage_lookup(programme)
    values: dict[str, QualitativeValue] = {}
    unreadable: list[tuple[str, str, Provenance]] = []
    for doc in docs:
        for table in doc.tables:
            for r, row in enumerate(table.grid()):
                if len(row) < 3 or _AREA_NUMBERING.match(row[0]) or len(set(row)) == 1:
                    continue
                key = names.get(compact(_NUMBERING.sub("", row[0])))
                if key is None or key in values:
                    continue
                stage_text, text = normalise(row[1]), normalise(" ".join(row[2:]))
                if not stage_text and not text:
                    continue
                source = doc.provenance(table, r, 1)
                stage = parse_stage(stage_text, stages)
                if stage is None and stage_text:
                    unreadable.append((key, stage_text, source))
                values[key] = QualitativeValue(stage=stage, text=text or None, source=source)
    return values, unreadable
