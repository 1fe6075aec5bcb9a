"""Consistency across indicators, as declared in the programme's `constraints` (indicator.cross_inconsistent)."""

from __future__ import annotations

from typing import Iterator

from checks.catalogue import finding, where_ko
from mapping.submission import MappedBundle
from schemas.programme import CityProgramme, Constraint
from schemas.provenance import Provenance
from schemas.submission import Finding


def term_values(m: MappedBundle, constraint: Constraint) -> dict[str, tuple[float, Provenance | None]]:
    """The value (scaled) and source of each term the submission states: CODE.LETTER or CODE."""
    out = {}
    for term in constraint.terms:
        code, _, letter = term.partition(".")
        entry = m.submission.indicators.get(code)
        if entry is None:
            continue
        if letter:
            value = entry.components.get(letter)
            source = entry.component_sources.get(letter)
        else:
            value, source = entry.value, entry.source
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            out[term] = (float(value) * constraint.scale.get(term, 1.0), source)
    return _without_scan_misreadings(out) if constraint.kind == "same_value" else out


# A figure read from a scan this many times larger or smaller than the one its other readings agree on has gained
# or lost a digit (`3,550,000` for 355,000): a misreading, not a figure the city wrote (those differ by a few %).
MISREAD_FACTOR = 5.0


def _without_scan_misreadings(values: dict[str, tuple[float, Provenance | None]]) -> dict:
    """``values`` of a same-value constraint without the scanned ones off by a digit from what two or more agree on
    (within 1 %: 34.12만명 and 341,234명)."""
    numbers = [v for v, _ in values.values()]
    alike = [(sum(abs(v - w) <= 0.01 * abs(v) for w in numbers), v) for v in numbers]
    count, agreed = max(alike) if alike else (0, 0.0)
    if count < 2 or not agreed:
        return values
    return {t: (v, s) for t, (v, s) in values.items()
            if not (s is not None and s.method == "ocr" and not 1 / MISREAD_FACTOR < v / agreed < MISREAD_FACTOR)}


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:g}"


def check_constraints(m: MappedBundle) -> Iterator[Finding]:
    if not isinstance(m.programme, CityProgramme):
        return
    for constraint in m.programme.constraints:
        values = term_values(m, constraint)
        broken: list[str] = []
        if constraint.kind == "same_value" and len(values) > 1:
            numbers = [v for v, _ in values.values()]
            if (max(numbers) - min(numbers)) > constraint.tolerance * max(abs(max(numbers)), 1e-9):
                broken = list(values)
        elif constraint.kind == "not_greater" and len(values) == 2:
            (a, (va, _)), (b, (vb, _)) = values.items()
            if va > vb:
                broken = [a, b]
        elif constraint.kind == "at_most":
            broken = [t for t, (v, _) in values.items() if v > (constraint.limit or 0)]
        if not broken:
            continue
        shown = ", ".join(f"{t} = {_fmt(values[t][0])}" for t in broken)
        source = values[broken[0]][1]
        indicator = broken[0].split(".")[0]
        yield finding("indicator.cross_inconsistent", indicator=indicator, description=constraint.description,
                      values=shown, where=where_ko(source), source=source, constraint=constraint.id)
