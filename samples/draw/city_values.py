"""A city's numbers: populations, each indicator's components and value, the rows behind its counts.

Components are drawn to the city's size; the value is the programme's formula on the components
as written, rounded to the 2 decimals the stated text shows, so a clean bundle recomputes exactly.
"""

from __future__ import annotations

import ast
import operator
import random
from datetime import date

from samples.draw.city_items import LISTS, SUMS
from samples.draw.model import Ind, Item
from schemas.programme import Indicator

OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


def evaluate(formula: str, comps: dict[str, float]) -> float:
    """The programme's formula ("(A + B) / C", "B / A * 100") on the components."""
    def ev(node):
        if isinstance(node, ast.BinOp):
            return OPS[type(node.op)](ev(node.left), ev(node.right))
        if isinstance(node, ast.Name):
            return comps[node.id]
        if isinstance(node, ast.Constant):
            return node.value
        raise ValueError(formula)
    return ev(ast.parse(formula, mode="eval").body)


def population_term(component) -> tuple[str, float] | None:
    """(reference month, persons per unit) for a component that is a population count, else None."""
    if component.reference in ("2023-12", "2024-12") and component.unit in ("만명", "천명"):
        return component.reference, 10000.0 if component.unit == "만명" else 1000.0
    return None


# Non-population components, drawn from the city's facts c (pop24, man23, man24, cheon24, area) and those drawn so far.
RECIPES = {
    "A-2-1": lambda r, c, d: {"A": int(c["man24"] * r.uniform(2, 9)), "B": int(c["man24"] * r.uniform(1, 4))},
    "A-2-2": lambda r, c, d: {"A": int(c["man23"] * r.uniform(20, 90))},
    "B-3-2": lambda r, c, d: {"B": int(c["man23"] * r.uniform(0.1, 0.6)) + 1, "D": int(c["man24"] * r.uniform(0.1, 0.6)) + 1},
    "B-4-1": lambda r, c, d: _share(r, int(c["pop24"] * r.uniform(3, 6)), 0.003, 0.02),
    "B-4-2": lambda r, c, d: _two_budgets(r, int(c["pop24"] * r.uniform(3, 6))),
    "C-1-1": lambda r, c, d: _share(r, int(c["pop24"] / r.uniform(250, 600)), 0.3, 0.95),
    "C-2-1": lambda r, c, d: {"B": int(c["cheon24"] * r.uniform(3, 12))},
    "C-2-3": lambda r, c, d: _share(r, d.get("C-2-1", {}).get("B") or int(c["cheon24"] * r.uniform(3, 12)), 0.2, 0.7),
    "C-4-1": lambda r, c, d: _share(r, int(c["pop24"] / r.uniform(2.1, 2.6)), 0.05, 0.4),
    "C-4-2": lambda r, c, d: {"B": int(c["man23"] * r.uniform(20, 80)), "D": int(c["man24"] * r.uniform(20, 80))},
    "C-5-1": lambda r, c, d: {"A": int(c["cheon24"] * r.uniform(10, 80))},
    "C-7-2": lambda r, c, d: _share(r, int(c["pop24"] / 500 * r.uniform(1, 4)), 0.02, 0.15),
    "C-8-2": lambda r, c, d: {"B": int(c["man23"] * r.uniform(10, 60)), "D": int(c["man24"] * r.uniform(10, 60))},
    "C-9-1": lambda r, c, d: _share(r, int(c["pop24"] * r.uniform(40, 70)), 0.03, 0.15),
    "C-9-2": lambda r, c, d: _decline(r, int(c["pop24"] * r.uniform(4, 12))),
    "C-10-1": lambda r, c, d: {"A": c["area"], "B": round(c["area"] * r.uniform(0.3, 1.5), 1),
                               "C": round(c["area"] * r.uniform(0.1, 0.8), 1)},
    "C-10-2": lambda r, c, d: {"B": int(c["man24"] * r.uniform(10, 40))},
}


def _share(r, whole: int, low: float, high: float) -> dict:
    return {"A": whole, "B": int(whole * r.uniform(low, high))}


def _two_budgets(r, first: int) -> dict:
    second = int(first * r.uniform(1.0, 1.06))
    return {"A": first, "B": int(first * r.uniform(0.002, 0.015)),
            "C": second, "D": int(second * r.uniform(0.002, 0.015))}


def _decline(r, first: int) -> dict:
    return {"A": first, "B": int(first * r.uniform(0.95, 0.999))}


# The rows a total row adds up (C-1-4 roads, C-1-5 years, C-5-2 schools): (label, A part, B part).
def breakdown_rows(r: random.Random, code: str, c: dict) -> list[tuple[str, float, float]]:
    if code == "C-1-4":
        roads = ["도시고속도로", "주간선도로", "보조간선도로", "집산도로"][: r.randint(2, 4)]
        rows = []
        for name in roads:
            length = round(c["area"] * r.uniform(0.1, 0.6) + 5, 1)
            rows.append((name, length, int(length * r.uniform(0.1, 1.2)) + 1))
        return rows
    if code == "C-1-5":
        return [(year, a, int(a * r.uniform(0.3, 1.3))) for year in ("2023", "2024")
                for a in [int(c["pop24"] / r.uniform(150, 400))]]
    schools = [("초등학교", r.uniform(30, 70)), ("중학교", r.uniform(15, 40)), ("고등학교", r.uniform(12, 35))]
    out = []
    for name, share in schools:
        n = int(share * c["pop24"] / 500000) + 3
        out.append((name, n, int(n * r.uniform(0.3, 0.9))))
    return out


