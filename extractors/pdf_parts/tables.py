"""Tables on a PDF page: ruled ones (drawn lines) and, as a cautious fallback, borderless ones
(text alignment); the cell boxes placed on a grid with row and column spans; tables that run on
from one page to the next joined into one."""

from __future__ import annotations

from extractors.geometry import cluster_list, lines_by_overlap
from extractors.model import Box, Cell, Table
from extractors.pdf_parts.text import cell_text

LINES = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
TEXT = {"vertical_strategy": "text", "horizontal_strategy": "text"}

# Borderless columns are the white space that runs down the whole table. Words closer than this many
# font sizes are one cell's text: word spacing is 0.25–0.5 em, and the camelot and tabula-java tables
# of the corpus leave at least 0.7 em between columns (0.6 em already splits cells of camelot's rotated
# table). A column gap is an x-range that no fully filled row (the most common number of cells) covers.
CHUNK_GAP_EM = 0.7

# Cell edges closer than this (points) are one grid line: pdfplumber snaps ruled edges within 3 pt.
GRID_TOLERANCE = 1.5

# Borderless tables: rows from pdfplumber's text strategy (one per text line), columns from the gaps
# above. On a page without ruled tables, only runs of lines that split into chunks are candidates,
# and a candidate is kept only when it looks like a table rather than prose set in columns:
BORDERLESS_MIN_ROWS = 3  # a table has a header and at least two records
BORDERLESS_MIN_COLS = 3  # two columns is any indented list or label/value text
BORDERLESS_MIN_FILL = 0.45  # share of non-empty cells; prose cut into columns leaves holes
BORDERLESS_MAX_CELL_CHARS = 40  # mean characters per filled cell; prose fragments run longer
BORDERLESS_MAX_COLUMN_CHARS = 45  # … and in any one column: a column of whole prose lines is a text column
BORDERLESS_MAX_CUT_ROWS = 0.2  # share of rows where a word straddles a column edge (prose is cut everywhere)

# A table runs on to the next page when it ends within this distance (points) of the lowest body
# content of the document and the next page's first table starts as close to the highest.
CONTINUATION_SLACK = 40
HEADER_BAND = 0.1  # running headers and footers live in the top and bottom 10 % of a page
COLUMN_TOLERANCE = 2.0  # column edges of two parts of one table agree within 2 pt


def read_tables(page, strategy: str = "lines", *, columns: list[float] | None = None,
                settings: dict | None = None, page_number: int | None = None) -> list[Table]:
    """Every table pdfplumber finds on ``page`` (a page or a cropped page) with one strategy.

    ``strategy`` is "lines" (ruled tables, lattice) or "text" (aligned text, stream); ``columns``
    gives explicit column separators (x in points) for the text strategy; ``settings`` overrides
    any pdfplumber table setting. Text tables lose their empty rows and columns.
    """
    table_settings = dict(LINES if strategy == "lines" else TEXT)
    if strategy == "text":
        words = page.extract_words(extra_attrs=["size"])
        if columns and words:  # the outer edges must meet the text rows' lines, which span the text only
            left, right = min(w["x0"] for w in words) - 1, max(w["x1"] for w in words) + 1
            columns = sorted({left, *(x for x in columns if left < x < right), right})
        elif words:
            columns = text_columns(words)
    if columns:
        table_settings.update(vertical_strategy="explicit", explicit_vertical_lines=sorted(columns))
    table_settings.update(settings or {})
    method_text = table_settings["vertical_strategy"] != "lines" or table_settings["horizontal_strategy"] != "lines"
    tables = []
    for found in page.find_tables(table_settings):
        table = grid_table(page, found.cells, page_number, len(tables), bbox=found.bbox)
        if method_text:
            table = drop_empty_lines(table)
        if table.n_rows and table.n_cols:
            tables.append(table)
    return tables


def text_lines(words: list[dict]) -> list[list[list[dict]]]:
    """Words → lines (vertical overlap) → chunks (runs of words closer than CHUNK_GAP_EM)."""
    out = []
    for line in lines_by_overlap([w for w in words if w.get("upright", True)], lookback=2):
        chunks = [[line[0]]]
        for word in line[1:]:
            if word["x0"] - chunks[-1][-1]["x1"] > CHUNK_GAP_EM * (word.get("size") or word["bottom"] - word["top"]):
                chunks.append([])
            chunks[-1].append(word)
        out.append(chunks)
    return out


