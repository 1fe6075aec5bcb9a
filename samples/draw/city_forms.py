"""Each indicator's detail form in the proposal, in the seed's order: the 지표 row (name and the value
in the form's words), 분석자료 / 자료출처 rows, the unit line and the data table — beside the form,
nested in its 자료구축양식 cell, or only in the workbook annex (붙임 엑셀 '시트' 참조)."""

from __future__ import annotations

import random

from samples.draw.blocks import Grid, Para
from samples.draw.city_tables import (
    breakdown_table,
    items_table,
    ratio_table,
    selfset_table,
    two_year_table,
    yes_no_table,
)
from samples.draw.model import Ind, Plan
from samples.draw.wording import code_text, number, with_unit
from schemas.programme import CityProgramme, Indicator

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"
SOURCES = ["지자체 자체 자료", "행정안전부 주민등록 인구통계, 지자체 자체 자료", "지자체 내부 문서 및 홈페이지"]


def data_table(rng: random.Random, ind: Ind, spec: Indicator, plan: Plan) -> Grid | None:
    v = plan.variants
    total_label = None if v["totals"] == "none" else v["totals"]
    if ind.kind == "ratio2":
        return two_year_table(ind, spec, v, total_label)
    if ind.kind == "breakdown":
        return breakdown_table(ind, spec, v, total_label or "총계")
    if ind.kind == "ratio":
        return ratio_table(ind, spec, v)
    if ind.kind == "list":
        total = None
        if total_label and rng.random() < 0.3:  # some lists end with a 총계 row of their own
            total = (total_label, with_unit(number(ind.listed or 0, v), spec.unit, v))
        return items_table(rng, ind, v, total)
    if ind.kind == "sum":
        total = (total_label or "계", with_unit(number(ind.value, v), spec.unit if spec.unit != "천명" else None, v))
        return items_table(rng, ind, v, total)
    if ind.kind == "selfset":
        return selfset_table(ind, v)
    return yes_no_table(ind, spec, v, plan.written_applicant.get("name") or plan.facts.get("city", ""))


def unit_line(spec: Indicator) -> str | None:
    units = [c.unit for c in spec.components if c.unit] or ([spec.unit] if spec.unit else [])
    seen = []
    for unit in units:
        if unit not in seen:
            seen.append(unit)
    return f"(단위: {', '.join(seen)})" if seen else None


def form_blocks(rng: random.Random, plan: Plan, programme: CityProgramme) -> tuple[list, list[Grid]]:
    """The detail forms of every reported indicator, and the workbook annex's sheets."""
    v = plan.variants
    categories = {c.key: c.name for c in programme.categories}
    blocks, annex = [], []
    start, end = plan.facts["period_window"].split("..")  # the city's own two years, as its forms title them
    window = f"('{start[2:4]}.{start[5:]}~'{end[2:4]}.{end[5:]})" if not start.endswith("-01") else "('23~'24년)"
    last_cat = last_sub = None
    n = 0
    for code, ind in plan.indicators.items():
        spec = programme.indicator(code)
        if spec.category != last_cat:
            blocks.append(Para(f"{spec.category}. {categories[spec.category]} 부문", "heading"))
            last_cat, last_sub = spec.category, None
        if spec.subcategory != last_sub:
            blocks.append(Para(spec.subcategory, "subheading"))
            last_sub, n = spec.subcategory, 0
        code_cell = code_text(code, v)
        title = spec.name_variants[0] if spec.name_variants and rng.random() < 0.5 else spec.name
        title = title.replace("('23~'24년)", window).replace("(‘23~’24년)", window)
        blocks.append(Para(f"{CIRCLED[n % 10]} " + (f"[{code_cell}] " if code_cell else "") + spec.name, "subheading"))
        n += 1
        head = Grid([["지표", title, ind.detail_text]], widths=[12, 50, 38])
        if rng.random() < 0.6:  # 분석자료 / 자료출처 rows, as the seed's form has them
            head.rows += [["분석자료", f"■ {spec.name} 관련 {SOURCES[0]} 기준으로 작성", ""],
                          ["자료출처", rng.choice(SOURCES), ""]]
            head.merges += [(1, 1, 1, 2), (2, 1, 2, 2)]
        table = data_table(rng, ind, spec, plan)
        unit = unit_line(spec)
        if table is not None and ind.xlsx_sheet:
            sheet = Grid([list(r) for r in table.rows], list(table.merges), sheet=ind.xlsx_sheet,
                         caption=f"{code} {spec.name} 산출내역")
            annex.append(sheet)
            if ind.xlsx_only:
                table = Grid([[f"※ 산출내역은 붙임 엑셀 '{ind.xlsx_sheet}' 시트 참조"]])
        if table is not None and v["nested"]:
            r = len(head.rows)
            head.rows.append(["자료구축양식", "", ""])
            head.merges.append((r, 1, r, 2))
            head.nested[(r, 1)] = table
            blocks += [Para("○ 평가대상 및 자료"), head]
        else:
            blocks += [Para("○ 평가대상 및 자료"), head] + ([Para(unit, "note")] if unit and table else [])
            blocks += [table] if table is not None else []
    return blocks, annex
