"""Read the qualitative self-assessment (정성지표 자체평가표): the stage chosen per sub-area and its text.

Forms write the stage however they like: its name (`요건 충족단계`), its number (`3`, `3단계`, `Lv.3`), both
(`요건 충족단계(3단계)`), a box ticked in a column per stage (■/□, ☑/☐, [V]/[ ], ●/○, a lone mark) or in a
line of boxes in one cell; a table per area or one for all. Stage names and affixes come from the programme
(stages, stage_number_prefixes/suffixes, qualitative_form), marks from schemas/vocabulary.yaml.

What cannot be read is said once per part: a table (or a whole document) whose stage column was not found
or could not be read is one ``StageProblem`` without a key; a stage that was read but is none of the
programme's stages (`6단계`, two boxes ticked, `매우 우수` in a column of stages) is one per sub-area.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from extractors.model import Document, Table
from mapping.values import box_state, compact, find_boxes, is_not_applicable, normalise, read_choice
from schemas.programme import CityProgramme
from schemas.provenance import Provenance
from schemas.submission import QualitativeValue

_NUMBERING = re.compile(r"^\s*(?:[A-Za-z]?\d+(?:\s*[.\-]\s*\d+)*\s*[.)]?|\(\d+\)|[①-⑳])\s*")
_AREA_NUMBERING = re.compile(r"^\s*\d+\.(?!\s*\d)")  # `2. 제도 기반` heads an area, `2.1 제도 기반` a sub-area
_PARENTHESISED = re.compile(r"\([^()]*\)")
_LETTERS = re.compile(r"[^가-힣a-z]")
_HEADER_ROWS = 2  # a header of stage columns may sit one row under the header naming the stage column
_HEADER_SLACK = 2  # letters a header may add to a header word (`단계(택1)`, `단계 선택` for 단계)
_LEAD = re.compile(r"\n|[:：]|\s[-–—]\s")  # what ends a stage written before its description


class StageProblem(NamedTuple):
    """A stage that could not be taken: for one sub-area (``key``) one read outside the programme's stages;
    without a key, a part (a table, or a whole document when ``source.table`` is None) whose stages could
    not be read at all, ``areas`` being how many sub-areas it lists."""

    key: str | None
    text: str
    source: Provenance
    areas: int = 0


@dataclass
class _Stages:
    """How the programme's stages are written: names (and variants, with or without a suffix such as 단계),
    numbers with a prefix and/or suffix (레벨3, 3단계, lv3), or a number alone."""

    names: dict[str, int]
    name_pattern: re.Pattern
    number_pattern: re.Pattern
    valid: set[int]
    options: dict[str, int] = field(default_factory=dict)  # words a box can be ticked next to → stage

    def mentions(self, text: str) -> tuple[list[int], str]:
        """The stage numbers ``text`` names (in order; out of the programme's range too) and what is left."""
        key = compact(text)
        found: list[tuple[int, int]] = [(m.start(), self.names[m.group()]) for m in self.name_pattern.finditer(key)]
        rest = self.name_pattern.sub(" ", key)
        for m in self.number_pattern.finditer(rest):
            affixed = m.group("prefix") or m.group("suffix")
            if affixed or rest.strip() == m.group():
                found.append((m.start(), int(m.group("number"))))
        rest = self.number_pattern.sub(" ", rest) if found else rest
        return [n for _, n in sorted(found)], _LETTERS.sub("", rest)


def _stages(programme: CityProgramme) -> _Stages:
    key = (programme.id, programme.version)
    if key not in _CACHE:
        _CACHE[key] = (_build_stages(programme), _build_names(programme))
    return _CACHE[key][0]


def _sub_area_names(programme: CityProgramme) -> dict[str, str]:
    _stages(programme)
    return _CACHE[(programme.id, programme.version)][1]


_CACHE: dict[tuple[str, str], tuple[_Stages, dict[str, str]]] = {}


def _build_stages(programme: CityProgramme) -> _Stages:
    suffixes = [compact(s) for s in programme.stage_number_suffixes if compact(s)]
    prefixes = [compact(p) for p in programme.stage_number_prefixes if compact(p)]
    names: dict[str, int] = {}
    for stage in programme.stages:
        for name in (stage.name, *stage.name_variants):
            names[compact(name)] = stage.number
            for suffix in suffixes:
                if compact(name).removesuffix(suffix):
                    names[compact(name).removesuffix(suffix)] = stage.number
    alternation = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))

    def group(words: list[str]) -> str:
        return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) or "(?!)"

    number = re.compile(f"(?P<prefix>{group(prefixes)})?(?P<number>\\d{{1,2}})(?P<suffix>{group(suffixes)})?(?!\\d)")
    options = dict(names)
    for stage in programme.stages:
        for prefix in ("", *prefixes):
            for suffix in ("", *suffixes):
                options.setdefault(f"{prefix}{stage.number}{suffix}", stage.number)
    return _Stages(names=names, name_pattern=re.compile(alternation), number_pattern=number,
                   valid=set(programme.stage_numbers()), options=options)