def text_columns(words: list[dict]) -> list[float]:
    """Column separators of aligned text: the middles of the gaps that no fully filled row crosses."""
    lines = text_lines(words)
    counts = [len(chunks) for chunks in lines if len(chunks) >= 2]
    if not counts:
        return []
    mode = max(set(counts), key=lambda n: (counts.count(n), n))
    spans = sorted((c[0]["x0"], c[-1]["x1"]) for chunks in lines if len(chunks) >= mode for c in chunks)
    separators, right = [], spans[0][1]
    for x0, x1 in spans[1:]:
        if x0 > right:
            separators.append((right + x0) / 2)
        right = max(right, x1)
    left = min(w["x0"] for w in words)
    end = max(w["x1"] for w in words)
    return [left - 1, *separators, end + 1] if separators else []


def table_regions(page) -> list[Box]:
    """Boxes of runs of at least BORDERLESS_MIN_ROWS lines that split into 2+ chunks (a line or two of
    one chunk may sit inside a run: a row with only its first cell filled, a wrapped label)."""
    regions, run, pending = [], [], []
    for chunks in text_lines(page.extract_words(extra_attrs=["size"])):
        words = [w for c in chunks for w in c]
        box = (min(w["x0"] for w in words), min(w["top"] for w in words), max(w["x1"] for w in words),
               max(w["bottom"] for w in words))
        last = (pending or run or [None])[-1]
        near = last is not None and box[1] - last[3] <= 2 * (box[3] - box[1])
        if run and near and len(chunks) < 2 and len(pending) < 2:
            pending.append(box)
            continue
        if len(chunks) >= 2 and (near or not run):
            run += pending + [box]
            pending = []
            continue
        if len(run) >= BORDERLESS_MIN_ROWS:
            regions.append(run)
        run, pending = ([box] if len(chunks) >= 2 else []), []
    if len(run) >= BORDERLESS_MIN_ROWS:
        regions.append(run)
    return [(min(b[0] for b in r) - 1, min(b[1] for b in r) - 1, max(b[2] for b in r) + 1, max(b[3] for b in r) + 1)
            for r in regions]


def borderless_tables(page, page_number: int | None = None) -> list[Table]:
    """Text-aligned tables that pass the checks against prose (see the BORDERLESS_* constants)."""
    kept = []
    found = []
    for region in table_regions(page):
        found += read_tables(page.crop(region, strict=False), "text", page_number=page_number)
    for table in found:
        table = trim_title_rows(table)
        if looks_tabular(page, table):
            table.index = len(kept)
            kept.append(table)
    return kept


def _clusters(values: list[float]) -> list[float]:
    """Grid lines: the lowest value of each cluster no wider than GRID_TOLERANCE."""
    return [group[0] for group in cluster_list(values, GRID_TOLERANCE, chain=False)]


def _position(lines: list[float], v: float) -> int:
    return min(range(len(lines)), key=lambda i: abs(lines[i] - v))


def grid_table(page, boxes, page_number: int | None, index: int, bbox: Box | None = None) -> Table:
    """Turn cell boxes into a grid with row and column spans."""
    xs = _clusters([b[0] for b in boxes] + [b[2] for b in boxes])
    ys = _clusters([b[1] for b in boxes] + [b[3] for b in boxes])
    cells = []
    for x0, top, x1, bottom in boxes:
        col, col_end = _position(xs, x0), _position(xs, x1)
        row, row_end = _position(ys, top), _position(ys, bottom)
        cells.append(Cell(row=row, col=col, row_span=max(1, row_end - row), col_span=max(1, col_end - col),
                          text=cell_text(page, (x0, top, x1, bottom)),
                          bbox=tuple(round(v, 2) for v in (x0, top, x1, bottom))))
    cells.sort(key=lambda c: (c.row, c.col))
    return Table(index=index, page=page_number, cells=cells, n_rows=max(len(ys) - 1, 0), n_cols=max(len(xs) - 1, 0),
                 bbox=tuple(round(v, 2) for v in bbox) if bbox else None, method="text_layer")


