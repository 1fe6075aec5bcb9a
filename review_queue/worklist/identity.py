"""The stable identity of a finding: the same problem found again on re-processing maps to the same item.

identity = SHA-256 over (rule, indicator, source file, page, sheet, the finding's *identifying* params).

Left out on purpose: the message text (its wording changes with rules.yaml), the table/row/column/box
of the source (they shift when a document is re-read or an extractor improves) and the params that
only describe the problem (the unreadable text, ``where``, a count, the receipt time, a score). So a
re-worded message or a moved row keeps the item; a different file, sheet, indicator, role or
archive member is a different problem.

Identifying params: ``file``, ``sheet``, ``role``, ``key``, ``code``, ``label`` for every rule, and
``detail`` for the bundle/e-mail rules, where it names the archive member, attachment or link. A rule
in rules.yaml may declare its own list as ``identity: [...]`` (used when the catalogue carries it).
Two findings of one run that still collide get an occurrence number (#2, #3 …) in their order.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections import Counter
from typing import Any

from pydantic import BaseModel

from checks.catalogue import catalogue

IDENTIFYING_PARAMS = frozenset({"file", "sheet", "role", "key", "code", "label"})
DETAIL_NAMES_THE_THING = ("bundle.", "email.")  # rule prefixes whose `detail` param names a member, attachment or link


def _as_dict(finding: Any) -> dict:
    return finding.model_dump(mode="json") if isinstance(finding, BaseModel) else dict(finding)


def _nfc(value: Any) -> Any:
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


def identifying_params(rule: str, params: dict | None) -> dict:
    declared = _declared(rule)
    if declared is not None:
        names = set(declared)
    else:
        names = set(IDENTIFYING_PARAMS)
        if rule.startswith(DETAIL_NAMES_THE_THING):
            names.add("detail")
    return {k: _nfc(v) for k, v in sorted((params or {}).items()) if k in names}


def _declared(rule: str) -> list[str] | None:
    """The rule's own ``identity`` list, if rules.yaml gives one; a rule unknown to the catalogue has none."""
    known = catalogue().get(rule)
    return known.identity if known is not None else None


def base_identity(finding: Any) -> str:
    f = _as_dict(finding)
    source = f.get("source") or {}
    parts = {"rule": f["rule"], "indicator": f.get("indicator"), "file": _nfc(source.get("file")),
             "page": source.get("page"), "sheet": _nfc(source.get("sheet")),
             "params": identifying_params(f["rule"], f.get("params"))}
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


def identities(findings: list[Any]) -> list[str]:
    """One identity per finding, in order; repeats of one identity within the run are numbered."""
    seen: Counter[str] = Counter()
    result = []
    for finding in findings:
        base = base_identity(finding)
        seen[base] += 1
        n = seen[base]
        result.append(base if n == 1 else hashlib.sha256(f"{base}#{n}".encode()).hexdigest())
    return result
