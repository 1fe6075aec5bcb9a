"""ocr.low_confidence on a real scan: the pureun 요약표 page rasterised, read by Tesseract, mapped, checked."""

from __future__ import annotations

import io

import pypdfium2
import pytest

from checks import indicators, run_checks
from extractors.registry import extract
from mapping.submission import map_bundle
from samples.make_samples import load_specs, render_documents
from schemas.submission import Bundle


@pytest.fixture(scope="module")
def scanned_summary():
    spec = next(s for s in load_specs() if s["id"] == "city-pureun")
    files = dict(render_documents(spec))
    pdf = pypdfium2.PdfDocument(files["제안서/정량지표 평가제안서(푸른군).pdf"])
    image = pdf[0].render(scale=200 / 72).to_pil().convert("L")  # a 200 dpi scan of page 1
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    documents = [extract("신청서.pdf", files["신청서/스마트도시 인증 신청서.pdf"]),
                 extract("정량지표_스캔.png", buf.getvalue())]
    return spec, documents


def _mapped(documents):
    return map_bundle(Bundle(id="scan", channel="usb"), documents)


def test_scanned_summary_is_mapped_with_confidences(scanned_summary):
    spec, documents = scanned_summary
    mapped = _mapped(documents)
    assert mapped.roles["정량지표_스캔.png"] == "quantitative_proposal"
    values = mapped.submission.indicators
    read = [c for c in values if values[c].source and values[c].source.method == "ocr"]
    assert len(read) >= 10  # the page holds 14 rows of the 요약표
    right = sum(values[c].value == spec["summary"][c][1] for c in read)
    print(f"scanned 요약표 page 1: {right}/{len(read)} values read right")
    assert right / len(read) >= 0.8
    assert all(values[c].source.confidence is not None for c in read)


def test_low_confidence_rule_follows_the_threshold(scanned_summary, monkeypatch):
    _, documents = scanned_summary
    mapped = _mapped(documents)
    confidences = [v.source.confidence for v in mapped.submission.indicators.values() if v.source and v.source.confidence]
    threshold = indicators.settings()
    monkeypatch.setattr(indicators, "settings", lambda: threshold.model_copy(update={"ocr_min_confidence": min(confidences) - 0.1}))
    assert not [f for f in run_checks(mapped) if f.rule == "ocr.low_confidence"]
    monkeypatch.setattr(indicators, "settings", lambda: threshold.model_copy(update={"ocr_min_confidence": max(confidences) + 0.1}))
    fired = [f for f in run_checks(mapped) if f.rule == "ocr.low_confidence"]
    assert len(fired) == len(confidences)
    assert all("신뢰도" in f.message_ko and f.source.file == "정량지표_스캔.png" for f in fired)


def test_comparisons_of_values_read_from_a_scan_are_questions_not_defects(scanned_summary):
    """A mismatch between values OCR read (a recomputation, a count, a period) may rest on a misreading:
    such findings come as info (ocr.low_confidence asks for the look); the same finding from a text layer keeps
    its severity. Which rules do so is data (rules.yaml `when_read_by_ocr`)."""
    from checks.catalogue import catalogue, finding

    _, documents = scanned_summary
    values = _mapped(documents).submission.indicators
    scanned = next(values[c].source for c in values if values[c].source and values[c].source.method == "ocr")
    typed = scanned.model_copy(update={"method": "text_layer", "confidence": None})
    softened = [r for r in catalogue().values() if r.when_read_by_ocr]
    assert {"indicator.recompute_mismatch", "indicator.count_mismatch"} <= {r.id for r in softened}
    for rule in softened:
        params = {p: "1" for p in rule.params}
        assert finding(rule.id, source=scanned, **params).severity == rule.when_read_by_ocr == "info"
        assert finding(rule.id, source=typed, **params).severity == rule.severity != "info"
    assert catalogue()["document.missing"].when_read_by_ocr is None  # a missing file is no reading
