"""Ruled tables in a prepared page image, from long dark runs (numpy only).

Threshold the page; pixels in horizontal runs of at least MIN_H (vertical: MIN_V) are line
candidates; candidates thicker than MAX_THICK across the line are fills or bars, not rulings.
Lines that cross at least two lines of the other direction are table rulings; crossing lines
form one table; their positions, clustered, are the grid; a cell spans where an inner line is
missing along its side. Sizes are in prepared pixels (text normalised to about 300 dpi).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from extractors.geometry import cluster_objects
from extractors.ocr_parts.prep import otsu
from extractors.ocr_parts.runs import close_gaps, long_runs, or_pool, runs

LINE_GRAY = 140  # rulings are darker; tinted cell fills (often lighter) then do not hide them
MIN_H = 80  # ~7 mm: shorter horizontal runs are text strokes
MIN_V = 50  # ~4 mm: a one-line row is taller; kept only where it meets two horizontal rulings
MAX_THICK = 12  # ~1 mm: thicker dark bands are fills, bars or pictures
GAP = 2  # scan breaks bridged along a line
TOUCH = 10  # how far a line may stop short of the line it meets
MERGE = 24  # lines closer than this are one grid line (double rules, too narrow for text)
OPEN = 25  # rulings reaching this far past the outer line of the other direction: an open side
FILL_BLOCK = 16  # fills are found in blocks of this size
FILL_DENSITY = 0.6
SIDE_INK = 0.5  # most noise has ink on both sides of a "line"; a ruling has it on less than half its length
POOL = 2  # pages above 4 MP are searched at half resolution
LONE_V = 150  # ~13 mm: shorter verticals are checked for being a letter's stroke (_letter_strokes)
JOIN_GAP = 120  # ~1 cm: see _join_pieces
# Share of a gap's columns dark on the ruling's own rows for the ruling to run on there (see _join_pieces):
# measured 1.00 where letters broke a scanned ruling, 0.67 across a merged cell's label centred on the line.
DARK_ALONG = 0.95
PIECE_ALIGN = 6  # pieces of one broken ruling lie within this many pixels of each other across the line
TRIM_WINDOW = 30  # a letter's height, about: see _trim_letters
TEXT_BOTH_SIDES = 0.4
STROKE_NEAR = 12  # ~1 mm
STROKE_SIDE_INK = 0.2
SMOOTH = 7  # horizontal rulings are sought in the page averaged over this many pixels along the row: a
# scanned ruling is grey, speckled and broken every few pixels, and single dark specks of noise fade out
COVER = 0.5  # share of a cell side a line must cover to separate two cells


@dataclass
class Seg:
    pos: float  # centre across the line: y of a horizontal line, x of a vertical one
    lo: int  # extent along the line, end exclusive
    hi: int
    a0: int  # extent across the line, end exclusive
    a1: int


@dataclass
class GridCell:
    row: int
    col: int
    row_span: int
    col_span: int
    box: tuple[float, float, float, float]  # x0, top, x1, bottom in prepared pixels


@dataclass
class Grid:
    box: tuple[float, float, float, float]
    n_rows: int
    n_cols: int
    cells: list[GridCell]


@dataclass
class Rulings:
    tables: list[Grid] = field(default_factory=list)
    erase: np.ndarray | None = None  # ruling pixels to paint white before OCR


def _line_mask(ink: np.ndarray, axis: int, min_len: int, k: int, fill: np.ndarray) -> np.ndarray:
    """Line candidates along ``axis``, less thicker bands (fills, bars, pictures) and what lies in
    or next to a fill (the gaps between white letters on a coloured bar look like short rulings)."""
    candidates = long_runs(close_gaps(ink, max(GAP // k, 1), axis), min_len, axis)
    return candidates & ~long_runs(candidates, MAX_THICK // k + 1, 1 - axis) & ~fill


def _fills(ink: np.ndarray, k: int) -> np.ndarray:
    """Blocks of about 1.5 mm that are mostly ink, in runs at least three blocks tall, grown by one block."""
    b = max(FILL_BLOCK // k, 1)
    h, w = ink.shape[0] // b, ink.shape[1] // b
    dense = ink[:h * b, :w * b].reshape(h, b, w, b).mean(axis=(1, 3)) > FILL_DENSITY
    # A fill is at least three blocks tall: a line of blurred scanned text is dense too, but not that tall
    # (growing a text line into a fill would swallow the ruling it touches).
    core = dense.copy()
    core[1:-1, :] = dense[:-2, :] & dense[1:-1, :] & dense[2:, :]
    core[0, :] &= False
    core[-1, :] &= False
    dense = core.copy()
    dense[1:, :] |= core[:-1, :]
    dense[:-1, :] |= core[1:, :]
    grown = dense.copy()
    grown[1:, :] |= dense[:-1, :]
    grown[:-1, :] |= dense[1:, :]
    grown[:, 1:] |= grown[:, :-1].copy()
    grown[:, :-1] |= grown[:, 1:].copy()
    out = np.zeros(ink.shape, bool)
    out[:h * b, :w * b] = np.repeat(np.repeat(grown, b, axis=0), b, axis=1)
    return out


def segments(mask: np.ndarray, axis: int, min_len: int) -> list[Seg]:
    """Connected line pieces: runs of at least ``min_len`` along ``axis`` that touch in adjacent rows."""
    m = mask if axis == 1 else mask.T
    rows, starts, ends = runs(m)
    keep = (ends - starts) >= min_len
    rows, starts, ends = rows[keep].tolist(), starts[keep].tolist(), ends[keep].tolist()
    parent = list(range(len(rows)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    prev: list[int] = []
    cur: list[int] = []
    cur_row = None
    for i, r in enumerate(rows):
        if r != cur_row:
            prev = cur if cur_row is not None and r == cur_row + 1 else []
            cur, cur_row = [], r
        for j in prev:
            if starts[j] < ends[i] and starts[i] < ends[j]:
                parent[find(i)] = find(j)
        cur.append(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(rows)):
        groups.setdefault(find(i), []).append(i)
    segs = []
    for members in groups.values():
        lo, hi = min(starts[i] for i in members), max(ends[i] for i in members)
        a0, a1 = min(rows[i] for i in members), max(rows[i] for i in members) + 1
        if hi - lo >= min_len:
            segs.append(Seg(pos=(a0 + a1) / 2.0, lo=lo, hi=hi, a0=a0, a1=a1))
    return segs


def _cluster(values: list[float]) -> tuple[list[float], list[int]]:
    """Positions closer than MERGE → one line; returns line positions and each value's line index."""
    groups = cluster_objects(range(len(values)), values.__getitem__, MERGE)
    labels = [0] * len(values)
    for line, group in enumerate(groups):
        for i in group:
            labels[i] = line
    return [sum(values[i] for i in group) / len(group) for group in groups], labels


