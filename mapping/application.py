"""Read the application form's fields (기관명, 사업자등록번호 …) from its tables."""

from __future__ import annotations

import re

from extractors.model import Document
from mapping.values import compact, normalise
from schemas.programme import FormField
from schemas.provenance import Provenance

# Sub-labels printed between a label and its value (서비스 명칭 | 한 글 | …).
SUB_LABELS = {"한글", "영문", "국문"}
_CHECKED = re.compile(r"\[\s*[VvOo✓✔■●xX]\s*\]\s*([^\[\]]+?)(?=\s*\[|$)")


def read_fields(doc: Document, fields: list[FormField]) -> dict[str, tuple[str, Provenance]]:
    """Field key -> (value, provenance): the first non-label cell right of the field's label."""
    labels: dict[str, str] = {compact(v): f.key for f in fields for v in (f.label, *f.label_variants)}
    found: dict[str, tuple[str, Provenance]] = {}
    for table in doc.tables:
        grid = table.grid()
        for r, row in enumerate(grid):
            for c, text in enumerate(row):
                key = labels.get(compact(text))
                if key is None or key in found:
                    continue
                for cc in range(c + 1, len(row)):
                    value = normalise(row[cc])
                    if value and value != normalise(text) and compact(value) not in labels and compact(value) not in SUB_LABELS:
                        found[key] = (value, doc.provenance(table, r, cc))
                        break
    return found


def checked_option(text: str, options: list[str]) -> str | None:
    """The option ticked in a `[V] 교통  [  ] 행정` line, matched against ``options``."""
    for match in _CHECKED.finditer(normalise(text)):
        ticked = compact(match.group(1))
        for option in options:
            if compact(option) == ticked:
                return option
    return None
