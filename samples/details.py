"""Each indicator's detail form (자료구축양식) for the sample proposals, filled from a spec.

A form is a one-row header table (`지표 | code name | stated value`) followed by its data
table, the way the seed lays out every indicator. What the data table holds depends on
the indicator: its lettered components (in rows or columns, by year for two-year
ratios), the items behind a count (with dates for the two-year indicators), or a total.
A spec can override the generated items (``items``) to inject defects.
"""

from __future__ import annotations

from datetime import date

from samples.render import SampleTable
from schemas.programme import CityProgramme, Indicator

ITEM_NAMES = {
    "A-1-2": "스마트도시 우수기관 표창", "A-2-3": "스마트도시 리빙랩", "A-2-4": "스마트기기 활용 시민교육",
    "A-3-1": "도시정보 연계 계획", "A-3-4": "통합운영센터 공개 DB", "A-3-5": "공공데이터 활용 민간 서비스",
    "A-3-6": "스마트도시 통합 플랫폼", "A-3-7": "스마트도시 서비스", "A-3-8": "연계·통합 시스템",
    "B-1-1": "스마트도시위원회 회의", "B-3-1": "스마트시티 행사", "C-1-2": "대중교통정보 API 서비스",
    "C-1-3": "교통 통행량 API", "C-2-4": "재난관리 시스템", "C-3-2": "도시데이터 기반 정책",
    "C-11-2": "센터 협업 사업", "C-11-3": "센터 제공 서비스", "C-11-4": "연계 센터",
}


def month_sequence(n: int, start: date = date(2023, 1, 1), span: int = 24) -> list[str]:
    """``n`` dates spread over ``span`` months from ``start``, written as the seed's forms do ('23.05)."""
    out = []
    for i in range(n):
        month = start.month - 1 + (i * span) // max(n, 1)
        year, month = start.year + month // 12, month % 12 + 1
        out.append(f"'{year % 100:02d}.{month:02d}")
    return out


def _number(value) -> str:
    return f"{value:,}" if isinstance(value, int) else f"{value:g}"


def _component_table(ind: Indicator, comps: dict, layout: str) -> SampleTable:
    labels = {c.letter: c for c in ind.components}
    years = sorted({c.reference[:4] for c in ind.components if c.reference})
    names = []
    for c in ind.components:
        if c.label not in names:
            names.append(c.label)
    if len(names) < len(ind.components):  # two-year form: one row per year, a 총계 row
        rows = [["연도", *names, "비율"]]
        for year in years:
            row = [year]
            for name in names:
                letter = next(c.letter for c in ind.components if c.label == name and (c.reference or "")[:4] == year)
                row.append(_number(comps[letter]))
            rows.append(row + [""])
        return SampleTable(rows)
    if layout == "columns":  # components down the first column
        return SampleTable([["구분", "값"]] + [[labels[k].label, _number(v)] for k, v in comps.items()])
    return SampleTable([["기준연도", *[labels[k].label for k in comps], "지표값"],
                        ["2024년", *[_number(v) for v in comps.values()], ""]])


def _item_table(ind: Indicator, count: int, spec: dict, stated: str) -> SampleTable:
    """The items behind a count; a spec's ``item_count`` lists fewer or more, ``item_edits`` replaces rows."""
    count = spec.get("item_count", {}).get(ind.code, count)
    edits = {int(k): v for k, v in spec.get("item_edits", {}).get(ind.code, {}).items()}
    if ind.item_groups:  # 국내 n건, 국외 m건: each item listed under its group (구분), in the stated order
        from mapping.values import numbers

        counts = [int(x) for x in numbers(stated)[:len(ind.item_groups)]]
        groups = [group for group, n in zip(ind.item_groups, counts) for _ in range(n)]
        dates = month_sequence(len(groups))
        rows = [["구분", "No.", "명칭", "주최기관", "참여일"]]
        rows += [[group, str(i + 1), f"2024 스마트시티 포럼 {i + 1}", "시", dates[i]] for i, group in enumerate(groups)]
        return SampleTable(rows)
    dated = ind.period.kind == "two_year"
    header = ["No.", "명칭"] + (["일자"] if dated else ["비고"])
    dates = month_sequence(count)
    items = [edits.get(i, [f"{ITEM_NAMES.get(ind.code, ind.name)} {i + 1}", dates[i] if dated else ""]) for i in range(count)]
    return SampleTable([header] + [[str(i + 1), *item] for i, item in enumerate(items)])


def detail_tables(programme: CityProgramme, spec: dict) -> list[SampleTable]:
    tables = []
    components = spec.get("components", {})
    detail_stated = spec.get("detail_stated", {})  # a form that disagrees with the 요약표
    for n, ind in enumerate(i for i in programme.indicators if i.code in spec["summary"]):
        stated, value, _pages = spec["summary"][ind.code]
        form_value = detail_stated.get(ind.code, stated)
        tables.append(SampleTable([["지표", f"{ind.code} {ind.name}", form_value]], caption=f"{ind.code} {ind.name}"))
        if ind.code in components:
            tables.append(_component_table(ind, components[ind.code], "columns" if n % 3 == 2 else "rows"))
        elif ind.listed_items:
            tables.append(_item_table(ind, int(value) if isinstance(value, (int, float)) else 3, spec, stated))
        elif ind.value_kind in ("count", "amount"):
            tables.append(SampleTable([["구분", "실적"], ["합계", stated]]))
    return tables
