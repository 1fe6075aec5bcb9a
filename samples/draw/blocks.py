"""The drawn documents' shape: a title and a flow of paragraphs, tables and page breaks.

``samples.render`` writes a title, some paragraphs and then tables; real forms interleave them
(`① [A-1-1] …`, `(단위: 명)`, a form table, the next heading …), nest a table inside a form cell and
repeat a table's header when it runs over a page. ``Grid`` extends ``SampleTable`` with those.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from samples.render import SampleTable


@dataclass
class Grid(SampleTable):
    header_rows: int = 0  # rows repeated at the top of each page the table runs onto (PDF, DOCX)
    nested: dict[tuple[int, int], Grid] = field(default_factory=dict)  # (row, col) → a table inside that cell
    sheet: str | None = None  # the workbook sheet this table starts (XLSX); None: the current sheet


@dataclass
class Para:
    text: str
    style: str = "body"  # body | heading | subheading | note


@dataclass
class PageBreak:
    pass


@dataclass
class FlowDocument:
    title: str
    blocks: list = field(default_factory=list)
    subject: str = ""  # document metadata (DOCX/XLSX core properties, PDF info)

    def add(self, *blocks) -> FlowDocument:
        self.blocks.extend(blocks)
        return self

    def grids(self) -> list[Grid]:
        """Every table, nested ones after their parent, in reading order."""
        out = []

        def walk(grid: Grid) -> None:
            out.append(grid)
            for key in sorted(grid.nested):
                walk(grid.nested[key])

        for block in self.blocks:
            if isinstance(block, Grid):
                walk(block)
        return out


def merged_down(rows: list[list[str]], cols: list[int], start: int = 1) -> list[tuple[int, int, int, int]]:
    """Merges for runs of equal cells down ``cols`` from row ``start`` (the grouping cells of a form);
    the merged-over cells are blanked, as a word processor keeps only the first cell's text."""
    merges = []
    for col in cols:
        first = start
        for r in range(start + 1, len(rows) + 1):
            same = r < len(rows) and rows[r][col] == rows[first][col] and rows[first][col] != "" \
                and all(rows[r][c] == rows[first][c] for c in cols if c < col)
            if not same:
                if r - 1 > first:
                    merges.append((first, col, r - 1, col))
                first = r
    for r0, c0, r1, _ in merges:
        for r in range(r0 + 1, r1 + 1):
            rows[r][c0] = ""
    return merges


def blank_repeats(rows: list[list[str]], cols: list[int], start: int = 1) -> None:
    """Leave a grouping cell blank where it repeats the one above (no merge, as typed by hand)."""
    for col in cols:
        last = None
        for r in range(start, len(rows)):
            text = rows[r][col]
            if text and text == last:
                rows[r][col] = ""
            elif text:
                last = text