def _coverage(segs: list[tuple[int, int]], lo: float, hi: float) -> float:
    """Share of [lo, hi] covered by the union of the given intervals."""
    covered, end = 0.0, lo
    for a, b in sorted(segs):
        a, b = max(a, end), min(b, hi)
        if b > a:
            covered += b - a
            end = b
    return covered / max(hi - lo, 1e-9)


def _grid(hs: list[Seg], vs: list[Seg]) -> Grid | None:
    ys, hrow = _cluster([s.pos for s in hs])
    xs, vcol = _cluster([s.pos for s in vs])
    # Korean tables often have no outer side lines: rulings running past the outer line mark the edge.
    left, right = min(s.lo for s in hs), max(s.hi for s in hs)
    top, bottom = min(s.lo for s in vs), max(s.hi for s in vs)
    if left < xs[0] - OPEN:
        xs, vcol = [float(left)] + xs, [c + 1 for c in vcol]
    if right > xs[-1] + OPEN:
        xs = xs + [float(right)]
    if top < ys[0] - OPEN:
        ys, hrow = [float(top)] + ys, [r + 1 for r in hrow]
    if bottom > ys[-1] + OPEN:
        ys = ys + [float(bottom)]
    nr, nc = len(ys) - 1, len(xs) - 1
    if nr < 1 or nc < 1:
        return None
    v_at = [[(s.lo, s.hi) for s, c in zip(vs, vcol) if c == k] for k in range(nc + 1)]
    h_at = [[(s.lo, s.hi) for s, r in zip(hs, hrow) if r == k] for k in range(nr + 1)]
    parent = list(range(nr * nc))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(nr):
        for c in range(nc):
            if c + 1 < nc and _coverage(v_at[c + 1], ys[r], ys[r + 1]) < COVER:
                parent[find(r * nc + c)] = find(r * nc + c + 1)
            if r + 1 < nr and _coverage(h_at[r + 1], xs[c], xs[c + 1]) < COVER:
                parent[find(r * nc + c)] = find((r + 1) * nc + c)
    rects = _rectangles(parent, find, nr, nc)
    cells = [GridCell(row=r0, col=c0, row_span=r1 - r0 + 1, col_span=c1 - c0 + 1,
                      box=(xs[c0], ys[r0], xs[c1 + 1], ys[r1 + 1])) for r0, c0, r1, c1 in rects]
    if len(cells) < 2:
        return None  # a frame around something, not a table
    cells.sort(key=lambda g: (g.row, g.col))
    return Grid(box=(xs[0], ys[0], xs[-1], ys[-1]), n_rows=nr, n_cols=nc, cells=cells)


