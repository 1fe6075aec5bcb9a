"""Read the application form's fields (기관명, 사업자등록번호 …) from its tables."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Sequence

from extractors.model import Document
from extractors.ocr_parts.lookalikes import boxes_restored
from mapping.values import compact, find_boxes, normalise, read_choice, ticked_option
from schemas.programme import FormField
from schemas.provenance import Provenance

# Sub-labels printed between a label and its value (서비스 명칭 | 한 글 | …).
SUB_LABELS = {"한글", "영문", "국문"}
_LEADING = re.compile(r"^[\W\d_]+")


def read_fields(doc: Document, fields: list[FormField]) -> dict[str, tuple[str, Provenance]]:
    """Field key -> (value, provenance): the first non-label cell right of the field's label."""
    labels: dict[str, str] = {compact(v): f.key for f in fields for v in (f.label, *f.label_variants)}
    found: dict[str, tuple[str, Provenance]] = {}
    for table in doc.tables:
        grid = table.grid()
        for r, row in enumerate(grid):
            for c, text in enumerate(row):
                key = labels.get(compact(text))
                if key is None and table.method == "ocr":
                    key = _misread_label(compact(text), labels)
                if key is None or key in found:
                    continue
                for cc in range(c + 1, len(row)):
                    value = normalise(row[cc])
                    if value and value != normalise(text) and compact(value) not in labels and compact(value) not in SUB_LABELS:
                        found[key] = (value, doc.provenance(table, r, cc))
                        break
    return found


MISREAD_CUTOFF = 0.85  # a letter lost or misread in a label of eight or more


def _misread_label(text: str, labels: dict[str, str]) -> str | None:
    """The field of a label OCR read with a letter lost or changed (`사업자(법인)등록번` when `…등록번호` wrapped
    its last syllable onto a line the scan blurred): the one field whose labels come that close, else None."""
    if len(text) < 6:
        return None
    keys = {labels[c] for c in difflib.get_close_matches(text, labels, n=3, cutoff=MISREAD_CUTOFF)}
    return keys.pop() if len(keys) == 1 else None


HEAD_LINES = 12  # where a form heads itself with its applicant (`신청기관: 나주시`)


def read_head_fields(doc: Document, fields: list[FormField]) -> dict[str, tuple[str, Provenance]]:
    """Field key -> (value, provenance) from the lines heading ``doc`` written `label: value` (`신청기관: 나주시`
    atop a self-assessment or proposal): what is known of the applicant when its application is missing."""
    pattern = {f.key: _label_pattern([f.label, *f.label_variants], colon=True) for f in fields}
    found: dict[str, tuple[str, Provenance]] = {}
    lines = [b.text for b in doc.blocks[:HEAD_LINES]] or doc.full_text().splitlines()[:HEAD_LINES]
    for line in lines:
        text = _LEADING.sub("", normalise(line))
        for key, label in pattern.items():
            if key not in found and (match := label.match(text)) and compact(text[match.end():]):
                found[key] = (text[match.end():].strip(), Provenance(file=doc.file))
    return found


def checked_option(text: str, options: list[str]) -> str | None:
    """The one option ticked in a line of boxes (`[V] 교통  [  ] 행정`, `☑ 교통 ☐ 행정`, `교통 ■ 행정 □`),
    matched against ``options``; None when none or several are ticked. Marks: schemas/vocabulary.yaml."""
    return ticked_option(text, options)


@dataclass(frozen=True)
class DeclaredChoice:
    """What a form declares after a label: the option ticked or written (None: boxes, but none or several
    ticked), where it was read, and whether it was read from boxes."""

    option: str | None
    source: Provenance
    boxes: bool


def _label_pattern(labels: Sequence[str], colon: bool = False) -> re.Pattern:
    """Any of ``labels`` however spaced (`신청 유형`, `신청유형`), longest first, and a colon after it
    (required with ``colon``)."""
    keys = sorted({compact(label) for label in labels if compact(label)}, key=len, reverse=True)
    spaced = "|".join(r"\s*".join(re.escape(ch) for ch in key) for key in keys)
    return re.compile(f"(?:{spaced})\\s*[:：]{'' if colon else '?'}\\s*", re.IGNORECASE)


def _choice_in(text: str, options: Sequence[str]) -> tuple[str | None, bool] | None:
    """The option ``text`` declares: (option, from boxes); None when it holds no box next to an option and is
    not one option written plainly. Several or no options ticked declare none: (None, True)."""
    choice = read_choice(text, options)
    if choice is not None:
        return (choice.ticked[0] if len(set(choice.ticked)) == 1 else None), True
    key = compact(text)
    named = [o for o in options if compact(o) and compact(o) in key]
    plain = [o for o in named if key.startswith(compact(o))]
    if len(plain) == 1 and all(compact(o) in compact(plain[0]) for o in named):
        return plain[0], False
    return None


def _boxes_below(grid: list[list[str]], r: int, c: int, options: Sequence[str]) -> str | None:
    """The options written in the cells right of a label and their boxes in the row below, as one line
    (`대도시 | 중소도시` over `■ | □` → `■ 대도시 □ 중소도시`)."""
    if r + 1 >= len(grid):
        return None
    keys = {compact(o) for o in options}
    cols = [cc for cc in range(c + 1, len(grid[r])) if compact(grid[r][cc]) in keys]
    below = grid[r + 1]
    if len(cols) < 2 or not all(cc < len(below) and find_boxes(normalise(below[cc])) for cc in cols):
        return None
    return " ".join(f"{below[cc]} {grid[r][cc]}" for cc in cols)


def declared_choice(doc: Document, labels: Sequence[str], options: Sequence[str]) -> DeclaredChoice | None:
    """The option ``doc`` declares after one of ``labels``: ticked in its table (`신청 유형 | ■ 대도시 □ 중소도시`;
    the mark before or after the word, in a cell of its own, or in the row below the words) or in its text
    (`신청 유형: 대도시`). A definite declaration wins over boxes left empty; None when no label has options."""
    pattern = _label_pattern(labels)
    found: list[DeclaredChoice] = []
    for table in doc.tables:
        grid = table.top_left_grid()
        for r, row in enumerate(grid):
            for c, cell in enumerate(row):
                text = _LEADING.sub("", normalise(cell))  # a bullet or number before the label
                match = pattern.match(text)
                if match is None:
                    continue
                rest = text[match.end():]
                while (more := pattern.match(rest.strip())) is not None and more.end() > 0:  # `유형 구분`
                    rest = rest.strip()[more.end():]
                line = " ".join([rest, *(x for x in row[c + 1:] if normalise(x))])
                line = boxes_restored(line) if table.method == "ocr" else line
                reading = _choice_in(line, options)
                if reading is None and (below := _boxes_below(grid, r, c, options)):
                    reading = _choice_in(below, options)
                if reading is not None:
                    found.append(DeclaredChoice(reading[0], doc.provenance(table, r, c + 1 if c + 1 < len(row) else c),
                                                reading[1]))
    lines = [b.text for b in doc.blocks] + doc.full_text().splitlines()
    for line in lines:
        for match in pattern.finditer(normalise(line)):
            reading = _choice_in(normalise(line)[match.end():], options)
            if reading is not None:
                found.append(DeclaredChoice(reading[0], Provenance(file=doc.file), reading[1]))
                break
    definite = [f for f in found if f.option is not None]
    if definite:
        return definite[0]
    return found[0] if found else None
