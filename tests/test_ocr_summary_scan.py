"""The 요약표 of a scanned proposal made outside this project: the dev set's s600-009 (a 150-dpi scan whose
요약표 runs over pages 2 and 3, read in place, never copied). Its truth is the bundle's expected.json.

What is asserted is what the OCR path must get right on such a scan: a tight table whose letters sit on the
rulings keeps one grid row per indicator, ○ marks beside words are read as ○, every indicator is mapped to its
row (by name, else by the form's order), and the values are right or flagged for a look (ocr.low_confidence).
The two pages are OCR'd once per module (about 10 s of CPU each)."""

from __future__ import annotations

import email
import io
import json
import re
from email import policy

import numpy as np
import pypdfium2 as pdfium
import pytest

from extractors.ocr_parts.lines import find_tables
from extractors.ocr_parts.prep import prepare
from extractors.registry import extract
from mapping.ocr_reconcile import reconcile_ocr_values
from mapping.summary import map_summary, optional_domain
from schemas import load_programme
from schemas.settings import settings
from tests.conftest import SHARED

BUNDLE = SHARED / "devset" / "harder" / "s600-009-city-seocho"
SUMMARY_PAGES = [1, 2]  # 0-based: the 요약표's two pages


@pytest.fixture(scope="module")
def scan() -> bytes:
    if not BUNDLE.is_dir():
        pytest.fail(f"the dev set is expected at {BUNDLE} (set INTAKE_SHARED_DIR)")
    message = email.message_from_bytes((BUNDLE / "message.eml").read_bytes(), policy=policy.default)
    return next(p.get_content() for p in message.iter_attachments()
                if "평가제안서" in (p.get_filename() or "") and p.get_filename().endswith(".pdf"))