def _rebuild(table: Table, rows: list[int], cols: list[int]) -> Table:
    """The table restricted to the given rows and columns (spans shrink accordingly)."""
    row_at, col_at = {r: i for i, r in enumerate(rows)}, {c: i for i, c in enumerate(cols)}
    cells = []
    for cell in table.cells:
        r_cover = [row_at[r] for r in range(cell.row, cell.row + cell.row_span) if r in row_at]
        c_cover = [col_at[c] for c in range(cell.col, cell.col + cell.col_span) if c in col_at]
        if r_cover and c_cover:
            cells.append(cell.model_copy(update={"row": r_cover[0], "col": c_cover[0], "row_span": len(r_cover),
                                                 "col_span": len(c_cover)}))
    boxes = [c.bbox for c in cells if c.bbox]
    bbox = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
            max(b[3] for b in boxes)) if boxes else table.bbox
    return table.model_copy(update={"cells": cells, "n_rows": len(rows), "n_cols": len(cols), "bbox": bbox})


def drop_empty_lines(table: Table) -> Table:
    grid = table.top_left_grid()
    rows = [r for r in range(table.n_rows) if any(v.strip() for v in grid[r])]
    cols = [c for c in range(table.n_cols) if any(grid[r][c].strip() for r in range(table.n_rows))]
    if len(rows) == table.n_rows and len(cols) == table.n_cols:
        return table
    return _rebuild(table, rows, cols)


def trim_title_rows(table: Table) -> Table:
    """Leading and trailing rows with at most one filled cell: titles, notes, page numbers."""
    grid = table.top_left_grid()
    filled = [sum(bool(v.strip()) for v in row) for row in grid]
    rows = list(range(table.n_rows))
    while rows and filled[rows[0]] <= 1:
        rows.pop(0)
    while rows and filled[rows[-1]] <= 1:
        rows.pop()
    if len(rows) == table.n_rows or not rows:
        return table if rows else table.model_copy(update={"cells": [], "n_rows": 0})
    return drop_empty_lines(_rebuild(table, rows, list(range(table.n_cols))))


def looks_tabular(page, table: Table) -> bool:
    """Whether a text-strategy table is a table rather than prose that happens to line up."""
    if table.n_rows < BORDERLESS_MIN_ROWS or table.n_cols < BORDERLESS_MIN_COLS or not table.bbox:
        return False
    texts = [c.text for c in table.cells if any(ch.isalnum() for ch in c.text)]  # dots and dashes fill nothing
    if len(texts) < BORDERLESS_MIN_FILL * table.n_rows * table.n_cols:
        return False
    grid = table.top_left_grid()
    for col in range(table.n_cols):  # every column holds something in at least two rows, and no prose
        filled = [row[col] for row in grid if any(ch.isalnum() for ch in row[col])]
        if len(filled) < 2 or sum(map(len, filled)) / len(filled) > BORDERLESS_MAX_COLUMN_CHARS:
            return False
    if sum(len(t) for t in texts) / len(texts) > BORDERLESS_MAX_CELL_CHARS:
        return False
    xs = sorted({c.bbox[0] for c in table.cells if c.bbox} | {c.bbox[2] for c in table.cells if c.bbox})[1:-1]
    ys = sorted({c.bbox[1] for c in table.cells if c.bbox} | {c.bbox[3] for c in table.cells if c.bbox})
    words = page.crop(table.bbox, strict=False).extract_words()
    cut_rows = set()
    for w in words:
        if any(w["x0"] + 1 < x < w["x1"] - 1 for x in xs):
            cut_rows.add(next((i for i, y in enumerate(ys) if y >= (w["top"] + w["bottom"]) / 2), len(ys)))
    return len(cut_rows) <= BORDERLESS_MAX_CUT_ROWS * table.n_rows


def column_edges(table: Table) -> list[float]:
    return _clusters([c.bbox[0] for c in table.cells if c.bbox] + [c.bbox[2] for c in table.cells if c.bbox])


def join_continued(pages: list[dict]) -> list[Table]:
    """Join tables that run on from the bottom of one page to the top of the next.

    ``pages`` holds per page: ``number``, ``height``, ``tables`` (on that page) and ``blocks`` (text
    outside tables). Two parts join when the first reaches the bottom of its page's body with
    nothing but running text below, the second starts the next page's body with nothing above,
    their columns agree (count and x-positions) and the second does not open with a different
    instance of the first's header (a new table of the same template: "항목 | AS02.22" after
    "항목 | AS02.21"). A header row repeated on the next page is dropped. Returns all tables,
    re-indexed.
    """
    body_top, body_bottom = _body_extent(pages)
    out: list[Table] = []
    open_tables: list[Table] = []  # tables (as kept in ``out``) that reached the bottom of the previous page
    for page in pages:
        kept: dict[int, Table] = {}  # id of a table on this page → the table in ``out`` holding its rows
        for table in page["tables"]:
            head = None
            if table.method != "ocr" and _starts_page(page, table, body_top):
                head = next((h for h in open_tables if _same_columns(h, table) and _continues(h, table)), None)
            if head is not None:
                _append_rows(head, table, page["number"])
                open_tables.remove(head)
                kept[id(table)] = head
            else:
                out.append(table)
                kept[id(table)] = table
        open_tables = [kept[id(t)] for t in page["tables"]
                       if t.method != "ocr" and t.bbox and _ends_page(page, t, body_bottom)]
    for index, table in enumerate(out):
        table.index = index
    return out


