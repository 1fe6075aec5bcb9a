"""The committed JSON Schema is the one the models generate, and it rejects a malformed record."""

from __future__ import annotations

import json

import jsonschema

from schemas.submission import SCHEMA_PATH, json_schema


def test_committed_schema_is_current():
    committed = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert committed == json_schema(), "run `intake schema` and commit schemas/submission.schema.json"


def test_schema_rejects_wrong_shapes():
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
    good = {"schema_version": "1.0.0", "programme": "city-2025",
            "bundle": {"id": "b", "channel": "email", "files": []}, "findings": []}
    assert validator.is_valid(good)
    for bad in ({**good, "programme": "city-2030"},
                {**good, "bundle": {"id": "b", "channel": "fax"}},
                {**good, "findings": [{"rule": "x", "severity": "fatal", "message_ko": "m"}]},
                {**good, "qualitative": {"A1.1": {"stage": 6}}}):
        assert not validator.is_valid(bad), bad