def draw_components(r: random.Random, ind: Indicator, c: dict, drawn: dict) -> tuple[dict, list]:
    """The written components of a formula indicator (and the rows a total row sums, if any)."""
    comps, rows = {}, []
    for comp in ind.components:
        term = population_term(comp)
        if term:
            persons = c["pop24"] if term[0] == "2024-12" else c["pop23"]
            comps[comp.letter] = round(persons / term[1], 2 if term[1] == 10000 else 1)
    if ind.code in ("C-1-4", "C-1-5", "C-5-2"):
        rows = breakdown_rows(r, ind.code, c)
        comps["A"] = round(sum(a for _, a, _ in rows), 1) if ind.code == "C-1-4" else sum(a for _, a, _ in rows)
        comps["B"] = sum(b for _, _, b in rows)
    elif ind.code == "C-1-7":
        public, private = int(c["pop24"] / r.uniform(40, 90)), 0
        private = int(public * r.uniform(0.1, 0.8))
        comps = {"A": public + private, "B": int((public + private) * r.uniform(0.1, 0.7))}
        rows = [("공영", public, 0), ("민간", private, 0)]
    else:
        comps.update(RECIPES[ind.code](r, c, drawn))
    return {k: comps[k] for k in sorted(comps)}, rows


def window_dates(r: random.Random, n: int, start: date) -> list[date]:
    """n dates in the 24 months from ``start``, in order."""
    out = []
    for _ in range(n):
        month = start.month - 1 + r.randint(0, 23)
        out.append(date(start.year + month // 12, month % 12 + 1, r.randint(1, 28)))
    return sorted(out)


def list_items(r: random.Random, ind: Indicator, n: int, c: dict,
               groups: list[int] | None = None) -> tuple[list[str], list[Item]]:
    header, group_header, maker = LISTS[ind.code]
    dated = ind.period.kind == "two_year"
    dates = window_dates(r, n, c["window_start"]) if dated else []
    items = []
    for i in range(n):
        if ind.code == "B-3-1":  # 국내 rows first, then 국외, as the stated value names them
            home = i < (groups or [n])[0]
            group = ind.item_groups[0] if home else ind.item_groups[1]
            cells = ["#", r.choice(["2024 ", "2023 ", ""]) + r.choice(EVENTS[home]),
                     r.choice(["국토교통부", c["name"], "한국스마트도시협회"] if home else ["Fira Barcelona", "KOTRA"]), None]
        else:
            group, cells = maker(r, i + 1, c["name"])
            if header[0] == "No." and "#" not in cells:
                cells = ["#", *cells]
        when = dates[i] if dated else None
        if ind.code == "C-11-2" and when:
            group = f"{when.year}"
        items.append(Item(cells=[when if cell is None else cell for cell in cells], group=group, when=when))
    if ind.code == "B-3-1":
        items.sort(key=lambda it: (it.group != ind.item_groups[0], it.when))
    return ([group_header] if group_header else []) + header, items


EVENTS = {True: ["스마트시티 포럼 개최", "스마트도시 박람회 참가", "도시데이터 컨퍼런스", "월드스마트시티엑스포 참가",
                 "스마트시티 정책 세미나"],
          False: ["Smart City Expo World Congress 참가", "Smart City Asia Pacific 참가", "해외 스마트시티 협력 포럼"]}


def sum_items(r: random.Random, ind: Indicator, c: dict) -> tuple[list[str], list[Item], int]:
    if ind.code == "C-11-1":
        centre = ["스마트도시 통합운영센터"] if r.random() < 0.6 else ["통합관제센터", "교통정보센터"]
        items, total = [], 0
        for name in centre:
            staff = [r.randint(2, 10), r.randint(1, 8), r.randint(10, 60), r.randint(0, 5)]
            total += sum(staff)
            items.append(Item(cells=[name, *staff]))
        return SUMS["C-11-1"][0], items, total
    header, maker = SUMS[ind.code]
    items, total = [], 0
    for i in range(r.randint(3, 9) if ind.code in ("A-3-2", "A-3-3") else r.randint(2, 4)):
        cells, amount = maker(r, i + 1)
        total += amount
        group = cells[0] if ind.code in ("A-3-2", "A-3-3") else ""
        items.append(Item(cells=[*cells, amount], group=group))
    if ind.code in ("A-3-2", "A-3-3"):
        items.sort(key=lambda it: it.group)
    return header, items, total


def new_ind(code: str, kind: str, value, **kw) -> Ind:
    return Ind(code=code, kind=kind, value=value, **kw)
