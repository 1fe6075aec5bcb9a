"""The rule catalogue (rules.yaml) and the one way to make a finding from it."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict

from schemas.submission import Finding, Severity, Source

CATALOGUE_PATH = Path(__file__).parent / "rules.yaml"


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    severity: Severity
    title: str
    message_ko: str
    params: list[str] = []


@lru_cache(maxsize=1)
def catalogue() -> dict[str, Rule]:
    data = yaml.safe_load(CATALOGUE_PATH.read_text(encoding="utf-8"))
    return {rule_id: Rule(id=rule_id, **spec) for rule_id, spec in data.items()}


def finding(rule_id: str, *, indicator: str | None = None, source: Source | None = None, **params: Any) -> Finding:
    rule = catalogue()[rule_id]
    missing = set(rule.params) - set(params)
    if missing:
        raise KeyError(f"{rule_id} needs {sorted(missing)}")
    return Finding(rule=rule_id, severity=rule.severity, indicator=indicator,
                   message_ko=rule.message_ko.format(**params), source=source, params=params)


def where_ko(source: Source | None) -> str:
    """`파일명 3쪽 표1 5행` for a message."""
    if source is None:
        return "위치 미상"
    parts = [source.file or ""]
    if source.page:
        parts.append(f"{source.page}쪽")
    if source.sheet:
        parts.append(f"'{source.sheet}' 시트")
    if source.table is not None:
        parts.append(f"표{source.table + 1}")
    if source.row is not None:
        parts.append(f"{source.row + 1}행")
    return " ".join(p for p in parts if p)
