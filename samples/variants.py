"""Apply a defect from samples/defects.yaml to its base spec (see that file for the operations)."""

from __future__ import annotations

import copy
from pathlib import Path

import yaml

DEFECTS_PATH = Path(__file__).parent / "defects.yaml"


def load_defects() -> list[dict]:
    return yaml.safe_load(DEFECTS_PATH.read_text(encoding="utf-8"))


def _walk(spec: dict, path: str, create: bool = True) -> tuple[dict, str]:
    *parents, last = path.split("/")
    node = spec
    for key in parents:
        if key not in node and create:
            node[key] = {}
        node = node[key]
    return node, last


def apply_defect(base: dict, defect: dict) -> dict:
    spec = copy.deepcopy(base)
    spec["id"] = f"{base['id']}--{defect['id']}"
    for path, value in defect.get("set", {}).items():
        node, key = _walk(spec, path)
        node[key] = value
    for path in defect.get("remove", []):
        node, key = _walk(spec, path, create=False)
        node.pop(key, None)
    drop = set(defect.get("drop_documents", []))
    spec["documents"] = [d for d in spec["documents"] if d["kind"] not in drop]
    for doc in spec["documents"]:
        if doc["file"] in defect.get("formats", {}):
            doc["format"] = defect["formats"][doc["file"]]
    return spec
