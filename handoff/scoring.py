"""PRELIMINARY scoring previews (예비 점수) from submission records; configuration in schemas/scoring/*.yaml.

City: each quantitative indicator's points by comparing the cohort (per size class), qualitative
points from the stages, the total against the certification line and the grade bands. Service:
the self-scores checked against each sub-item's points, field totals, and the pass rule.
These are previews for the operating agency; the committee scores.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict

from schemas import load_programme
from schemas.programme import CityProgramme, ServiceProgramme
from schemas.yaml_data import read_yaml

SCORING_DIR = Path(__file__).resolve().parents[1] / "schemas" / "scoring"
LABEL = "예비 점수(위원회 평가 전 참고용)"


class QuantitativeConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    method: Literal["ratio_to_max", "minmax", "zscore"] = "ratio_to_max"
    zscore_clip: float = 2.5
    cohort_by_city_size: bool = True
    lower_is_better: list[str] = []
    self_defined: Literal["committee", "full_if_present"] = "committee"


class QualitativeConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    stage_share: dict[int, float]
    split: Literal["equal_by_area"] = "equal_by_area"


class CityScoring(BaseModel):
    model_config = ConfigDict(extra="forbid")
    programme: str
    quantitative: QuantitativeConfig
    qualitative: QualitativeConfig


class ServiceScoring(BaseModel):
    model_config = ConfigDict(extra="forbid")
    programme: str
    cap_at_max: bool = True


@lru_cache(maxsize=None)
def load_scoring(programme_id: str) -> CityScoring | ServiceScoring:
    data = read_yaml(SCORING_DIR / f"{programme_id}.yaml")
    return CityScoring(**data) if "quantitative" in data else ServiceScoring(**data)


@dataclass
class CityScore:
    submission_id: int | str
    applicant: str | None
    city_size: str | None
    quantitative: dict[str, float | None] = field(default_factory=dict)  # None: left to the committee
    qualitative: dict[str, float] = field(default_factory=dict)
    quantitative_total: float = 0.0
    qualitative_total: float = 0.0
    total: float = 0.0
    grade: int | None = None
    certified: bool = False
    notes: list[str] = field(default_factory=list)
    label: str = LABEL


def _numeric(value) -> float | None:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    return float(value) if isinstance(value, (int, float)) else None


def _standardise(values: dict, points: float, cfg: QuantitativeConfig, lower_better: bool) -> dict:
    present = {k: v for k, v in values.items() if v is not None}
    if not present:
        return {k: 0.0 for k in values}
    nums = list(present.values())
    if lower_better:
        top = max(nums)
        present = {k: top - v for k, v in present.items()}
        nums = list(present.values())
    best, low = max(nums), min(nums)
    out = {}
    for key in values:
        v = present.get(key)
        if v is None:
            out[key] = 0.0
        elif cfg.method == "ratio_to_max":
            out[key] = points * v / best if best > 0 else points
        elif cfg.method == "minmax":
            out[key] = points * (v - low) / (best - low) if best > low else points
        else:
            mean = sum(nums) / len(nums)
            sd = (sum((n - mean) ** 2 for n in nums) / len(nums)) ** 0.5
            z = 0.0 if sd == 0 else max(-cfg.zscore_clip, min(cfg.zscore_clip, (v - mean) / sd))
            out[key] = points * (z + cfg.zscore_clip) / (2 * cfg.zscore_clip)
    return out


def _programme_of(records: list[dict]) -> str:
    """The one programme the records were submitted to (each record names its own)."""
    ids = {r.get("programme") for r in records}
    if len(ids) != 1 or None in ids:
        raise ValueError(f"records of one programme needed to score them, got {sorted(map(str, ids))}")
    return ids.pop()


def score_city_cohort(records: dict, programme_id: str | None = None) -> list[CityScore]:
    """``records``: submission id → submission record (dict, as exported). Standardised within each size class.
    The programme is the records' own unless ``programme_id`` is given."""
    if not records:
        return []
    programme_id = programme_id or _programme_of(list(records.values()))
    programme: CityProgramme = load_programme(programme_id)
    cfg: CityScoring = load_scoring(programme_id)
    scores = {sid: CityScore(sid, r.get("applicant", {}).get("name"), r.get("applicant", {}).get("city_size"))
              for sid, r in records.items()}
    groups: dict[str | None, list] = {}
    for sid, score in scores.items():
        groups.setdefault(score.city_size if cfg.quantitative.cohort_by_city_size else None, []).append(sid)
    for members in groups.values():
        for ind in programme.indicators:
            reporting = [sid for sid in members if ind.code in programme.reported_codes(records[sid].get("selected_domains", []))]
            if not reporting:
                continue
            if ind.self_defined and cfg.quantitative.self_defined == "committee":
                for sid in reporting:
                    scores[sid].quantitative[ind.code] = None
                continue
            values = {sid: _numeric((records[sid].get("indicators", {}).get(ind.code) or {}).get("value")) for sid in reporting}
            if ind.self_defined:  # full_if_present
                points = {sid: (ind.points if v is not None else 0.0) for sid, v in values.items()}
            else:
                points = _standardise(values, ind.points, cfg.quantitative, ind.code in cfg.quantitative.lower_is_better)
            for sid, p in points.items():
                scores[sid].quantitative[ind.code] = round(p, 2)
    for sid, score in scores.items():
        _qualitative(score, records[sid], programme, cfg)
        score.quantitative_total = round(sum(p for p in score.quantitative.values() if p is not None), 2)
        score.total = round(score.quantitative_total + score.qualitative_total, 2)
        score.grade = grade_for(score.total, programme)
        score.certified = score.total >= programme.certification_threshold
        pending = [c for c, p in score.quantitative.items() if p is None]
        if pending:
            score.notes.append(f"자체 설정 지표 {len(pending)}개({', '.join(pending)})는 위원회 채점 대상이라 제외")
    return list(scores.values())