@dataclass
class _Read:
    """One stage cell (or row of stage cells) as read: ``blank`` nothing chosen; ``stage`` a stage of the
    programme; ``invalid`` a stage written but none of the programme's (out of range, several); neither: text
    that is no stage at all."""

    stage: int | None = None
    invalid: bool = False
    blank: bool = False
    cols: list[int] = field(default_factory=list)  # the stage columns ticked

    @property
    def read(self) -> bool:
        return self.stage is not None or self.invalid


def _read_stage_text(text: str, stages: _Stages) -> _Read:
    """A cell of a stage column: `요건 충족단계`, `3단계`, `요건 충족단계(3단계)`, `Lv.3`, `3`, or a line of
    boxes (`□ 착수 ■ 요건 충족`, `□1 □2 ■3`)."""
    if is_not_applicable(text):
        return _Read(blank=True)
    if find_boxes(normalise(text)):
        choice = read_choice(text, list(stages.options))
        if choice is not None:
            ticked = {stages.options[compact(t)] for t in choice.ticked}
            if not ticked:
                return _Read(blank=True)
            return _Read(stage=next(iter(ticked))) if len(ticked) == 1 and ticked <= stages.valid else _Read(invalid=True)
    found, rest = stages.mentions(text)
    if found and len(rest) > _HEADER_SLACK and (lead := _LEAD.split(text.strip(), maxsplit=1)[0]) != text.strip():
        found, rest = stages.mentions(lead)  # `3단계: 전담 조직 운영`, `요건 충족단계⏎(설명)`
    if not found or len(rest) > _HEADER_SLACK:  # no stage, or more words than a stage's
        return _Read()
    if len(set(found)) == 1 and found[0] in stages.valid:
        return _Read(stage=found[0])
    return _Read(invalid=True)


def _read_stage_columns(row: list[str], table: Table, r: int, columns: dict[int, int]) -> _Read | None:
    """A row of one cell per stage: the one ticked (■ among □, ● among ○, a [V]), else the one mark made
    (`O`, `✓` or a lone ○ with the others empty). None when the cells hold text rather than marks."""
    ticked, marked, empty_boxes, other = [], [], [], []
    for col, stage in columns.items():
        text = row[col] if col < len(row) else ""
        cell = table.cell_at(r, col)
        state = box_state(text)
        if cell is not None and cell.col_span > 1 and normalise(text):
            other.append(col)  # one cell over several stages says nothing about one of them
        elif state is True:
            ticked.append(col)
        elif state is False:
            empty_boxes.append(col)
        elif is_not_applicable(text):
            continue
        elif len(compact(text)) <= 2 and not re.search(r"[가-힣\d]", text):
            marked.append(col)  # a mark of its own (O, V, √)
        else:
            other.append(col)
    if other and not ticked:
        return None
    chosen = ticked or marked or (empty_boxes if len(empty_boxes) == 1 and len(columns) > 1
                                  and not any(normalise(row[c]) for c in columns if c not in empty_boxes) else [])
    if not chosen:
        return _Read(blank=True)
    if len(chosen) > 1:
        return _Read(invalid=True, cols=chosen)
    return _Read(stage=columns[chosen[0]], cols=chosen)


