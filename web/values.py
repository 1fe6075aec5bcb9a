"""The value an item is about: as extracted (stored record) and as the reviewers see it (``effective_record``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from schemas.loader import load_programme
from schemas.programme import CityProgramme


@dataclass
class Component:
    letter: str
    label: str
    unit: str | None
    extracted: Any
    effective: Any

    @property
    def corrected(self) -> bool:
        return self.effective != self.extracted


@dataclass
class ValueView:
    kind: str  # indicator | qualitative | self_score
    code: str
    name: str
    unit: str | None = None
    extracted: Any = None
    effective: Any = None
    stated_text: str | None = None
    recomputed: float | None = None
    formula: str | None = None
    components: list[Component] = field(default_factory=list)
    corrected_by: str | None = None
    corrected_at: str | None = None
    correction_note: str | None = None
    hint: str = ""  # what a correction may be, in Korean

    @property
    def corrected(self) -> bool:
        return self.corrected_by is not None


def _stamp(view: ValueView, entry: dict) -> None:
    view.corrected_by = entry.get("corrected_by")
    view.corrected_at = entry.get("corrected_at")
    view.correction_note = entry.get("correction_note")


def value_view(code: str | None, record: dict, effective: dict) -> ValueView | None:
    """The indicator, qualitative sub-area or service sub-item ``code`` of the submission, if it is one."""
    if not code or not record.get("programme"):
        return None
    programme = load_programme(record["programme"])
    if isinstance(programme, CityProgramme):
        specs = {i.code: i for i in programme.indicators}
        if code in specs:
            spec = specs[code]
            stored = (record.get("indicators") or {}).get(code) or {}
            now = (effective.get("indicators") or {}).get(code) or {}
            view = ValueView("indicator", code, spec.name, unit=spec.unit or stored.get("unit"),
                             extracted=stored.get("value"), effective=now.get("value", stored.get("value")),
                             stated_text=stored.get("stated_text"), recomputed=stored.get("recomputed"),
                             formula=spec.formula,
                             hint={"boolean": "예/아니오 (O/X)", "count": "0 이상의 정수"}.get(spec.value_kind, "숫자"))
            stored_components = stored.get("components") or {}
            now_components = now.get("components") or stored_components
            view.components = [Component(c.letter, c.label, c.unit, stored_components.get(c.letter),
                                         now_components.get(c.letter)) for c in spec.components]
            _stamp(view, now)
            return view
        stages = {s.number: s.name for s in programme.stages}
        numbers = programme.stage_numbers()
        for area in programme.qualitative_areas:
            for sub in area.sub_areas:
                if sub.key == code:
                    stored = (record.get("qualitative") or {}).get(code) or {}
                    now = (effective.get("qualitative") or {}).get(code) or {}
                    view = ValueView("qualitative", code, f"{area.name} · {sub.name}", extracted=stored.get("stage"),
                                     effective=now.get("stage", stored.get("stage")), stated_text=stored.get("text"),
                                     hint=f"{numbers[0]}~{numbers[-1]} 또는 단계 이름 ("
                                          + ", ".join(stages[n] for n in numbers) + ")")
                    _stamp(view, now)
                    return view
        return None
    items = {s.key: s for s in programme.sub_items()}
    if code not in items:
        return None
    spec = items[code]
    scores = (record.get("service") or {}).get("self_scores") or {}
    now_service = effective.get("service") or {}
    view = ValueView("self_score", code, spec.text, unit="점", extracted=scores.get(code),
                     effective=(now_service.get("self_scores") or {}).get(code, scores.get(code)),
                     hint=f"0~{spec.points}점 (배점 {spec.points}점)")
    _stamp(view, (now_service.get("corrected") or {}).get(code) or {})
    return view
