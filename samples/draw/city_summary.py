"""The 정량지표 요약표 in one of the layouts cities use.

seed: 분류 | (sub) | code | name | stated | pages, as the call prints it; combined: the code and name in
one cell; nameonly: no code at all; numbered: a running No. and the domain instead of 분류.
Split: one table, two tables (the seed's own break after B-2-3, or elsewhere), or one table running
over a PDF page break with its header repeated; in a word processor's file the header may be typed
again as a row in the middle of the table (``summary_header_again``).
"""

from __future__ import annotations

import random

from samples.draw.blocks import Grid, PageBreak, Para, blank_repeats, merged_down
from samples.draw.model import Plan
from samples.draw.wording import code_text, pages_text
from schemas.programme import CityProgramme

WIDTHS = {"seed": [9, 9, 7, 34, 24, 9], "combined": [9, 9, 40, 24, 10], "nameonly": [9, 9, 38, 24, 10],
          "numbered": [5, 11, 40, 24, 10]}


def indicator_name(spec, v: dict) -> str:
    if v.get("name_wording") == "form" and spec.name_variants:
        return spec.name_variants[0]
    return spec.name


def summary_rows(plan: Plan, programme: CityProgramme) -> list[list[str]]:
    v = plan.variants
    categories = {c.key: f"{c.key}. {c.name}" for c in programme.categories}
    layout = v["summary_layout"]
    rows = []
    for n, code in enumerate(plan.summary_codes, start=1):
        spec = programme.indicator(code)
        ind = plan.indicators.get(code)
        stated = ind.stated_text if ind else "-"
        pages = pages_text(ind.pages, v) if ind else "-"
        code_cell = code_text(code, v)
        name = indicator_name(spec, v)
        if layout == "seed":
            rows.append([categories[spec.category], spec.subcategory, code_cell, name, stated, pages])
        elif layout == "combined":
            rows.append([categories[spec.category], spec.subcategory, f"{code_cell} {name}".strip(), stated, pages])
        elif layout == "nameonly":
            rows.append([categories[spec.category], spec.subcategory, name, stated, pages])
        else:
            rows.append([str(n), spec.subcategory, f"{code_cell} {name}".strip(), stated, pages])
    return rows


def header(rng: random.Random, programme: CityProgramme, layout: str) -> tuple[list[str], list]:
    labels = programme.summary_table
    stated = rng.choice(labels.stated_headers[:3] + labels.stated_headers[:1] * 3)
    pages = rng.choice(labels.pages_headers[:4] + labels.pages_headers[:1] * 3)
    if layout == "seed":
        return ["분류", "", "지표명", "", stated, pages], [(0, 0, 0, 1), (0, 2, 0, 3)]
    if layout == "numbered":
        return ["No.", "구분", "지표명", stated, pages], []
    return ["분류", "", "지표명", stated, pages], [(0, 0, 0, 1)]


def _grid(rng: random.Random, head: list[str], head_merges: list, body: list[list[str]], v: dict, layout: str) -> Grid:
    rows = [list(head)] + [list(r) for r in body]
    merges = list(head_merges)
    group_cols = [0, 1] if layout != "numbered" else [1]
    if v["group_cells"] == "merge":
        merges += merged_down(rows, group_cols)
    elif v["group_cells"] == "blank":
        blank_repeats(rows, group_cols)
    if v["blank_rows"]:
        at = rng.randint(2, len(rows) - 1) if len(rows) > 3 else len(rows)
        rows.insert(at, [""] * len(head))
        merges = [(r0 + (r0 >= at), c0, r1 + (r1 >= at), c1) for r0, c0, r1, c1 in merges]
    return Grid(rows, merges, widths=WIDTHS[layout], header_rows=1)


def summary_blocks(rng: random.Random, plan: Plan, programme: CityProgramme) -> list:
    v = plan.variants
    layout = v["summary_layout"]
    head, head_merges = header(rng, programme, layout)
    body = summary_rows(plan, programme)
    blocks = [Para("● 정량지표 요약표", "subheading")]
    if v["summary_split"] == "two_tables":
        seed_break = next((i for i, code in enumerate(plan.summary_codes) if code.startswith("B-3")), len(body) // 2)
        cut = seed_break if rng.random() < 0.6 else rng.randint(len(body) // 3, 2 * len(body) // 3)
        blocks += [_grid(rng, head, head_merges, body[:cut], v, layout), PageBreak(),
                   _grid(rng, head, head_merges, body[cut:], v, layout)]
    else:
        blocks.append(_grid(rng, head, head_merges, body, v, layout))
    if v.get("summary_header_again"):
        _header_again(blocks[-1], head, head_merges)
    return blocks


def _header_again(grid: Grid, head: list[str], head_merges: list) -> None:
    """The header typed again as a row in the middle of the table, where a word processor's page ended
    (as offices do when the table's own 'repeat header row' is not used); merges below it move down."""
    at = len(grid.rows) // 2
    while at < len(grid.rows) and any(r0 < at <= r1 for r0, _, r1, _ in grid.merges):
        at += 1  # never through a merged grouping cell
    grid.rows.insert(at, list(head))
    grid.merges = [(r0 + (r0 >= at), c0, r1 + (r1 >= at), c1) for r0, c0, r1, c1 in grid.merges]
    grid.merges += [(at, c0, at, c1) for _, c0, _, c1 in head_merges]