@dataclass
class _Layout:
    """Where a table keeps its stages: one stage column, or one column per stage; and its text columns."""

    stage_col: int | None = None
    stage_cols: dict[int, int] = field(default_factory=dict)  # column → stage number
    text_cols: list[int] = field(default_factory=list)
    n_cols: int = 0

    @property
    def first(self) -> int:
        return min(self.stage_cols) if self.stage_cols else self.stage_col


def _header_key(text: str) -> str:
    return _LETTERS.sub("", compact(text))


def _is_header(text: str, words: set[str]) -> bool:
    key = _header_key(text)
    return bool(key) and (key in words or any(key.startswith(w) and len(key) - len(w) <= _HEADER_SLACK for w in words))


def _stage_columns(row: list[str], stages: _Stages) -> dict[int, int]:
    """Columns headed by a stage each (착수 | 일부요건 충족 | …, 1단계 | 2단계 | …): column → stage."""
    found: dict[int, int] = {}
    for c, text in enumerate(row):
        if not normalise(text) or text in row[:c]:  # a merged header repeated over columns heads none of them
            continue
        read = _read_stage_text(text, stages)
        if read.stage is not None and read.stage not in found.values():
            found[c] = read.stage
    return found if len(found) >= 2 else {}


def _layout(grid: list[list[str]], r: int, stages: _Stages, programme: CityProgramme) -> _Layout | None:
    """The layout a header at row ``r`` declares (its stage columns possibly in the row under it), or None."""
    form = programme.qualitative_form
    stage_words = {_header_key(h) for h in form.stage_headers} - {""}
    text_words = {_header_key(h) for h in form.text_headers} - {""}
    row = grid[r]
    text_cols = [c for c, t in enumerate(row) if _is_header(t, text_words) and t not in row[:c]]
    for rr in range(r, min(r + _HEADER_ROWS, len(grid))):
        if rr > r and any(_sub_area(cell, _sub_area_names(programme)) for cell in grid[rr]):
            break
        columns = _stage_columns(grid[rr], stages)
        if columns:
            text_cols = text_cols or [c for c, t in enumerate(grid[rr]) if _is_header(t, text_words)]
            return _Layout(stage_cols=columns, text_cols=[c for c in text_cols if c not in columns], n_cols=len(row))
    stage_col = next((c for c, t in enumerate(row) if _is_header(t, stage_words)), None)
    if stage_col is None:
        return None
    return _Layout(stage_col=stage_col, text_cols=[c for c in text_cols if c != stage_col], n_cols=len(row))


def _build_names(programme: CityProgramme) -> dict[str, str]:
    names = {}
    for area in programme.qualitative_areas:
        for sub in area.sub_areas:
            for name in (sub.name, *sub.name_variants):
                names[compact(name)] = sub.key
    return names


def _sub_area(cell: str, names: dict[str, str]) -> str | None:
    if not normalise(cell) or _AREA_NUMBERING.match(cell):
        return None
    text = _NUMBERING.sub("", normalise(cell))
    return names.get(compact(text)) or names.get(compact(_PARENTHESISED.sub("", text)))


@dataclass
class _TableReading:
    values: dict[str, QualitativeValue] = field(default_factory=dict)
    invalid: list[StageProblem] = field(default_factory=list)
    unread: dict[str, tuple[str, Provenance]] = field(default_factory=dict)  # text that is no stage
    found: int = 0  # sub-area rows
    read: int = 0  # of which a stage (or an invalid one) was read
    layout: _Layout | None = None
    rows: dict[str, tuple[int, int]] = field(default_factory=dict)  # sub-area → its row and name column


