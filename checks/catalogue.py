"""The rule catalogue (rules.yaml) and the one way to make a finding from it."""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from checks.particles import with_particles
from schemas.provenance import Provenance
from schemas.submission import Finding
from schemas.yaml_data import read_yaml
from schemas.vocabulary import Severity

CATALOGUE_PATH = Path(__file__).parent / "rules.yaml"


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    severity: Severity
    title: str
    message_ko: str
    params: list[str] = []
    identity: list[str] | None = None  # params that tell one occurrence from another (review_queue.worklist.identity)
    # Fixed words and sub-templates a check builds this rule's params from (a {why} sentence, a fallback
    # location, the {reason} per reason code of an unreadable document), so that the clerk's Korean stays
    # in the catalogue: ``rule.word(key, **params)``.
    words: dict[str, str] = {}
    # For findings made from a document's problems (checks.submission.document_findings): ``detail_parts``
    # words the {detail}, one part per param the problem has, joined by ``detail_join``.
    detail_parts: dict[str, str] = {}
    detail_join: str = ", "
    # The severity of an occurrence whose source was read by OCR: a comparison of values read from a scan may
    # rest on a misreading (ocr.low_confidence asks for the look), so it is a question, not a defect.
    when_read_by_ocr: Severity | None = None

    def word(self, key: str, **params: Any) -> str:
        """The rule's word ``key``, formatted with ``params`` (rules.yaml ``words``)."""
        if key not in self.words:
            raise KeyError(f"rules.yaml {self.id} has no word {key!r}")
        return self.words[key].format(**params)

    def render(self, params: dict[str, Any] | None) -> str:
        """The rule's message with an occurrence's values, for people (never the raw template with its keys):
        a param the occurrence lacks reads as `…`."""
        return with_particles(_Lenient().vformat(self.message_ko, (), _Defaulting(params or {})))


class _Defaulting(dict):
    def __missing__(self, key: str) -> str:
        return "…"


class _Lenient(string.Formatter):
    """Formats a missing or mistyped value (a stored param that is not a number) as text instead of failing."""

    def format_field(self, value: Any, format_spec: str) -> str:
        try:
            return super().format_field(value, format_spec)
        except (TypeError, ValueError):
            return str(value)


@lru_cache(maxsize=1)
def catalogue() -> dict[str, Rule]:
    data = read_yaml(CATALOGUE_PATH)
    return {rule_id: Rule(id=rule_id, **spec) for rule_id, spec in data.items()}


def finding(rule_id: str, *, indicator: str | None = None, source: Provenance | None = None, **params: Any) -> Finding:
    rule = catalogue()[rule_id]
    missing = set(rule.params) - set(params)
    if missing:
        raise KeyError(f"{rule_id} needs {sorted(missing)}")
    severity = rule.when_read_by_ocr if rule.when_read_by_ocr and source and source.method == "ocr" else rule.severity
    return Finding(rule=rule_id, severity=severity, indicator=indicator,
                   message_ko=with_particles(rule.message_ko.format(**params)), source=source, params=params)


def where_ko(source, *, file: bool = True, col: bool = False, unknown: str = "위치 미상") -> str:
    """`파일명 3쪽 표1 5행` for a message: from a Provenance, a provenance-like object or its dict form."""
    if source is None:
        return unknown
    get = source.get if isinstance(source, dict) else lambda key: getattr(source, key, None)
    parts = [get("file") or ""] if file else []
    if get("page"):
        parts.append(f"{get('page')}쪽")
    if get("sheet"):
        parts.append(f"'{get('sheet')}' 시트")
    if get("table") is not None:
        parts.append(f"표{get('table') + 1}")
    if get("row") is not None:
        parts.append(f"{get('row') + 1}행")
    if col and get("col") is not None:
        parts.append(f"{get('col') + 1}열")
    return " ".join(p for p in parts if p) or unknown