@pytest.fixture(scope="module")
def truth() -> dict:
    return json.loads((BUNDLE / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def summary_doc(scan):
    src = pdfium.PdfDocument(scan)
    out = pdfium.PdfDocument.new()
    out.import_pages(src, SUMMARY_PAGES)
    buf = io.BytesIO()
    out.save(buf)
    return extract("요약표_스캔.pdf", buf.getvalue())


def test_tight_scanned_table_keeps_one_grid_row_per_indicator(scan, truth):
    """Letters sitting on the rulings of a tight table used to cut a ruling out under a whole name cell, so three
    indicators' names came out as one cell spanning their rows. The 요약표 has no merged cells: each ruling runs on."""
    pdf = pdfium.PdfDocument(scan)
    rows = 0
    for index in SUMMARY_PAGES:
        image = pdf[index].render(scale=300 / 72).to_pil().convert("L")  # as the PDF path renders a scan
        grid = max(find_tables(np.asarray(prepare(image, 300).image)).tables, key=lambda g: len(g.cells))
        assert all(cell.row_span == 1 for cell in grid.cells), [c for c in grid.cells if c.row_span > 1]
        rows += grid.n_rows - 1  # less the header row
    assert rows == len(truth["indicators"])


def test_scanned_summary_values_are_right_or_flagged(summary_doc, truth):
    programme = load_programme("city-2025")
    values = map_summary([summary_doc], programme).values
    reconcile_ocr_values(values, programme)  # no detail forms here: a value its cell leaves in doubt is flagged
    threshold = settings().ocr_min_confidence
    right, unflagged_wrong = [], []
    for code, expected in truth["indicators"].items():
        got = values.get(code)
        ok = got is not None and _same(expected["value"], got.value)
        if ok:
            right.append(code)
        elif got is None or got.source.confidence is None or got.source.confidence >= threshold:
            unflagged_wrong.append((code, expected["value"], got.stated_text if got else None))
    print(f"\ns600-009 요약표 by OCR: {len(right)}/{len(truth['indicators'])} values right; wrong and not flagged: "
          f"{unflagged_wrong}")
    assert not unflagged_wrong  # every indicator read, and every wrong value flagged
    assert len(right) >= 0.94 * len(truth["indicators"])


def test_a_value_its_detail_form_bears_out_is_confirmed_and_one_it_contradicts_is_doubted(summary_doc, truth):
    """The detail forms state each value again, in a cell of their own: a 요약표 value read by OCR that agrees with
    that statement is not in doubt (no ocr.low_confidence on a right value), one that disagrees is corrected when
    exactly one other reading of its cell's digits gives the statement, and is flagged otherwise."""
    programme = load_programme("city-2025")
    threshold = settings().ocr_min_confidence
    values = map_summary([summary_doc], programme).values
    stated = {code: exp["stated_text"] for code, exp in truth["indicators"].items() if exp.get("stated_text")}
    reconcile_ocr_values(values, programme, stated)  # the detail forms say what the truth says
    right = [code for code, exp in truth["indicators"].items() if code in values and _same(exp["value"], values[code].value)]
    doubted_right = [c for c in right if values[c].source.confidence < threshold]
    wrong_unflagged = [c for c in truth["indicators"] if c in values and c not in right
                       and values[c].source.confidence >= threshold]
    assert len(right) >= 0.94 * len(truth["indicators"])
    assert not wrong_unflagged
    confirmable = [c for c in right if programme.indicator(c).value_kind not in ("custom",)
                   and programme.indicator(c).reading != "sum"]
    assert len(doubted_right) <= 0.1 * len(confirmable), doubted_right

    values = map_summary([summary_doc], programme).values
    numeric = {c: e for c, e in values.items() if isinstance(e.value, (int, float)) and not isinstance(e.value, bool)
               and programme.indicator(c).value_kind not in ("custom",) and programme.indicator(c).reading != "sum"}
    contradicted = {c: f"{e.value * 3 + 7:g}" for c, e in numeric.items()}  # no reading of the cell gives these
    reconcile_ocr_values(values, programme, contradicted)
    assert all(values[c].source.confidence < threshold for c in numeric if values[c].recomputed is None)


def test_rings_beside_words_are_read_as_marks(summary_doc, truth):
    """The yes/no indicators state `관련 조례 ○`, `계획 수립 ○ (승인 ○)`: the thin ○ of the scan is read as ○ (the
    Korean model reads it as 0, O), >, or drops it), so each such value is a boolean, and the right one."""
    programme = load_programme("city-2025")
    values = map_summary([summary_doc], programme).values
    booleans = [code for code, exp in truth["indicators"].items() if isinstance(exp["value"], bool)
                and programme.indicator(code).reading != "named"]
    assert len(booleans) >= 4
    assert {code: values[code].value for code in booleans if code in values} == \
        {code: truth["indicators"][code]["value"] for code in booleans}


def _same(expected, got) -> bool:
    if isinstance(expected, bool) or isinstance(got, bool):
        return got is expected
    return isinstance(got, (int, float)) and abs(got - expected) <= max(0.01, 0.005 * abs(expected))


def test_a_header_with_grain_after_its_label_still_opens_the_summary(tmp_path, monkeypatch):
    """A drawn scan (seed 8906) whose 요약표 header cell OCR reads as `작성 지표 00090` (grain read as digits) and
    whose header is typed again further down: the first header must still be found, or every row above the
    second one (27 indicators) is unread. The rows under the first header are mapped."""
    from samples.draw.bundle import draw_bundle

    monkeypatch.setenv("SAMPLES_SCANS", "all")
    bundle = draw_bundle(8906, tmp_path)
    truth = json.loads((bundle / "expected.json").read_text(encoding="utf-8"))
    message = email.message_from_bytes((bundle / "message.eml").read_bytes(), policy=policy.default)
    scan = next(p.get_content() for p in message.iter_attachments() if p.get_filename().endswith("평가제안서.pdf"))
    src, out = pdfium.PdfDocument(scan), pdfium.PdfDocument.new()
    out.import_pages(src, [1])  # the 요약표's first page, its header typed again near the bottom
    buf = io.BytesIO()
    out.save(buf)
    values = map_summary([extract("요약표_스캔.pdf", buf.getvalue())], load_programme("city-2025")).values
    first_rows = ["A-1-1", "A-1-2", "A-2-1", "A-3-1", "B-1-1"]
    assert set(first_rows) <= set(truth["indicators"])
    assert [code for code in first_rows if code not in values] == []


def test_ticks_and_crosses_beside_words_are_read_as_marks(tmp_path, monkeypatch):
    """A drawn scan (seed 8941) whose yes/no rows are ticked and crossed (`계획 수립 ✗ (승인 ✗)`, `지침 ✓, 계획 ✓`):
    Tesseract's Korean model reads ✓ as `/`, `<`, `+` or nothing and ✗ as `*`; each is read by its shape."""
    from samples.draw.bundle import draw_bundle

    monkeypatch.setenv("SAMPLES_SCANS", "all")
    bundle = draw_bundle(8941, tmp_path)
    truth = json.loads((bundle / "expected.json").read_text(encoding="utf-8"))
    assert truth["variants"]["marks"] == ["✓", "✗"] and truth["variants"]["proposal_scanned"]
    message = email.message_from_bytes((bundle / "message.eml").read_bytes(), policy=policy.default)
    scan = next(p.get_content() for p in message.walk() if (p.get_filename() or "").endswith(".pdf")
                and "평가제안서" in p.get_filename())
    src, out = pdfium.PdfDocument(scan), pdfium.PdfDocument.new()
    out.import_pages(src, [1, 2])  # the 요약표
    buf = io.BytesIO()
    out.save(buf)
    programme = load_programme("city-2025")
    values = map_summary([extract("요약표_스캔.pdf", buf.getvalue())], programme).values
    marked = [code for code, exp in truth["indicators"].items() if isinstance(exp["value"], bool)
              and any(mark in (exp.get("stated_text") or "") for mark in "✓✗")]
    assert len(marked) >= 4
    assert {code: values[code].value for code in marked if code in values} == \
        {code: truth["indicators"][code]["value"] for code in marked}


def test_rings_read_as_look_alikes_are_restored_and_left_in_doubt(tmp_path, monkeypatch):
    """A drawn scan (seed 9403, never tuned on) whose yes/no rows' ○ came back from Tesseract as the digit 0 or
    the letter ᄋ (`계획 수립 0 (승인 0)`, `시스템도입0`, `안내서비스도입 ᄋ`): each is read as its ○ again. One restored
    from its look-alike stays below the confidence a reviewer is asked to check (ocr.low_confidence), being a
    guess; one the ring's shape gave (the word box `도입` stretched over it) is as sure as the shape."""
    from checks.pipeline import extractable_files
    from intake.bundles import open_bundle
    from samples.draw.bundle import draw_bundle

    monkeypatch.setenv("SAMPLES_SCANS", "all")
    bundle = draw_bundle(9403, tmp_path, programme="city-2025", defect=None)
    truth = json.loads((bundle / "expected.json").read_text(encoding="utf-8"))
    scanned = {f["name"].rsplit("/", 1)[-1] for f in truth["files"] if f.get("scanned") and f["name"].endswith(".pdf")}
    scan = next(f.data for f in extractable_files(open_bundle(bundle / "message.eml")) if f.name in scanned)
    src, out = pdfium.PdfDocument(scan), pdfium.PdfDocument.new()
    out.import_pages(src, [1, 2])  # the 요약표's two pages
    buf = io.BytesIO()
    out.save(buf)
    values = map_summary([extract("요약표_스캔.pdf", buf.getvalue())], load_programme("city-2025")).values
    restored = {code: values[code] for code in ("B-2-1", "C-1-6", "C-2-5") if code in values}
    assert {code: v.value for code, v in restored.items()} == {code: truth["indicators"][code]["value"]
                                                               for code in restored}
    assert len(restored) == 3 and all(v.value is True for v in restored.values())
    by_shape = {code for code, v in restored.items() if "○" in v.stated_text}
    assert all(v.source.confidence < settings().ocr_min_confidence for c, v in restored.items() if c not in by_shape)
    assert "B-2-1" not in by_shape and restored["B-2-1"].stated_text == "계획 수립 0 (승인 0)"


def test_a_scanned_cell_that_cannot_be_read_gets_one_finding(tmp_path, monkeypatch):
    """A drawn scan (seed 9401) whose B-2-2 cell is given what OCR made of that cell on drawn scan 10602: `oO!` at
    confidence 1.74, no mark to read (OCR now reads 9401's own cells, so the misreading is put in their place). The
    clerk gets indicator.value_unparseable naming the cell and its text, not also ocr.low_confidence for the same
    cell. The whole bundle goes through the checks, its proposal cut to the 요약표's two pages (OCR time)."""
    from checks.pipeline import assess_bundle, extractable_files
    from intake.bundles import open_bundle
    from samples.draw.bundle import draw_bundle

    monkeypatch.setenv("SAMPLES_SCANS", "all")
    bundle = draw_bundle(9401, tmp_path, programme="city-2025", defect=None)
    truth = json.loads((bundle / "expected.json").read_text(encoding="utf-8"))
    scanned = {f["name"].rsplit("/", 1)[-1] for f in truth["files"] if f.get("scanned") and f["name"].endswith(".pdf")}
    received = open_bundle(next(p for p in bundle.iterdir() if p.name != "expected.json"))  # its mail or USB
    documents = []
    for f in extractable_files(received):
        data = f.data
        if f.name.rsplit("/", 1)[-1] in scanned:
            src, out = pdfium.PdfDocument(data), pdfium.PdfDocument.new()
            out.import_pages(src, [1, 2])
            buf = io.BytesIO()
            out.save(buf)
            data = buf.getvalue()
        documents.append(extract(f.name, data))
        if f.name.rsplit("/", 1)[-1] in scanned:
            proposal = documents[-1]
    row = map_summary([proposal], load_programme("city-2025")).values["B-2-2"].source
    cell = next(t for t in proposal.tables if t.index == row.table).cell_at(row.row, row.col)
    cell.text, cell.confidence = "oO!", 1.74
    findings = [f for f in assess_bundle(received, documents).findings if f.indicator == "B-2-2"]
    assert [f.rule for f in findings] == ["indicator.value_unparseable"]
    assert "oO!" in findings[0].message_ko


def test_units_beside_numbers_are_read_as_units_not_as_latin_or_digits(tmp_path, monkeypatch):
    """A drawn scan (seed 9405, never tuned on) whose 요약표 writes counts with their unit glued on (`4건`, `8건`,
    `106명`). Given kor+eng, Tesseract handed the unit to the English model, which read `4건` as `a2` or `44` and
    `8건` as `be`; the Korean model's second reading is taken where the first has Latin scraps or is the less sure.
    All such counts but one are read right, and none is wrong without a flag."""
    truth, values = _drawn_summary(9405, tmp_path, monkeypatch)
    counts = {code: exp["value"] for code, exp in truth["indicators"].items()
              if re.search(r"\d[건명개]$", exp.get("stated_text") or "")}
    read = {code: values[code].value if code in values else None for code in counts}
    wrong = {code: read[code] for code in counts if read[code] != counts[code]}
    silent = [code for code in wrong if read[code] is not None
              and values[code].source.confidence >= settings().ocr_min_confidence]
    print(f"\nseed 9405 counts with their unit: {len(counts) - len(wrong)}/{len(counts)} right; wrong: {wrong}")
    assert len(counts) >= 15
    assert len(wrong) <= 1 and not silent


def test_rows_of_domains_left_out_stay_empty_on_a_scan(tmp_path, monkeypatch):
    """A drawn scan (seed 9404, never tuned on) whose city chose three optional domains and marked the others' rows
    with a small `-`. Tesseract read the dash and the scan's specks as `7` and `지이`: two domains looked
    chosen, and one bundle got seven findings. A cell with no stroke as tall as a letter's holds no value."""
    truth, values = _drawn_summary(9404, tmp_path, monkeypatch)
    programme = load_programme("city-2025")
    chosen = set(truth["selected_domains"])
    optional = {i.code for i in programme.indicators if optional_domain(programme, i)}
    assert {code for code in values if code in optional and programme.indicator(code).domain not in chosen} == set()
    assert {code for code in optional if programme.indicator(code).domain in chosen} <= set(values)


def _drawn_summary(seed: int, tmp_path, monkeypatch, pages=(1, 2, 3)) -> tuple[dict, dict]:
    """A clean city bundle drawn with its proposal scanned: its truth, and the values mapped from the 요약표's
    pages (0-based) OCR'd."""
    truth, doc = _drawn_scan(seed, tmp_path, monkeypatch, pages)
    return truth, map_summary([doc], load_programme("city-2025")).values


def _drawn_scan(seed: int, tmp_path, monkeypatch, pages, defect: str | None = None, scans: str = "all",
                programme: str | None = "city-2025"):
    """A bundle drawn with its proposal scanned (and ``defect``; ``scans`` as SAMPLES_SCANS, ``programme`` None and
    ``defect`` "random" as bench/accuracy.py draws): its truth, and those pages (0-based) of the proposal extracted."""
    from checks.pipeline import extractable_files
    from intake.bundles import open_bundle
    from samples.draw.bundle import draw_bundle

    monkeypatch.setenv("SAMPLES_SCANS", scans)
    bundle = draw_bundle(seed, tmp_path, programme=programme, defect=defect)
    truth = json.loads((bundle / "expected.json").read_text(encoding="utf-8"))
    proposal = next(f["name"].rsplit("/", 1)[-1] for f in truth["files"]
                    if f.get("scanned") and f.get("role") == "quantitative_proposal")
    source = next(p for p in bundle.iterdir() if p.name != "expected.json")
    scan = next(f.data for f in extractable_files(open_bundle(source)) if f.name.rsplit("/", 1)[-1] == proposal)
    src, out = pdfium.PdfDocument(scan), pdfium.PdfDocument.new()
    out.import_pages(src, list(pages))
    buf = io.BytesIO()
    out.save(buf)
    return truth, extract("정량지표_평가제안서_스캔.pdf", buf.getvalue())


def test_an_indicator_left_out_of_a_scanned_summary_is_missing(tmp_path, monkeypatch):
    """A drawn bundle (seed 10101) whose proposal, scanned, leaves one indicator's row out of the 요약표. Every row
    read where it would stand is told to be another indicator, so it is indicator.missing (a blocker), as on a
    text layer. (test_ocr_scans.py: the indicators of a 요약표 page not scanned stay unread_on_scan.)"""
    from checks import run_checks
    from mapping.submission import map_bundle
    from schemas.submission import Bundle

    truth, doc = _drawn_scan(10101, tmp_path, monkeypatch, pages=(0, 1, 2), defect="indicator.missing")
    findings = run_checks(map_bundle(Bundle(id="scan", channel="usb"), [doc]))
    left_out = {d["indicator"] for d in truth["defects"]}
    assert {f.indicator for f in findings if f.rule == "indicator.missing"} == left_out


def test_marks_dropped_after_the_words_are_read_again(tmp_path, monkeypatch):
    """A drawn bundle (seed 10103, never tuned on): Tesseract read `관련 조례 O` and `시스템 도입 O` as `관련 조례` and
    `시스템 도입` in the stacked cells, the mark dropped, so two yes answers were unparseable. The ink outside every
    word read is read again on its own line and put after the words."""
    truth, doc = _drawn_scan(10103, tmp_path, monkeypatch, pages=(1, 2), defect="indicator.missing")
    values = map_summary([doc], load_programme("city-2025")).values
    assert truth["indicators"]["B-2-2"]["stated_text"] == "관련 조례 O"
    assert values["B-2-2"].value is True and values["C-2-5"].value is True


def test_a_y_and_a_tick_beside_hangul_are_read_by_their_shape(tmp_path, monkeypatch):
    """Drawn scans 10501 and 10504 (measured, then mended). Tesseract read a Y after Hangul as `+` (`관련 조례 +`,
    `지침 +, 계획 +`), and a ✓ as `+`, `/` or not at all: the word box `계획` stretched over the ✓ a space after
    it, and `+` lay over only the tick's right stroke. Each was a yes/no value in doubt (ocr.low_confidence on a
    clean bundle). A glyph shaped like a Y (arms apart, one stem) or a ✓ is now its mark, and the values are as
    sure as their cells."""
    threshold = settings().ocr_min_confidence
    programme = load_programme("city-2025")
    for seed, cells in ((10501, {"B-2-2": "관련 조례 Y", "B-2-3": "지침 Y, 계획 Y", "C-2-5": "시스템 도입 Y"}),
                        (10504, {"B-2-3": "지침 ✓, 계획 ✓", "C-2-5": "시스템 도입 ✓"})):
        truth, doc = _drawn_scan(seed, tmp_path / str(seed), monkeypatch, [1, 2])
        values = map_summary([doc], programme).values
        for code, text in cells.items():
            assert values[code].stated_text == text, (seed, code)
            assert values[code].value is truth["indicators"][code]["value"] is True
            assert values[code].source.confidence >= threshold, (seed, code)


def test_an_n_beside_hangul_is_read_by_its_shape_not_as_a_4(tmp_path, monkeypatch):
    """Drawn scan 10907 (every form an image, measured, then mended): A-1-3's cell `스마트도시 성과관리 시스템 N`
    came back `… 시스템 4`, a system named with no mark after it, so yes at confidence 92: a wrong value no finding
    asked to check. A glyph shaped like an N (a stem down each side, a stroke corner to corner) is now the no mark."""
    truth, doc = _drawn_scan(10907, tmp_path, monkeypatch, [1])
    value = map_summary([doc], load_programme("city-2025")).values["A-1-3"]
    assert truth["indicators"]["A-1-3"]["value"] is False
    assert value.stated_text == "스마트도시 성과관리 시스템 N" and value.value is False


def test_a_bold_cross_alone_in_its_cell_is_no_ticked_box(tmp_path, monkeypatch):
    """Drawn scan 10716 (a mixed draw never looked at before): B-2-2's cell holds a bold `×` alone. Where its strokes
    cross it is as dark as a filled box, so it was read `■` (a ticked box: yes) at confidence 92, a wrong value
    no finding asked to check. A solid word whose ink is shaped like a cross is the cross."""
    truth, doc = _drawn_scan(10716, tmp_path, monkeypatch, [1], defect="random", scans="some", programme=None)
    values = map_summary([doc], load_programme("city-2025")).values
    assert truth["indicators"]["B-2-2"]["value"] is False
    assert values["B-2-2"].stated_text == "✗" and values["B-2-2"].value is False


def test_a_detail_form_whose_title_ocr_garbled_is_found_among_the_next_forms(tmp_path, monkeypatch):
    """Mixed draw 10701 (never looked at before): C-2-1's scanned detail form is titled `인구 1천명 당 방법 <<1\\ 수`
    (CCTV read as scraps), too far from its name to match, so its components went unread and the bundle's
    injected defect (a population that differs from the other indicators', indicator.cross_inconsistent) was
    missed. A garbled title is now compared in syllables and digits with the next few indicators' names."""
    from mapping.details import read_details

    truth, doc = _drawn_scan(10701, tmp_path, monkeypatch, [10, 11], defect="random", scans="some", programme=None)
    details = read_details([doc], load_programme("city-2025"))
    assert {letter: value for letter, (value, _) in details["C-2-1"].components.items()} == \
        truth["indicators"]["C-2-1"]["components"] == {"A": 703.27, "B": 4142}


def test_a_sheet_annex_replaces_components_ocr_misread_and_a_scanned_count_is_whole(tmp_path, monkeypatch):
    """Drawn bundle 11002 (every form an image; measured, then mended): C-1-1's scanned detail form came back with
    `BIS 정류소` read `815 정류소`, and 815 was taken for a component; the bundle's annex sheet (산출내역.xlsx) gives
    both components as typed, but only filled what the form left out. The recomputed 634.72 % then raised a
    warning against the bundle's own sheet. A sheet (or a text layer) is surer than a scan: its components now
    replace the scan's. Drawn bundle 11005: the form's `2,552` came back `2.552`, a count of bus stops (개소)
    read with three decimals; a count is whole."""
    from checks.pipeline import extractable_files
    from intake.bundles import open_bundle
    from mapping.details import read_details
    from samples.draw.bundle import draw_bundle

    monkeypatch.setenv("SAMPLES_SCANS", "all")
    programme = load_programme("city-2025")
    for seed, pages in ((11002, [10, 11]), (11005, [10])):  # C-1-1's form, after the form before it
        bundle = draw_bundle(seed, tmp_path / str(seed), programme="city-2025", defect=None)
        truth = json.loads((bundle / "expected.json").read_text(encoding="utf-8"))["indicators"]["C-1-1"]
        files = extractable_files(open_bundle(next(p for p in bundle.iterdir() if p.name != "expected.json")))
        scan = next(f.data for f in files if f.name.endswith(".pdf") and "제안서" in f.name)
        annexes = [extract(f.name, f.data) for f in files if "산출내역" in f.name]
        src, out = pdfium.PdfDocument(scan), pdfium.PdfDocument.new()
        out.import_pages(src, pages)
        buf = io.BytesIO()
        out.save(buf)
        detail = read_details([extract("제안서_스캔.pdf", buf.getvalue())], programme, annexes)["C-1-1"]
        assert {k: v for k, (v, _) in detail.components.items()} == truth["components"], seed