def _read_table(doc: Document, table: Table, programme: CityProgramme, carried: _Layout | None) -> _TableReading:
    stages = _stages(programme)
    names = _sub_area_names(programme)
    stage_names = {s.number: s.name for s in programme.stages}
    grid = table.grid()
    out = _TableReading()
    layout = carried if carried is not None and carried.n_cols == table.n_cols else None
    for r, row in enumerate(grid):
        keyed = [(c, key) for c, cell in enumerate(row) if (key := _sub_area(cell, names))]
        if not keyed:
            if len({normalise(t) for t in row}) > 1 and (found := _layout(grid, r, stages, programme)) is not None:
                layout = found
            continue
        if len({normalise(t) for t in row}) == 1:  # one cell over the whole row: a heading
            continue
        limit = layout.first if layout is not None else len(row)
        before = [(c, key) for c, key in keyed if c < limit]
        if not before:
            continue
        name_col, key = before[-1]
        existing = out.values.get(key)
        if existing is not None and existing.stage is not None:
            continue
        if layout is not None and layout.stage_cols:
            read = _read_stage_columns(row, table, r, layout.stage_cols)
            if read is None:  # the cells hold text (a criteria table under the same header): not a reading
                continue
            stage_text = ", ".join(stage_names[layout.stage_cols[c]] for c in read.cols)  # several ticked
            stage_col = read.cols[0] if read.cols else layout.first
            text_cols = layout.text_cols or [c for c in range(max(layout.stage_cols) + 1, len(row))]
        else:
            stage_col = layout.stage_col if layout is not None else _first_filled(row, name_col)
            if stage_col is None:
                out.found += 1
                out.rows.setdefault(key, (r, name_col))
                out.values.setdefault(key, QualitativeValue(source=doc.provenance(table, r, name_col)))
                continue
            stage_text = normalise(row[stage_col])
            read = _read_stage_text(row[stage_col], stages)
            text_cols = layout.text_cols if layout is not None and layout.text_cols else range(stage_col + 1, len(row))
        text = _joined(row, text_cols, exclude={name_col})
        if read.blank and not text:  # a row left empty (a domain not chosen)
            continue
        source = doc.provenance(table, r, stage_col)
        out.found += 1
        out.rows.setdefault(key, (r, name_col))
        if read.read:
            out.read += 1
        if read.invalid:
            out.invalid.append(StageProblem(key, stage_text, source))
        elif read.stage is None and not read.blank:
            out.unread[key] = (stage_text, source)
        if existing is None or read.stage is not None:
            out.values[key] = QualitativeValue(stage=read.stage, text=text or None, source=source)
    out.layout = layout
    if out.found and not out.read and (layout is None or not layout.stage_cols):
        _read_described(doc, table, grid, out, programme)
    return out


def _read_described(doc: Document, table: Table, grid: list[list[str]], out: _TableReading,
                    programme: CityProgramme) -> None:
    """No stage column: a box ticked next to one of the area's stage descriptions (`■ 스마트도시 전담을 위한
    공식조직 구성 및 운영 …`) is that stage. Taken only when it reads every sub-area row of the table."""
    statements = _statements(programme)
    area_of = {s.key: a.key for a in programme.qualitative_areas for s in a.sub_areas}
    found: dict[str, QualitativeValue] = {}
    for key, (r, name_col) in out.rows.items():
        options = statements[area_of[key]]
        row = grid[r]
        for c in range(name_col + 1, len(row)):
            choice = read_choice(row[c], list(options)) if options else None
            ticked = {options[compact(t)] for t in choice.ticked} if choice else set()
            if len(ticked) == 1:
                found[key] = QualitativeValue(stage=ticked.pop(), text=_joined(row, range(c, len(row)), {name_col}) or None,
                                              source=doc.provenance(table, r, c))
                break
        else:
            return
    out.values.update(found)
    out.read, out.unread = len(found), {}