def grade_for(total: float, programme: CityProgramme) -> int | None:
    """The call's bands: certified grades by "n점 이상", the others by "n점 이하" from the bottom (so 1000.5 is 4등급)."""
    for grade in sorted((g for g in programme.grades if g.certified), key=lambda g: g.grade):
        if grade.min_points is not None and total >= grade.min_points:
            return grade.grade
    for grade in sorted((g for g in programme.grades if not g.certified), key=lambda g: -g.grade):
        if grade.max_points is not None and total <= grade.max_points:
            return grade.grade
    uncertified = [g.grade for g in programme.grades if not g.certified]
    return min(uncertified) if uncertified else None


def _qualitative(score: CityScore, record: dict, programme: CityProgramme, cfg: CityScoring) -> None:
    stages = record.get("qualitative", {})
    selected = set(record.get("selected_domains", []))
    always = {d.code for d in programme.domain_rules.domains if d.kind != "optional"}
    for category, points in programme.qualitative_category_points.items():
        areas = [a for a in programme.qualitative_areas if a.category == category]
        for area in areas:
            subs = [s for s in area.sub_areas if not s.domain or s.domain in selected | always]
            area_points = points / len(areas)
            for sub in subs:
                stage = (stages.get(sub.key) or {}).get("stage")
                share = cfg.qualitative.stage_share.get(stage, 0.0) if stage else 0.0
                score.qualitative[sub.key] = round(area_points / len(subs) * share, 2)
    score.qualitative_total = round(sum(score.qualitative.values()), 2)


@dataclass
class ServiceScore:
    submission_id: int | str
    applicant: str | None
    level: str | None
    field_totals: dict[str, float] = field(default_factory=dict)
    total: float = 0.0
    passed: bool = False
    reasons: list[str] = field(default_factory=list)  # why it fails, in Korean
    capped: list[str] = field(default_factory=list)
    label: str = LABEL


def score_service(submission_id, record: dict, programme_id: str | None = None) -> ServiceScore:
    """The record's programme unless ``programme_id`` is given."""
    programme_id = programme_id or _programme_of([record])
    programme: ServiceProgramme = load_programme(programme_id)
    cfg: ServiceScoring = load_scoring(programme_id)
    service = record.get("service") or {}
    scores = service.get("self_scores", {})
    level = service.get("level")
    result = ServiceScore(submission_id, record.get("applicant", {}).get("name"), level)
    for fld in programme.fields:
        total = 0.0
        for item in fld.items:
            if item.level and level and item.level != level:
                continue  # 구성 및 기능: only the block of the level applied for counts
            slots_taken: set[str] = set()
            for sub in item.sub_items:
                value = scores.get(sub.key)
                if value is None and sub.slot not in slots_taken:
                    value = scores.get(sub.slot)  # a 특화지표 scored under its slot: counts once
                if value is None:
                    continue
                slots_taken.add(sub.slot)
                if cfg.cap_at_max and value > sub.points:
                    result.capped.append(sub.key)
                    value = sub.points
                total += value
        result.field_totals[fld.key] = round(min(total, fld.points), 2)
    result.total = round(sum(result.field_totals.values()), 2)
    rule = programme.pass_rule
    if result.total < rule.total_minimum:
        result.reasons.append(f"총점 {result.total:g}점 < {rule.total_minimum}점")
    for fld in programme.fields:
        minimum = rule.field_minimums.get(fld.key)
        if minimum is not None and result.field_totals[fld.key] < minimum:
            result.reasons.append(f"{fld.name} {result.field_totals[fld.key]:g}점 < 과락 기준 {minimum}점")
    result.passed = not result.reasons
    return result
