"""The data table of one detail form (자료구축양식): components, listed items, a total, a yes/no record.

Layout choices: components across (a header row and a value row) or down (label | value), with or
without their (A) letters; two-year forms a row per year (with a 총계/합계 row) or all in one row;
the population in the form's 만명/천명, in 명, or both; grouping cells merged, repeated or blank.
"""

from __future__ import annotations

import random

from samples.draw.blocks import Grid, blank_repeats, merged_down
from samples.draw.model import Ind
from samples.draw.wording import date_text, mark, number
from schemas.programme import Component, Indicator

PERSON_LABELS = ["인구수(명)", "주민등록 인구(명)", "총 인구수(명)"]


def _value_text(value, v: dict) -> str:
    if isinstance(value, float):
        return number(value, v, 2 if abs(value - round(value, 1)) > 1e-9 else 1)
    return number(value, v)


def _label(comp: Component, v: dict) -> str:
    names = [comp.label, *comp.label_variants]
    if comp.unit in ("만명", "천명") and comp.reference:
        return names[v["pop_label"] % len(names)]
    return comp.label


def _lettered(label: str, value: str, letter: str, v: dict) -> tuple[str, str]:
    if v["letters"] == "label":
        return f"{label}({letter})", value
    if v["letters"] == "value":
        return label, f"({letter}) {value}"
    return label, value


def component_cells(ind: Ind, spec: Indicator, v: dict) -> list[tuple[str, str, str, float]]:
    """(letter, label, written text, number) per written figure: one per component, two for a population
    written both in 명 and in the form's unit (the 명 figure first)."""
    persons = ind.extra.get("persons", {})
    out = []
    for comp in spec.components:
        if comp.letter not in ind.written:
            continue
        if comp.letter in persons and v["pop_unit"] in ("persons", "both"):
            label = PERSON_LABELS[v["pop_label"] % len(PERSON_LABELS)]
            count = persons[comp.letter]
            if v["pop_unit"] == "both":
                out.append((comp.letter, label, number(count, v), count))
            else:
                out.append((comp.letter, *_lettered(label, number(count, v), comp.letter, v), count))
                continue
        written = ind.written[comp.letter]
        out.append((comp.letter, *_lettered(_label(comp, v), _value_text(written, v), comp.letter, v), written))
    return out


def ratio_table(ind: Ind, spec: Indicator, v: dict) -> Grid:
    cells = [(label, text) for _, label, text, _ in component_cells(ind, spec, v)]
    value = number(ind.value, v, 2)
    year = next((c.reference[:4] for c in spec.components if c.reference), None)
    if spec.code == "C-1-7":  # 계 = 공영 + 민간, as the seed's form splits it
        parts = [(name, number(n, v)) for name, n, _ in ind.extra["rows"]]
        cells = cells[:1] + parts + cells[1:]
    if v["comps_layout"] == "rows":
        rows = [["구분", "값"]] + ([["기준연도", f"{year}년"]] if year else []) + [list(c) for c in cells]
        return Grid(rows + [["지표값", value]])
    head = (["기준연도"] if year else []) + [c[0] for c in cells] + ["지표값"]
    return Grid([head, ([f"{year}년"] if year else []) + [c[1] for c in cells] + [value]])


def two_year_table(ind: Ind, spec: Indicator, v: dict, total_label: str | None) -> Grid:
    """B-3-2, B-4-2, C-4-2, C-8-2: year 1 = (A, B), year 2 = (C, D)."""
    cells = component_cells(ind, spec, v)
    first = [c for c in cells if c[0] in "AB"]
    second = [c for c in cells if c[0] in "CD"]
    years = [c.reference[:4] for c in spec.components[::2]]
    value = number(ind.value, v, 2)
    if v["year_layout"] == "flat":
        head = [f"{years[0]} {c[1]}" for c in first] + [f"{years[1]} {c[1]}" for c in second] + ["비율"]
        return Grid([head, [c[2] for c in first + second] + [value]])
    scale = 100 if "100" in (spec.formula or "") else 1
    per_year = [ind.written["B"] / ind.written["A"] * scale, ind.written["D"] / ind.written["C"] * scale]
    if v["letters"] == "label":  # a column holds (A) and (C): its header names no letter, the cells do
        plain = component_cells(ind, spec, {**v, "letters": "none"})
        last = {c[0]: n for n, c in enumerate(plain)}  # a population also in 명: only its form-unit figure is lettered
        marked = [(c[0], c[1], f"({c[0]}) {c[2]}" if last[c[0]] == n else c[2], c[3]) for n, c in enumerate(plain)]
        first, second = [c for c in marked if c[0] in "AB"], [c for c in marked if c[0] in "CD"]
    rows = [["연도", *[c[1] for c in first], "비율"],
            [years[0], *[c[2] for c in first], number(per_year[0], v, 2)],
            [years[1], *[c[2] for c in second], number(per_year[1], v, 2)]]
    if total_label:
        sums = [a[3] + b[3] for a, b in zip(first, second)]
        rows.append([total_label, *[_value_text(round(x, 2) if isinstance(x, float) else x, v) for x in sums], value])
    return Grid(rows)


