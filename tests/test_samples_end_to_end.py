"""The main job on the sample bundles: every stated value lands on the right indicator.

Expected results come from each sample's spec (samples/specs/*.yaml): the value a
reader of the 요약표 would take from the stated text, written there by hand.
"""

from __future__ import annotations

import json

import jsonschema
import pytest

from schemas.submission import SCHEMA_PATH

SAMPLE_IDS = ["city-hanbit", "city-pureun", "service-mobility"]


@pytest.fixture(scope="module")
def validator():
    return jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


@pytest.mark.parametrize("sample_id", SAMPLE_IDS)
def test_submission_validates_against_committed_schema(processed, validator, sample_id):
    errors = sorted(validator.iter_errors(processed["submissions"][sample_id]), key=str)
    assert not errors, [e.message for e in errors[:5]]


@pytest.mark.parametrize("sample_id", SAMPLE_IDS)
def test_programme_applicant_and_roles(processed, sample_specs, sample_id):
    spec, sub = sample_specs[sample_id], processed["submissions"][sample_id]
    assert sub["programme"] == spec["programme"]
    assert sub["bundle"]["channel"] == spec["channel"]
    for key in ("name", "registration_no", "representative", "phone", "address"):
        assert sub["applicant"][key] == spec["applicant"][key], key
    if "city_size" in spec["applicant"]:
        assert sub["applicant"]["city_size"] == spec["applicant"]["city_size"]
    roles = {f["name"]: f["role"] for f in sub["bundle"]["files"]}
    for doc in spec["documents"]:
        # an unreadable form is "other" (and so missing); unreadable evidence is still evidence, by its name
        unreadable_form = doc["format"] == "truncated_pdf" and doc["kind"] != "evidence"
        expected = "other" if unreadable_form else doc["kind"]
        assert roles[doc["file"]] == expected, doc["file"]
    for f in sub["bundle"]["files"]:
        assert len(f["sha256"]) == 64


@pytest.mark.parametrize("sample_id", ["city-hanbit", "city-pureun"])
def test_every_stated_value_maps_to_its_indicator(processed, sample_specs, sample_id):
    spec, sub = sample_specs[sample_id], processed["submissions"][sample_id]
    assert set(sub["indicators"]) == set(spec["summary"])
    for code, (stated, value, pages) in spec["summary"].items():
        got = sub["indicators"][code]
        assert got["stated_text"] == stated, code
        assert got["value"] == value and type(got["value"]) is type(value), (code, got["value"], value)
        assert got["evidence_pages"] == pages, code
        assert got["source"]["file"] and got["source"]["row"] is not None, code
    assert sub["selected_domains"] == spec["selected_domains"]


def test_rows_without_codes_are_matched_by_name(processed, sample_specs):
    spec, sub = sample_specs["city-pureun"], processed["submissions"]["city-pureun"]
    for code in spec["rows_without_code"] + spec["rows_with_en_dash"]:
        assert sub["indicators"][code]["value"] == spec["summary"][code][1], code
        assert sub["indicators"][code]["source"]["page"] >= 1


def test_qualitative_stages(processed, sample_specs):
    spec, sub = sample_specs["city-hanbit"], processed["submissions"]["city-hanbit"]
    assert {k: v["stage"] for k, v in sub["qualitative"].items()} == {k: v[0] for k, v in spec["qualitative"].items()}


def test_service_level_domain_and_self_scores(processed, sample_specs):
    spec, sub = sample_specs["service-mobility"], processed["submissions"]["service-mobility"]
    assert sub["service"]["level"] == spec["expected"]["level"]
    assert sub["service"]["domain"] == spec["expected"]["domain"]
    assert sub["service"]["self_scores"] == {str(k): float(v) for k, v in spec["self_scores"].items()}


@pytest.mark.parametrize("sample_id", SAMPLE_IDS)
def test_findings_are_exactly_the_expected_ones(processed, sample_specs, sample_id):
    spec, sub = sample_specs[sample_id], processed["submissions"][sample_id]
    got = sorted((f["rule"], f.get("indicator") or f.get("params", {}).get("role") or f.get("params", {}).get("file"))
                 for f in sub["findings"])
    want = sorted((f["rule"], f.get("indicator") or f.get("role") or f.get("file")) for f in spec["expected"]["findings"])
    assert got == want
    for f in sub["findings"]:
        assert f["message_ko"] and any("\uac00" <= ch <= "\ud7a3" for ch in f["message_ko"])


def test_store_holds_every_submission_with_its_open_findings(processed):
    by_bundle = {row["bundle_id"]: row for row in processed["status"]["submissions"]}
    states = {b["id"]: b["state"] for b in processed["status"]["bundles"]}
    assert all(states[sub["bundle"]["id"]] == "processed" for sub in processed["submissions"].values())
    for sub in processed["submissions"].values():
        row = by_bundle[sub["bundle"]["id"]]
        assert row["programme"] == sub["programme"]
        assert row["open_findings"] == len(sub["findings"])


def test_summary_table_printed(processed):
    out = processed["stdout"]
    for name in ("한빛시", "푸른군", "도시이음모빌리티"):
        assert name in out
    assert "매핑" in out and "보완 필수" in out and "신청서" in out