_NOTE = re.compile(r"\([^()]*\)")
_STATEMENT_HEAD = re.compile(r"^\s*\d+(?:\.\d+)*\s*[^:]{1,20}:\s*")  # `2.1 유선통신망: …` names its sub-area


def _statements(programme: CityProgramme) -> dict[str, dict[str, int]]:
    """Area key → its stage descriptions' statements (compared form) → the one stage that has it."""
    out: dict[str, dict[str, int]] = {}
    for area in programme.qualitative_areas:
        owners: dict[str, set[int]] = {}
        for number, description in zip(programme.stage_numbers(), area.stage_descriptions):
            for statement in description.split(" / "):
                key = compact(_STATEMENT_HEAD.sub("", _NOTE.sub("", statement)))
                if len(key) >= _MIN_STATEMENT:
                    owners.setdefault(key, set()).add(number)
        out[area.key] = {key: next(iter(n)) for key, n in owners.items() if len(n) == 1}
    return out


_MIN_STATEMENT = 6  # letters a statement needs to tell a stage


def _first_filled(row: list[str], name_col: int) -> int | None:
    """Without a header: the first cell right of the name that is not the name's own (merged) text."""
    for c in range(name_col + 1, len(row)):
        if normalise(row[c]) and row[c] != row[name_col]:
            return c
    return None


def _joined(row: list[str], cols, exclude: set[int]) -> str:
    parts: list[str] = []
    for c in cols:
        if c < len(row) and c not in exclude and (t := normalise(row[c])) and t not in parts:
            parts.append(t)
    return " ".join(parts)


def map_qualitative(docs: list[Document], programme: CityProgramme) -> tuple[dict[str, QualitativeValue], list[StageProblem]]:
    """Sub-area key -> stage and text, and the stages that could not be taken (``StageProblem``): per sub-area
    a stage read outside the programme's; per part (table or document) stages that could not be read at all."""
    values: dict[str, QualitativeValue] = {}
    problems: list[StageProblem] = []
    first_readable: Document | None = None
    for doc in docs:
        if not doc.readable:
            continue  # document.unreadable says so
        first_readable = first_readable or doc
        readings: list[tuple[Table, _TableReading]] = []
        layout = None
        for table in doc.tables:
            reading = _read_table(doc, table, programme, layout)
            layout = reading.layout or layout
            if reading.found:
                readings.append((table, reading))
        doc_parts: list[StageProblem] = []
        for table, reading in readings:
            unreadable_part = reading.read == 0 or len(reading.unread) > reading.read
            for key, value in reading.values.items():
                if key not in values or values[key].stage is None and value.stage is not None:
                    values[key] = value
            if unreadable_part:
                doc_parts.append(StageProblem(None, "", _part_source(doc, table, reading), reading.found))
            else:
                problems.extend(StageProblem(key, text, source) for key, (text, source) in reading.unread.items())
            problems.extend(reading.invalid)
        if doc_parts and len(doc_parts) == len(readings):  # nothing of the document could be read: say it once
            problems.append(StageProblem(None, "", Provenance(file=doc.file, confidence=_confidence(doc)),
                                         sum(p.areas for p in doc_parts)))
        else:
            problems.extend(doc_parts)
    if not values and first_readable is not None and not any(p.key is None for p in problems):
        problems.append(StageProblem(None, "", Provenance(file=first_readable.file, confidence=_confidence(first_readable))))
    return values, problems


def _part_source(doc: Document, table: Table, reading: _TableReading) -> Provenance:
    base = doc.provenance(table)
    confidences = [c.confidence for c in table.cells if c.confidence is not None]
    return base.model_copy(update={"confidence": min(confidences) if confidences else None})


def _confidence(doc: Document) -> float | None:
    found = [p.confidence for p in doc.pages if p.confidence is not None]
    return min(found) if found else None