BREAKDOWN_HEADS = {"C-1-4": ["도로유형", "도로 길이(km)", "CCTV 수", "1km당 CCTV 수"],
                   "C-1-5": ["구분", "교통사고 수", "감지 및 대응 처리 수", "비율"],
                   "C-5-2": ["구분", "학교 수", "스마트 스쿨 수", "지표값"]}


def breakdown_table(ind: Ind, spec: Indicator, v: dict, total_label: str) -> Grid:
    scale = 100 if "100" in (spec.formula or "") else 1
    rows = [list(BREAKDOWN_HEADS[spec.code])]
    for name, a, b in ind.extra["rows"]:
        rows.append([name, _value_text(a, v), number(b, v), number(b / a * scale, v, 2) if a else "-"])
    a_text, b_text = _value_text(ind.written["A"], v), number(ind.written["B"], v)
    a_text, b_text = _lettered("", a_text, "A", v)[1], _lettered("", b_text, "B", v)[1]
    rows.append([total_label, a_text, b_text, number(ind.value, v, 2)])
    return Grid(rows)


def items_table(rng: random.Random, ind: Ind, v: dict, total: tuple[str, str] | None) -> Grid:
    """Listed items or the rows of a total; the group column (if any) merged, repeated or left blank."""
    grouped = bool(ind.items) and any(it.group for it in ind.items) and ind.header[0] not in ("No.", "카테고리")
    rows = [list(ind.header)]
    for n, item in enumerate(ind.items, start=1):
        cells = [str(n) if c == "#" else date_text(c, v) if hasattr(c, "year") else _value_text(c, v)
                 if isinstance(c, (int, float)) else str(c) for c in item.cells]
        rows.append(([item.group] if grouped else []) + cells)
    rows = [r[: len(ind.header)] + [""] * (len(ind.header) - len(r)) for r in rows]
    merges = []
    group_cols = [0] if grouped or ind.header[0] == "카테고리" else []
    if group_cols and v["group_cells"] == "merge":
        merges = merged_down(rows, group_cols)
    elif group_cols and v["group_cells"] == "blank":
        blank_repeats(rows, group_cols)
    if total and ind.code == "C-11-1":  # several staff columns: the total spans them (총계 | 00명)
        rows.append([total[0], total[1]] + [""] * (len(ind.header) - 2))
        merges.append((len(rows) - 1, 1, len(rows) - 1, len(ind.header) - 1))
    elif total:
        rows.append([total[0]] + [""] * (len(ind.header) - 2) + [total[1]])
    if v["blank_rows"] and len(rows) > 2 and rng.random() < 0.5:
        at = rng.randint(2, len(rows) - 1)
        rows.insert(at, [""] * len(ind.header))
        merges = [(r0 + (r0 >= at), c0, r1 + (r1 >= at), c1) for r0, c0, r1, c1 in merges]
    return Grid(rows, merges)


def yes_no_table(ind: Ind, spec: Indicator, v: dict, city: str) -> Grid | None:
    f = ind.flags + [False] * 2
    if ind.kind == "dept":
        e = ind.extra
        slots = {"정책관": "-", "담당관(실)": "-", "담당과": "-", "담당팀": e["team"], "TF": "-"}
        key = "정책관" if e["office"].endswith("정책관") else "담당관(실)" if e["office"].endswith("담당관") else "담당과"
        slots[key] = e["office"]
        return Grid([["구분", *slots, "총 인원"], [city, *slots.values(), str(e["staff"])]])
    if "system" in ind.extra:
        return Grid([["명칭", "도입시기", "지표목록", "운영관리방법"],
                     [ind.extra["system"], "'23.3", "총 3개", "매년 1회 평가"] if f[0] else ["-", "-", "-", "-"]])
    tables = {
        "B-2-1": [["계획명", "연도", "국토부 승인"], [f"{city} 스마트도시계획" if f[0] else "-", "2024~2028", mark(f[1], v)]],
        "B-2-2": [["조례명", "제정일", "담당부서"], [f"{city} 스마트도시 조성 및 운영 조례" if f[0] else "-", "2021.5", "스마트도시과"]],
        "B-2-3": [["구분", "정책명", "제정일"], ["지침", "정보통신보안업무지침" if f[0] else "-", "2022.8"],
                  ["계획", "정보보안업무 세부추진계획" if f[1] else "-", "2024.2"]],
        "C-1-6": [["구분", "서비스 내용", "제공시스템"], ["도로위험상황 안내서비스", "실시간 사고·공사·통제 정보" if f[0] else "-", "VMS, 모바일앱"]],
        "C-2-5": [["구분", "관리부서", "내용"], ["재해 문자 전광판 시스템" if f[0] else "-", "자연재난과", "자동음성통보, 재해문자"]],
    }
    rows = tables.get(spec.code)
    return Grid(rows) if rows else None


def selfset_table(ind: Ind, v: dict) -> Grid:
    return Grid([["지표명", "산출 기준", "실적", "단위"],
                 [ind.extra["name"], "2024년 12월 기준 누계", number(ind.value, v), ind.extra["unit"]]])