def _first_filled_row(table: Table) -> list[str]:
    return next((row for row in table.grid() if any(v.strip() for v in row)), [])


def _continues(head: Table, tail: Table) -> bool:
    """False when ``tail`` opens like ``head`` but with other values: a new table of the same template."""
    first, other = _first_filled_row(head), _first_filled_row(tail)
    if first == other:
        return True  # the header repeated
    return not ({v.strip() for v in first if v.strip()} & {v.strip() for v in other if v.strip()})


def _body_extent(pages: list[dict]) -> tuple[float, float]:
    """The highest top and lowest bottom of body content over the document (running heads left out)."""
    tops, bottoms = [], []
    for page in pages:
        h = page["height"]
        tables = [t.bbox for t in page["tables"] if t.bbox]
        blocks = [b.bbox for b in page["blocks"] if b.bbox]
        tops += [b[1] for b in tables] + [b[1] for b in blocks if b[1] > HEADER_BAND * h]
        bottoms += [b[3] for b in tables] + [b[3] for b in blocks if b[3] < (1 - HEADER_BAND) * h]
    return (min(tops) if tops else 0.0), (max(bottoms) if bottoms else 0.0)


def _ends_page(page: dict, table: Table, body_bottom: float) -> bool:
    h, (_, _, _, bottom) = page["height"], table.bbox
    if bottom < body_bottom - CONTINUATION_SLACK:
        return False
    if any(t is not table and t.bbox and t.bbox[1] >= bottom - 1 for t in page["tables"]):
        return False  # another table below it: it ends where it stands
    return not any(b.bbox[1] >= bottom - 1 and b.bbox[3] < (1 - HEADER_BAND) * h for b in page["blocks"])


def _starts_page(page: dict, table: Table, body_top: float) -> bool:
    h, top = page["height"], table.bbox[1] if table.bbox else 0
    if table.bbox is None or top > body_top + CONTINUATION_SLACK:
        return False
    if any(t is not table and t.bbox and t.bbox[3] <= top + 1 for t in page["tables"]):
        return False  # another table above it (the next form's head): it begins something new
    return not any(b.bbox[3] <= top + 1 and b.bbox[1] > HEADER_BAND * h for b in page["blocks"])


def _same_columns(a: Table, b: Table) -> bool:
    if a.n_cols != b.n_cols or a.method != b.method:
        return False
    ea, eb = column_edges(a), column_edges(b)
    return len(ea) == len(eb) and all(abs(x - y) <= COLUMN_TOLERANCE for x, y in zip(ea, eb))


def _append_rows(head: Table, tail: Table, page_number: int) -> None:
    """Add ``tail``'s rows under ``head``, leaving out header rows that repeat ``head``'s first rows."""
    head_grid, tail_grid = head.grid(), tail.grid()
    repeated = 0
    while (repeated < min(3, tail.n_rows - 1, head.n_rows - 1) and tail_grid[repeated] == head_grid[repeated]
           and any(v.strip() for v in tail_grid[repeated])):
        repeated += 1
    offset = head.n_rows - repeated
    for cell in tail.cells:
        if cell.row >= repeated:  # rows from a later page keep that page (their boxes are in its coordinates)
            head.cells.append(cell.model_copy(update={"row": cell.row + offset, "page": page_number}))
        elif cell.row + cell.row_span > repeated:  # a cell spanning out of the repeated header
            head.cells.append(cell.model_copy(update={"row": head.n_rows, "page": page_number,
                                                      "row_span": cell.row + cell.row_span - repeated}))
    head.n_rows += tail.n_rows - repeated
    if not head.pages:
        head.pages = [head.page] if head.page is not None else []
    head.pages.append(page_number)
