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


def test_contract_is_closed_in_models_and_schema():
    """A field the contract does not declare is refused by the models and by the committed JSON Schema."""
    import pytest
    from pydantic import ValidationError

    from schemas.submission import Submission

    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
    good = {"schema_version": "1.1.0", "programme": "city-2025",
            "bundle": {"id": "b", "channel": "email", "files": [], "extraction_cached": 2},
            "indicators": {"A-1-1": {"value": 3, "components": {"A": 3}, "listed_items": 3,
                                     "component_sources": {"A": {"file": "p.pdf", "page": 2}}}},
            "findings": [{"rule": "x", "severity": "info", "message_ko": "m", "params": {"code": "A-1-1"}}]}
    assert validator.is_valid(good)
    Submission.model_validate(good)
    undeclared = ({**good, "note": "x"},
                  {**good, "bundle": {**good["bundle"], "stored_by": "kim"}},
                  {**good, "indicators": {"A-1-1": {"value": 3, "guess": True}}},
                  {**good, "findings": [{**good["findings"][0], "extra": 1}]},
                  {**good, "applicant": {"name": "한빛시", "mayor": "x"}},
                  {**good, "indicators": {"A-1-1": {"value": 3, "source": {"file": "p.pdf", "cell": "B2"}}}})
    for bad in undeclared:
        assert not validator.is_valid(bad), bad
        with pytest.raises(ValidationError):
            Submission.model_validate(bad)


def test_every_application_field_has_a_place_in_the_contract():
    """Each field a programme's application form is read for lands in a declared field (applicant or service)."""
    from schemas import load_programme, programme_ids
    from schemas.submission import Applicant, ServiceData

    declared = set(Applicant.model_fields) | set(ServiceData.model_fields)
    for programme_id in programme_ids():
        keys = {f.key for f in load_programme(programme_id).application_fields}
        assert keys <= declared, (programme_id, keys - declared)
