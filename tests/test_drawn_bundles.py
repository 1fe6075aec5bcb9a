"""The pipeline on drawn bundles (samples.draw, fixed seeds): what it reads equals the truth drawn with them.

Clean bundles of both programmes, laid out as the generator draws them; each value, component, stage,
applicant field and self-score is compared with ``expected.json`` the way ``../shared/devset/score.py``
compares them, and a clean bundle may carry no blocker or warning. ``bench/accuracy.py`` measures the same
on fresh seeds; these seeds were not used to tune the reading.
"""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from samples.draw import draw_bundle, draw_plan
from tests.pipeline import process_plain

SEEDS = {"city-2025": [4101, 4102, 4103, 4104], "service-2023": [4201, 4202]}


def _close(expected, got) -> bool:
    if isinstance(expected, bool) or isinstance(got, bool):
        return got is expected
    return isinstance(got, (int, float)) and abs(got - expected) <= max(0.01, 0.005 * abs(expected))


def _bundle_path(folder):
    return next(p for p in sorted(folder.iterdir()) if p.name != "expected.json")


def _wrong(truth: dict, submission) -> list[tuple]:
    """Values, components, stages and self-scores read otherwise than drawn."""
    wrong = []
    for code, want in truth["indicators"].items():
        got = submission.indicators.get(code)
        if got is None or not _close(want["value"], got.value):
            wrong.append((code, want["value"], got.value if got else None))
        for letter, value in (want.get("components") or {}).items():
            got_value = got.components.get(letter) if got else None
            if not _close(value, got_value):
                wrong.append((f"{code}.{letter}", value, got_value))
    for key, stage in (truth.get("qualitative") or {}).items():
        got = submission.qualitative.get(key)
        if got is None or got.stage != stage:
            wrong.append((key, stage, got.stage if got else None))
    if truth["programme"] == "service-2023":
        service = submission.service
        wrong += [(k, v, service.self_scores.get(k)) for k, v in truth["service"]["self_scores"].items()
                  if not _close(v, service.self_scores.get(k))]
        if service.level != truth["service"]["level"]:
            wrong.append(("level", truth["service"]["level"], service.level))
    if truth["applicant"]["city_size"] != submission.applicant.city_size:
        wrong.append(("city_size", truth["applicant"]["city_size"], submission.applicant.city_size))
    return wrong


def _serious(submission) -> list[tuple]:
    return [(f.rule, f.indicator) for f in submission.findings if f.severity in ("blocker", "warning")]


@pytest.mark.parametrize("programme,seed", [(p, s) for p, seeds in SEEDS.items() for s in seeds])
def test_a_clean_drawn_bundle_is_read_as_drawn(tmp_path, programme, seed):
    folder = draw_bundle(seed, tmp_path, programme=programme, defect=None)
    truth = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    assert truth["defects"] == []
    submission, _ = process_plain(_bundle_path(folder))
    assert submission.programme == programme
    assert _wrong(truth, submission) == [], f"seed {seed}, variants {truth['variants']}"
    assert _serious(submission) == [], f"seed {seed}, variants {truth['variants']}"


# Formats and packings (samples.draw.formats): each kind drawn clean, found by its variants from a fixed start.
FORMAT_CASES = {
    "city proposal and application as HWPX": ("city-2025", lambda v: v["hancom_documents"].get("quantitative_proposal")
                                              == "hwpx" and "application" in v["hancom_documents"]),
    "city proposal and self-assessment as HWP 5": ("city-2025", lambda v: v["proposal_format"] == "hwp"
                                                   and v["qual_format"] == "hwp"),
    "service proposal as HWP 5": ("service-2023", lambda v: v["hancom_documents"].get("service_proposal") == "hwp"),
    "service self-evaluation as HWPX": ("service-2023", lambda v: v["hancom_documents"].get("self_evaluation") == "hwpx"),
    "forwarded e-mail, original as message/rfc822": ("city-2025", lambda v: v["forward_as_attachment"] is True),
    "forwarded e-mail, quoted inline": ("service-2023", lambda v: v["forward_as_attachment"] is False),
    "e-mail carrying one CP949-named zip": ("city-2025", lambda v: v["email_variant"] == "zip"
                                            and v["zip_names"] == "cp949"),
    "USB 7z": ("service-2023", lambda v: v["usb_archive"] == "7z"),
    "zip of the whole folder inside the USB zip": ("city-2025", lambda v: v["usb_nested"] == "whole"),
    "evidence folder zipped inside the USB zip": ("service-2023", lambda v: v["usb_nested"] == "folder"),
    "요약표 over a PDF page break, header repeated": ("city-2025", lambda v: v["summary_split"] == "page_flow"),
    "요약표 header typed again mid-table (HWP 5), unknown name after it": (
        "city-2025", lambda v: v["summary_header_again"] and v["proposal_format"] == "hwp" and v["summary_split"] == "none"),
}


def _format_seed(programme: str, predicate) -> int:
    return next(s for s in range(4300, 4700) if predicate(draw_plan(s, programme=programme, defect=None).variants))


@pytest.mark.parametrize("case", list(FORMAT_CASES))
def test_each_format_and_container_is_read_as_drawn(tmp_path, case):
    """Hancom documents and every packing: values as drawn, every file stored once and given its role, the
    receipt time of an e-mail its outer Date, no blocker or warning on the clean bundle."""
    programme, predicate = FORMAT_CASES[case]
    seed = _format_seed(programme, predicate)
    folder = draw_bundle(seed, tmp_path / "drawn", programme=programme, defect=None)
    truth = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    submission, _ = process_plain(_bundle_path(folder), store_root=tmp_path / "store")
    context = f"{case}: seed {seed}, variants {truth['variants']}"
    assert _wrong(truth, submission) == [], context
    roles = {f.sha256: f.role for f in submission.bundle.files}
    assert [(f["path"], roles.get(f["sha256"])) for f in truth["files"]] == \
        [(f["path"], f["role"]) for f in truth["files"]], context
    if truth["received_at"]:
        assert submission.bundle.received_at == datetime.fromisoformat(truth["received_at"]), context
    assert _serious(submission) == [], context
