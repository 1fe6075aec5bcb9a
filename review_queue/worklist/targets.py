"""What a reviewer may correct, and the value's type: read from the submission's programme schema.

- city-2025: a quantitative indicator's value (by its value kind) or one of its lettered components
  (a number); a qualitative sub-area's stage (1–5, or the stage's name);
- service-2023: a sub-item's self-score (a number from 0 to its points).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

from review_queue.worklist.errors import InvalidInput
from schemas.loader import load_programme
from schemas.programme import CityProgramme
from schemas.vocabulary import NO_WORDS, YES_WORDS


@dataclass(frozen=True)
class Target:
    kind: str  # indicator | component | qualitative | self_score
    indicator: str
    component: str | None
    coerce: Callable[[Any], Any]

    def extracted(self, record: dict) -> Any:
        """The value as the pipeline extracted it, from the stored submission JSON."""
        if self.kind == "qualitative":
            return ((record.get("qualitative") or {}).get(self.indicator) or {}).get("stage")
        if self.kind == "self_score":
            return ((record.get("service") or {}).get("self_scores") or {}).get(self.indicator)
        entry = (record.get("indicators") or {}).get(self.indicator) or {}
        return entry.get("value") if self.component is None else (entry.get("components") or {}).get(self.component)


def number(raw: Any) -> int | float:
    if isinstance(raw, bool) or raw is None:
        raise InvalidInput("not_a_number", raw=raw)
    if isinstance(raw, str):
        text = raw.strip().replace(",", "").removesuffix("%").strip()
        try:
            raw = int(text)
        except ValueError:
            try:
                raw = float(text)
            except ValueError:
                raise InvalidInput("not_a_number", raw=raw) from None
    if not isinstance(raw, (int, float)) or not math.isfinite(raw):
        raise InvalidInput("not_a_number", raw=raw)
    return raw


def boolean(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    word = str(raw).strip().lower()
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    raise InvalidInput("not_yes_no", raw=raw)


def count(raw: Any) -> int:
    value = number(raw)
    if value != int(value) or value < 0:
        raise InvalidInput("not_a_count", raw=raw)
    return int(value)


def custom(raw: Any) -> Any:
    try:
        return number(raw)
    except InvalidInput:
        if isinstance(raw, str) and raw.strip():
            return raw.strip()
        raise


KIND_COERCION = {"boolean": boolean, "count": count, "custom": custom}


def target(programme_id: str | None, indicator: str, component: str | None = None) -> Target:
    if not programme_id:
        raise InvalidInput("programme_unknown")
    programme = load_programme(programme_id)
    if isinstance(programme, CityProgramme):
        return _city_target(programme, indicator, component)
    items = {s.key: s for s in programme.sub_items()}
    if indicator not in items:
        raise InvalidInput("not_a_sub_item", indicator=indicator, programme=programme_id)
    if component is not None:
        raise InvalidInput("sub_item_has_no_components", indicator=indicator)
    points = items[indicator].points

    def score(raw: Any) -> float | int:
        value = number(raw)
        if not 0 <= value <= points:
            raise InvalidInput("self_score_range", indicator=indicator, points=points, value=value)
        return value

    return Target("self_score", indicator, None, score)


def _city_target(programme: CityProgramme, indicator: str, component: str | None) -> Target:
    codes = {i.code: i for i in programme.indicators}
    if indicator in codes:
        spec = codes[indicator]
        if component is None:
            return Target("indicator", indicator, None, KIND_COERCION.get(spec.value_kind, number))
        letters = {c.letter for c in spec.components}
        component = component.strip().upper() if component.strip().upper() in letters else component
        if component not in letters:
            raise InvalidInput("no_such_component", indicator=indicator, component=component,
                               letters=", ".join(sorted(letters)) or "-")
        return Target("component", indicator, component, number)
    sub_areas = {s.key for a in programme.qualitative_areas for s in a.sub_areas}
    if indicator not in sub_areas:
        raise InvalidInput("not_an_indicator", indicator=indicator, programme=programme.id)
    if component is not None:
        raise InvalidInput("sub_area_has_no_components", indicator=indicator)
    names = {n.replace(" ", ""): s.number for s in programme.stages for n in (s.name, *s.name_variants)}

    def stage(raw: Any) -> int:
        if isinstance(raw, str) and raw.replace(" ", "") in names:
            return names[raw.replace(" ", "")]
        value = number(raw)
        if value not in (1, 2, 3, 4, 5):
            raise InvalidInput("stage_range", indicator=indicator, stages=", ".join(s.name for s in programme.stages))
        return int(value)

    return Target("qualitative", indicator, None, stage)