def _rectangles(parent, find, nr: int, nc: int) -> list[tuple[int, int, int, int]]:
    """Merged grid positions → rectangles (r0, c0, r1, c1); an L-shaped merge becomes its bounding box."""
    label = [[find(r * nc + c) for c in range(nc)] for r in range(nr)]
    while True:
        rects: dict[int, list[int]] = {}
        for r in range(nr):
            for c in range(nc):
                b = rects.setdefault(label[r][c], [r, c, r, c])
                b[0], b[1], b[2], b[3] = min(b[0], r), min(b[1], c), max(b[2], r), max(b[3], c)
        changed = False
        for key, (r0, c0, r1, c1) in rects.items():
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    if label[r][c] != key:
                        old = label[r][c]
                        label = [[key if x == old else x for x in row] for row in label]
                        changed = True
            if changed:
                break
        if not changed:
            return sorted(tuple(b) for b in rects.values())


def find_tables(gray: np.ndarray) -> Rulings:
    """Ruled tables of a prepared grayscale page, and the ruling pixels to erase before OCR.

    Rulings are sought at up to three thresholds: a strict one keeps the rulings around tinted
    cells (which laxer thresholds turn into fills), Otsu's, and a faint one (paper minus 40) for
    the light grey or coloured rulings of many Korean documents."""
    k = POOL if gray.size > 4_000_000 else 1  # detect on a k-times smaller (OR-pooled) mask
    t_otsu = otsu(gray)
    paper = int(np.median(gray[::4, ::4]))
    levels = sorted({min(t_otsu, LINE_GRAY), t_otsu} | ({paper - 40} if paper - 40 > t_otsu + 10 else set()))
    loose = gray < levels[-1]
    along_rows = _smoothed(gray, 1)
    hmask = vmask = None
    for level in levels:
        fill = _fills(or_pool(gray < level, k), k)
        h = _line_mask(or_pool(along_rows < level, k), 1, MIN_H // k, k, fill)
        v = _line_mask(or_pool(gray < level, k), 0, MIN_V // k, k, fill)  # smoothing would join stacked strokes
        hmask, vmask = (h, v) if hmask is None else (hmask | h, vmask | v)
    strict = gray < levels[0]  # tinted fills beside a ruling are not noise
    hs = [s for s in (_scaled(s, k) for s in segments(hmask, 1, MIN_H // k)) if _on_paper(strict, s, 1)]
    vs = [s for s in (_scaled(s, k) for s in segments(vmask, 0, MIN_V // k)) if _on_paper(strict.T, s, 0)]
    near = gray < LINE_GRAY + 20
    strokes = _letter_strokes(vs, near)
    vs = [_trim_letters(s, near, hs) for s, stroke in zip(vs, strokes) if not stroke]
    hs = _join_pieces(hs, vs, loose)
    erase = np.zeros(gray.shape, bool)
    tables: list[Grid] = []
    if hs and vs:
        hy, hlo, hhi = (np.array([getattr(s, a) for s in hs], float) for a in ("pos", "lo", "hi"))
        vx, vlo, vhi = (np.array([getattr(s, a) for s in vs], float) for a in ("pos", "lo", "hi"))
        meet = ((vx[None, :] >= hlo[:, None] - TOUCH) & (vx[None, :] <= hhi[:, None] + TOUCH)
                & (hy[:, None] >= vlo[None, :] - TOUCH) & (hy[:, None] <= vhi[None, :] + TOUCH))
        hkeep, vkeep = np.ones(len(hs), bool), np.ones(len(vs), bool)
        for _ in range(6):  # a ruling meets at least two rulings of the other direction
            new_h = (meet[:, vkeep].sum(axis=1) >= 2) & hkeep
            new_v = (meet[hkeep, :].sum(axis=0) >= 2) & vkeep
            if (new_h == hkeep).all() and (new_v == vkeep).all():
                break
            hkeep, vkeep = new_h, new_v
        pieces = _ruling_pieces(hs, vs, hkeep, vkeep, near)
        hkeep = hkeep.copy()
        hkeep[[i for i, _ in pieces]] = True
        tables = _components(hs, vs, meet, hkeep, vkeep, pieces)
        for s, keep in zip(hs, hkeep):
            if keep or s.hi - s.lo >= gray.shape[1] // 4:  # table rulings and page-wide rules
                erase[max(s.a0 - 1, 0):s.a1 + 1, s.lo:s.hi] = True
        for s, keep in zip(vs, vkeep):
            if keep or s.hi - s.lo >= gray.shape[0] // 4:
                erase[s.lo:s.hi, max(s.a0 - 1, 0):s.a1 + 1] = True
    return Rulings(tables=tables, erase=erase & loose)


def _trim_letters(s: Seg, ink: np.ndarray, hs: list[Seg]) -> Seg:
    """A ruling without a letter's stroke that touches its end and continues it into the next row
    (the stroke has the rest of its letter beside it; the ruling has paper). An end on a horizontal
    ruling is a ruling's end, whatever text is near it."""
    def on_ruling(y: int) -> bool:
        return any(abs(h.pos - y) <= TOUCH and h.lo - TOUCH <= s.pos <= h.hi + TOUCH for h in hs)

    left = ink[s.lo:s.hi, max(s.a0 - STROKE_NEAR, 0):max(s.a0 - 2, 0)].any(axis=1)
    right = ink[s.lo:s.hi, s.a1 + 2:s.a1 + STROKE_NEAR].any(axis=1)
    beside = (left | right).astype(np.float32)
    if len(beside) < 2 * TRIM_WINDOW:
        return s
    lo, hi, step = 0, len(beside), TRIM_WINDOW // 3
    while not on_ruling(s.lo + hi) and hi - lo > 2 * TRIM_WINDOW and beside[hi - TRIM_WINDOW:hi].mean() >= STROKE_SIDE_INK:
        hi -= step
    while not on_ruling(s.lo + lo) and hi - lo > 2 * TRIM_WINDOW and beside[lo:lo + TRIM_WINDOW].mean() >= STROKE_SIDE_INK:
        lo += step
    if (lo, hi) == (0, len(beside)):
        return s
    return Seg(pos=s.pos, lo=s.lo + lo, hi=s.lo + hi, a0=s.a0, a1=s.a1)


def _letter_strokes(vs: list[Seg], ink: np.ndarray) -> np.ndarray:
    """Short verticals with ink close beside them: in a tight scanned table a letter's vertical stroke
    touching the rulings above and below looks like a one-row ruling, but the rest of its letter lies
    within about 1 mm of it; a cell's padding keeps text further from a true ruling."""
    out = np.zeros(len(vs), bool)
    for i, s in enumerate(vs):
        if s.hi - s.lo >= LONE_V:
            continue
        left = ink[s.lo:s.hi, max(s.a0 - STROKE_NEAR, 0):max(s.a0 - 2, 0)].any(axis=1)
        right = ink[s.lo:s.hi, s.a1 + 2:s.a1 + STROKE_NEAR].any(axis=1)
        out[i] = float((left | right).mean()) >= STROKE_SIDE_INK
    return out


def _smoothed(gray: np.ndarray, axis: int) -> np.ndarray:
    """The page averaged over SMOOTH pixels along ``axis`` (1: along rows, for horizontal rulings)."""
    pad = SMOOTH // 2
    widths = ((0, 0), (pad, pad)) if axis == 1 else ((pad, pad), (0, 0))
    padded = np.pad(gray, widths, mode="edge").astype(np.uint16)  # SMOOTH × 255 fits
    n = gray.shape[axis]
    total = padded[:, :n].copy() if axis == 1 else padded[:n].copy()
    for i in range(1, SMOOTH):  # SMOOTH shifted adds: cheaper than a cumulative sum of the page
        total += padded[:, i:i + n] if axis == 1 else padded[i:i + n]
    return (total // SMOOTH).astype(np.uint8)


def _on_paper(ink: np.ndarray, s: Seg, axis: int) -> bool:
    """A ruling has paper beside it along most of its length; in noise, halftone and pictures
    there is ink on both sides almost everywhere. ``ink`` is transposed for vertical segments,
    so its rows run across the segment."""
    above = ink[max(s.a0 - 4, 0):max(s.a0 - 1, 0), s.lo:s.hi]
    below = ink[s.a1 + 1:s.a1 + 4, s.lo:s.hi]
    if not above.size or not below.size:
        return True
    return float((above.any(axis=0) & below.any(axis=0)).mean()) < SIDE_INK


def _scaled(s: Seg, k: int) -> Seg:
    return s if k == 1 else Seg(pos=s.pos * k + (k - 1) / 2.0, lo=s.lo * k, hi=s.hi * k, a0=s.a0 * k, a1=s.a1 * k)


def _join_pieces(hs: list[Seg], vs: list[Seg], dark: np.ndarray | None = None) -> list[Seg]:
    """Pieces of one horizontal ruling, broken where letters touch it, joined across gaps shorter than
    JOIN_GAP (narrower than a cell: a merged cell leaves a longer gap) with no vertical ruling in them
    (pieces either side of a vertical are borders of two cells, and one may be a letter's stroke).

    Also joined, however long the gap and whatever crosses it: a gap whose columns are dark on the pieces'
    own rows almost all the way (``dark``: the page thresholded). In a tight table the
    letters of a row sit on the ruling, and the band they make with it is too thick to pass for a line, so
    the ruling drops out under a whole cell; a missing ruling (a merged cell) leaves paper there, and
    even a line of text through it has gaps between its letters."""
    lines: list[list[Seg]] = []
    for s in sorted(hs, key=lambda s: s.pos):
        if lines and s.pos - lines[-1][-1].pos <= PIECE_ALIGN:
            lines[-1].append(s)
        else:
            lines.append([s])
    out: list[Seg] = []
    for s in [s for line in lines for s in sorted(line, key=lambda s: s.lo)]:
        last = out[-1] if out else None
        if last and abs(last.pos - s.pos) <= PIECE_ALIGN and ((s.lo - last.hi <= JOIN_GAP and not any(
                last.hi - TOUCH <= v.pos <= s.lo + TOUCH and v.lo - TOUCH <= s.pos <= v.hi + TOUCH for v in vs))
                or _dark_between(dark, last, s)):
            out[-1] = Seg(pos=(last.pos + s.pos) / 2, lo=last.lo, hi=max(last.hi, s.hi), a0=min(last.a0, s.a0),
                          a1=max(last.a1, s.a1))
        else:
            out.append(s)
    return out


def _dark_between(dark: np.ndarray | None, a: Seg, b: Seg) -> bool:
    """Whether the rows of pieces ``a`` and ``b`` are dark on DARK_ALONG of the columns between them."""
    if dark is None or b.lo <= a.hi:
        return False
    band = dark[min(a.a0, b.a0):max(a.a1, b.a1), a.hi:b.lo]
    return bool(band.size) and float(band.any(axis=0).mean()) >= DARK_ALONG


def _inside_text(s: Seg, ink: np.ndarray) -> bool:
    """A horizontal stroke through a line of text (a merged cell's label centred on the rulings of its
    neighbours) has letters above and below it along much of its length; a ruling does not."""
    above = ink[max(s.a0 - STROKE_NEAR, 0):max(s.a0 - 2, 0), s.lo:s.hi].any(axis=0)
    below = ink[s.a1 + 2:s.a1 + STROKE_NEAR, s.lo:s.hi].any(axis=0)
    return bool(above.size and below.size) and float((above & below).mean()) >= TEXT_BOTH_SIDES


def _ruling_pieces(hs: list[Seg], vs: list[Seg], hkeep: np.ndarray, vkeep: np.ndarray,
                   ink: np.ndarray) -> list[tuple[int, int]]:
    """Pieces of a broken horizontal ruling that meet no vertical: (piece, a kept ruling on the same
    line). A scanned ruling breaks where letters touch it, and a piece between two columns' rulings is
    still the border of the cells above and below it. It must lie on the line of a kept ruling and
    between kept verticals that cross that line."""
    kept = [j for j in np.nonzero(hkeep)[0]]
    out = []
    for i, s in enumerate(hs):
        if hkeep[i]:
            continue
        same = [j for j in kept if abs(hs[j].pos - s.pos) <= PIECE_ALIGN]
        if not same:
            continue
        crossing = [v.pos for v, k in zip(vs, vkeep) if k and v.lo - TOUCH <= s.pos <= v.hi + TOUCH]
        if len(crossing) >= 2 and min(crossing) - TOUCH <= s.lo and s.hi <= max(crossing) + TOUCH \
                and not _inside_text(s, ink):
            out.append((i, int(same[0])))
    return out


def _components(hs, vs, meet, hkeep, vkeep, pieces=()) -> list[Grid]:
    n_h = len(hs)
    parent = list(range(n_h + len(vs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in zip(*np.nonzero(meet & hkeep[:, None] & vkeep[None, :])):
        parent[find(int(i))] = find(n_h + int(j))
    for i, j in pieces:
        parent[find(i)] = find(j)
    groups: dict[int, tuple[list[Seg], list[Seg]]] = {}
    for i in np.nonzero(hkeep)[0]:
        groups.setdefault(find(int(i)), ([], []))[0].append(hs[i])
    for j in np.nonzero(vkeep)[0]:
        groups.setdefault(find(n_h + int(j)), ([], []))[1].append(vs[j])
    grids = [_grid(h, v) for h, v in groups.values() if len(h) >= 2 and len(v) >= 2]
    return sorted((g for g in grids if g), key=lambda g: (g.box[1], g.box[0]))
