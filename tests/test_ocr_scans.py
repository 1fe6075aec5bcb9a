"""OCR of drawn scans and photos (samples/draw/scans.py): a 요약표 page scanned with noise and skew, the
same page turned, and a phone photo of a stamped application. The truth is the drawn document's own
text layer and plan. Each page OCR'd here costs seconds, so each is read once per module."""

from __future__ import annotations

import io
import random
import re
import unicodedata

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image

from checks import run_checks
from extractors.ocr import ocr_page_image
from extractors.ocr_parts.lines import MIN_H, find_tables
from extractors.ocr_parts.prep import prepare
from extractors.registry import extract
from mapping.submission import map_bundle
from samples.draw import scans
from samples.draw.bundle import draw_plan
from samples.draw.documents import build
from samples.draw.render_pdf import to_pdf
from schemas import load_programme
from schemas.submission import Bundle

SEED = 8104  # a city plan: 요약표 on page 2 of its proposal


def _squash(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


def _same_text(a: str | None, b: str | None) -> bool:
    """Equal but for spacing and the look-alike punctuation OCR cannot tell apart (– -, · :)."""
    def plain(t):
        return _squash(unicodedata.normalize("NFKC", t or "")).translate(str.maketrans("–—·", "--:"))
    return plain(a) == plain(b)


def _one_page(pdf: bytes, index: int) -> bytes:
    src = pdfium.PdfDocument(pdf)
    doc = pdfium.PdfDocument.new()
    doc.import_pages(src, [index])
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _pdf_of(*images: Image.Image) -> bytes:
    buf = io.BytesIO()
    images[0].save(buf, "PDF", resolution=scans.SCAN_DPI, save_all=True, append_images=list(images[1:]))
    return buf.getvalue()


@pytest.fixture(scope="module")
def drawn():
    plan = draw_plan(SEED, programme="city-2025", defect=None)
    spec = load_programme(plan.programme)
    rng = random.Random(SEED)
    proposal = to_pdf(build(rng, plan, spec, "quantitative_proposal"))
    application = to_pdf(build(rng, plan, spec, "application"))
    pdf = pdfium.PdfDocument(proposal)
    page = next(i for i in range(len(pdf)) if "요약표" in pdf[i].get_textpage().get_text_range())
    summary = _one_page(proposal, page)
    scan = scans._noisy(scans._pages(summary, scans.SCAN_DPI)[0], random.Random(SEED))
    cover = scans._noisy(scans._pages(_one_page(proposal, 0), scans.SCAN_DPI)[0], random.Random(SEED + 1))
    return {"plan": plan, "summary": summary, "scan": scan, "cover": cover, "application": application}


@pytest.fixture(scope="module")
def text_layer_table(drawn):
    doc = extract("요약표.pdf", drawn["summary"])
    return max(doc.tables, key=lambda t: len(t.cells))


@pytest.fixture(scope="module")
def scanned(drawn):
    """The proposal's cover (its title names the document) and its 요약표 page, scanned."""
    return extract("정량지표_스캔.pdf", _pdf_of(drawn["cover"], drawn["scan"]))


def _table_agreement(table, truth) -> tuple[int, int, int, int]:
    """(cells equal, cells with text in the truth, value cells equal, value cells); the value column is
    the one headed 작성 지표 요약."""
    got, want = table.top_left_grid(), truth.top_left_grid()
    value_col = next(c for c, head in enumerate(want[0]) if "요약" in head)
    same = total = val_same = val_total = 0
    for r, row in enumerate(want):
        for c, text in enumerate(row):
            if not text.strip():
                continue
            total += 1
            equal = _same_text(got[r][c], text)
            same += equal
            if c == value_col and r > 0:
                val_total += 1
                val_same += equal
    return same, total, val_same, val_total


def test_scanned_summary_grid_and_cells_match_the_text_layer(scanned, text_layer_table):
    assert scanned.readable and [p.method for p in scanned.pages] == ["ocr", "ocr"]
    truth = text_layer_table
    table = max(scanned.tables, key=lambda t: len(t.cells))
    assert (table.n_rows, table.n_cols) == (truth.n_rows, truth.n_cols)
    assert {(c.row, c.col, c.row_span, c.col_span) for c in table.cells} == \
        {(c.row, c.col, c.row_span, c.col_span) for c in truth.cells}
    same, total, val_same, val_total = _table_agreement(table, truth)
    print(f"\nscanned 요약표: {same}/{total} cells, {val_same}/{val_total} value cells read as in the text layer")
    # names and page cites lose a letter here and there (B-1-1 read 8-1-1, 2쪽 read 2%), marks too (○ read 0);
    # the values mapped from them are checked below
    assert same / total >= 0.7 and val_same / val_total >= 0.7
    assert all(c.confidence is not None for c in table.cells if c.text)
    assert not any("|" in c.text for c in table.cells)  # no ruling read as a letter


def test_rulings_are_erased_before_the_cells_are_read(drawn):
    prepared = prepare(drawn["scan"], scans.SCAN_DPI)
    gray = np.asarray(prepared.image)
    rulings = find_tables(gray)
    table = max(rulings.tables, key=lambda g: len(g.cells))
    x0, y0, x1, y1 = (int(v) for v in table.box)
    before = (gray[y0:y1, x0:x1] < 160)
    clean = gray.copy()
    clean[rulings.erase] = 255
    after = (clean[y0:y1, x0:x1] < 160)

    def longest_run(mask: np.ndarray) -> int:
        padded = np.pad(mask, ((0, 0), (1, 1))).astype(np.int8)
        d = np.diff(padded, axis=1)
        starts, ends = np.nonzero(d == 1), np.nonzero(d == -1)
        return int((ends[1] - starts[1]).max()) if len(starts[1]) else 0

    assert longest_run(before) > 4 * MIN_H  # the rulings are there…
    assert longest_run(after) < MIN_H  # …and gone: no ink runs further than a ruling's minimum length


@pytest.mark.parametrize("turn", [90, 180])
def test_turned_scan_is_read_upright(drawn, text_layer_table, turn):
    image = drawn["scan"].rotate(turn, expand=True)
    page = ocr_page_image(image, 1, scans.SCAN_DPI / 72)
    assert any(p.code == "note.ocr.turned" for p in page.problems)
    table = max(page.tables, key=lambda t: len(t.cells))
    assert (table.n_rows, table.n_cols) == (text_layer_table.n_rows, text_layer_table.n_cols)
    same, total, val_same, val_total = _table_agreement(table, text_layer_table)
    assert same / total >= 0.6 and val_same / val_total >= 0.5
    width, height = image.width * 72 / scans.SCAN_DPI, image.height * 72 / scans.SCAN_DPI
    x0, top, x1, bottom = table.bbox  # in the turned image's points
    assert 0 <= x0 < x1 <= width + 1 and 0 <= top < bottom <= height + 1


def test_clean_scan_raises_no_low_confidence_and_reads_the_values(drawn, scanned):
    plan = drawn["plan"]
    mapped = map_bundle(Bundle(id="scan", channel="usb"),
                        [extract("신청서.pdf", drawn["application"]), scanned])
    read = {code: v for code, v in mapped.submission.indicators.items() if v.source and v.source.method == "ocr"}
    assert len(read) >= 12
    right = [code for code, v in read.items() if code in plan.indicators and _close(plan.indicators[code].value, v.value)]
    flagged = {f.indicator for f in run_checks(mapped) if f.rule == "ocr.low_confidence"}
    print(f"\nscanned 요약표 values: {len(right)}/{len(read)} right; flagged {sorted(flagged)}")
    assert len(right) / len(read) >= 0.85  # the misses are marks (○ read as 0): flagged, as asserted next
    assert set(read) - set(right) <= flagged  # every wrong value is flagged…
    assert len(flagged) <= len(read) - len(right) + 1  # …and hardly a right one


def test_rows_a_scan_did_not_yield_are_unread_not_missing(drawn, scanned):
    """Only one page of the 요약표 is scanned here: the indicators on its other pages were not read, which is
    not knowing they are missing — each is indicator.unread_on_scan (a warning naming the file), never
    indicator.missing."""
    mapped = map_bundle(Bundle(id="scan", channel="usb"),
                        [extract("신청서.pdf", drawn["application"]), scanned])
    findings = run_checks(mapped)
    unread = {f.indicator for f in findings if f.rule == "indicator.unread_on_scan"}
    assert "indicator.missing" not in {f.rule for f in findings}
    assert unread and unread.isdisjoint(mapped.submission.indicators)
    assert all("정량지표_스캔.pdf" in f.message_ko for f in findings if f.rule == "indicator.unread_on_scan")


def _close(expected, got) -> bool:
    if isinstance(expected, bool) or isinstance(got, bool):
        return got is expected
    return isinstance(got, (int, float)) and expected is not None and abs(got - expected) <= max(0.01, 0.005 * abs(expected))


@pytest.fixture(scope="module")
def photo(drawn):
    name = drawn["plan"].written_applicant["name"]
    return scans.photo_jpeg(drawn["application"], random.Random(SEED), name, orientation=6)


def test_photo_is_turned_straightened_and_the_seal_removed(drawn, photo):
    image = Image.open(io.BytesIO(photo))
    assert image.getexif().get(0x0112) == 6 and image.width > image.height  # stored on its side
    doc = extract("신청서.jpg", photo)
    assert doc.readable
    note = next(p for p in doc.problems if p.code == "note.ocr.photo")
    seal = int(re.search(r"(\d+) pixels of red ink", note.detail).group(1))
    assert seal > 1000
    page = doc.pages[0]
    assert page.height > page.width  # upright after the EXIF orientation and the perspective
    applicant = drawn["plan"].written_applicant
    cells = [_squash(c.text) for t in doc.tables for c in t.cells]
    digits = [re.sub(r"\D", "", c) for c in cells]
    assert re.sub(r"\D", "", applicant["registration_no"]) in digits
    assert re.sub(r"\D", "", applicant["phone"]) in digits
    assert any(_squash(applicant["representative"]) in c for c in cells)
    # the 대표자 line under the seal is read too, the name at most one letter off
    line = _squash(next(b.text for b in doc.blocks if "서명" in _squash(b.text)))
    name = _squash(applicant["representative"])
    assert any(sum(a != b for a, b in zip(name, line[i:i + len(name)])) <= 1 for i in range(len(line) - len(name) + 1)), line


def test_photographed_application_fields_despite_a_label_cut_short():
    """The dev set's phone photo of a stamped application (read in place, never copied): its
    `사업자(법인)등록번호` label wraps, and OCR reads `사업자(법인)등록번` — still that field's label, so the
    registration number is read; every field the truth names matches."""
    import email
    import json
    from email import policy

    from mapping.application import read_fields
    from tests.conftest import SHARED

    bundle = SHARED / "devset" / "harder" / "s600-009-city-seocho"
    message = email.message_from_bytes((bundle / "message.eml").read_bytes(), policy=policy.default)
    photo = next(p for p in message.iter_attachments() if (p.get_filename() or "").endswith(".jpg"))
    doc = extract(photo.get_filename(), photo.get_content())
    assert any(t.method == "ocr" for t in doc.tables)
    fields = {k: v for k, (v, _) in read_fields(doc, load_programme("city-2025").application_fields).items()}
    truth = json.loads((bundle / "expected.json").read_text(encoding="utf-8"))["applicant"]
    digits = lambda s: re.sub(r"\D", "", s or "")  # noqa: E731 - as the dev set's scorer compares numbers
    assert digits(fields.get("registration_no")) == digits(truth["registration_no"])
    assert digits(fields.get("phone")) == digits(truth["phone"])
    assert truth["name"] in fields.get("name", "") and truth["representative"] in fields.get("representative", "")


@pytest.mark.parametrize(("seed", "ticked", "drawn_as"), [(11104, "■", "all"), (11107, "☑", "all"), (11412, "☑", "some")])
def test_the_small_boxes_of_a_photographed_application_are_read_by_their_shape(tmp_path, monkeypatch, seed, ticked,
                                                                                drawn_as):
    """Drawn photos 11104 and 11107 (measured, then mended): the 신청 유형 line `□ 대도시 ■ 중소도시` came back
    `○ 대도시 중소도시` (the ■ dropped) and `□ 대도시 ☑ 중소도시` came back `ㅁ 대도시 된 중소도시`: no size class was
    declared. Boxes are now read by their shape: an outlined square, filled, empty or with a tick inside, a word
    space before its option. 11412 (a mixed draw, as bench/accuracy.py draws it): `대도시 MW 중소도시`."""
    import json

    from checks.pipeline import extractable_files
    from intake.bundles import open_bundle
    from mapping.application import declared_choice
    from samples.draw.bundle import draw_bundle

    monkeypatch.setenv("SAMPLES_SCANS", drawn_as)
    bundle = draw_bundle(seed, tmp_path, programme="city-2025", defect=None) if drawn_as == "all" else \
        draw_bundle(seed, tmp_path, programme=None, defect="random")
    truth = json.loads((bundle / "expected.json").read_text(encoding="utf-8"))["applicant"]
    files = extractable_files(open_bundle(next(p for p in bundle.iterdir() if p.name != "expected.json")))
    photo = next(f for f in files if f.name.lower().endswith(".jpg"))
    doc = extract(photo.name, photo.data)
    programme = load_programme("city-2025")
    line = next(c.text for t in doc.tables for c in t.cells if "대도시" in c.text)
    assert line == f"□ 대도시 {ticked} 중소도시"
    declared = declared_choice(doc, programme.size_class_labels, list(programme.size_class_words))
    assert programme.size_class_words[declared.option] == truth["city_size"] == "small"
