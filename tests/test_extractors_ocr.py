"""OCR of scans (extractors/ocr.py) on the corpus: a Korean+English screenshot, and pages of a real
Korean PDF rasterised at test time whose text layer is the ground truth. Every page OCR'd here costs
a few seconds, so each is OCR'd once per module."""

from __future__ import annotations

import csv
import io
import json
import re
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pdfplumber
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw, ImageFont

from checks import document_findings
from extractors.model import Document
from extractors.ocr import extract_image, normalise_ocr_number, ocr_page_image

KHOSUNG = "khosung-PDF-Parser/dataset/file_19.pdf"
TABLE_PAGE = 89  # C.3: a ruled 9×6 table of MAC lengths (128, 64, 224/256/384/512) with row spans
POINTS_PAGE = 90  # C.4: a ruled 3×6 table (1,000회, 100,000회) and running Korean text
NUMERIC = re.compile(r"^[\d,./]*\d$")
NANUM = "/usr/share/fonts/truetype/nanum/NanumGothic.ttf"


def _doc(name: str = "scan.png", media_type: str = "image/png") -> Document:
    return Document(file=name, sha256="0" * 64, media_type=media_type)


def _png(image: Image.Image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


def _render(corpus, page: int, scale: float) -> Image.Image:
    pdf = pdfium.PdfDocument(str(corpus / KHOSUNG))
    try:
        return pdf[page - 1].render(scale=scale).to_pil()
    finally:
        pdf.close()


def _squash(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


@pytest.fixture(scope="module")
def text_layer_table(corpus):
    """The page's ruled table with the most numeric cells, as pdfplumber reads its text layer:
    rows of text, None where a merged cell covers the position."""
    with pdfplumber.open(corpus / KHOSUNG) as pdf:
        tables = [t.extract() for t in pdf.pages[TABLE_PAGE - 1].find_tables()]
    return max(tables, key=lambda rows: sum(bool(c and NUMERIC.match(c)) for r in rows for c in r))


@pytest.fixture(scope="module")
def scanned_table_page(corpus):
    """Page 89 rasterised at 300 dpi and turned by 2° like a sloppy scan, read as a PNG file."""
    image = _render(corpus, TABLE_PAGE, 300 / 72).rotate(2, resample=Image.Resampling.BICUBIC, expand=True,
                                                          fillcolor="white")
    started = time.perf_counter()
    doc = extract_image(_doc(), _png(image))
    print(f"\nOCR of the rasterised table page: {time.perf_counter() - started:.1f} s")
    return doc


def test_english_and_korean_screenshot(corpus):
    """unstructured's expectation for this image (eng+kor): the title first, a paragraph starting 안녕하세요."""
    cases = json.loads((corpus / "unstructured" / "expected_outputs.json").read_text(encoding="utf-8"))["cases"]
    expect = next(c for c in cases if c["file"] == "img/english-and-korean.png")["expect"]
    title, korean_start = expect["elements[0].text"], expect["elements[3].text_without_spaces_lstrip_comma_startswith"]
    data = (corpus / "unstructured" / "img" / "english-and-korean.png").read_bytes()
    doc = extract_image(_doc("english-and-korean.png"), data)
    assert doc.readable and len(doc.pages) == 1
    page = doc.pages[0]
    assert page.method == "ocr" and page.confidence and page.confidence > 60
    assert doc.blocks[0].text == title
    assert korean_start in _squash(doc.full_text())
    korean = next(b for b in doc.blocks if _squash(b.text).lstrip(",").startswith(korean_start))
    assert korean.method == "ocr" and korean.confidence is not None
    for block in doc.blocks:  # boxes in the image's own pixels, whatever the internal upscaling
        x0, top, x1, bottom = block.bbox
        assert 0 <= x0 < x1 <= page.width + 1 and 0 <= top < bottom <= page.height + 1
    assert doc.text_source == "ocr"


def test_rasterised_korean_table_grid_and_numbers(scanned_table_page, text_layer_table):
    doc = scanned_table_page
    assert doc.readable and doc.pages[0].method == "ocr"
    assert any(p.code == "note.ocr.deskewed" and p.page == 1 and "deskewed by 2.0" in p.detail for p in doc.problems), \
        doc.problems
    truth = text_layer_table
    n_rows, n_cols = len(truth), len(truth[0])
    table = next(t for t in doc.tables if (t.n_rows, t.n_cols) == (n_rows, n_cols))
    assert table.method == "ocr" and table.page == 1
    # Same cells and spans: a cell starts wherever the text layer has text, None marks a covered position.
    starts = {(c.row, c.col) for c in table.cells}
    assert starts == {(r, c) for r, row in enumerate(truth) for c, v in enumerate(row) if v is not None}
    grid = table.top_left_grid()
    numeric = [(r, c, v) for r, row in enumerate(truth) for c, v in enumerate(row) if v and NUMERIC.match(v)]
    right = sum(_squash(grid[r][c]) == v for r, c, v in numeric)
    read = [c for c in table.cells if c.text]
    mean_conf = sum(c.confidence for c in read) / len(read)
    print(f"numeric cells right: {right}/{len(numeric)} ({right / len(numeric):.0%}); "
          f"mean cell confidence {mean_conf:.1f}; page confidence {doc.pages[0].confidence}")
    assert len(numeric) >= 12 and right / len(numeric) >= 0.8
    assert all(c.confidence is not None and 0 <= c.confidence <= 100 for c in read)
    assert _squash(grid[0][0]) == "분류" and _squash(grid[1][0]) == "HMAC"
    # cell boxes are in the PNG's pixels and nest inside the table's box
    x0, top, x1, bottom = table.bbox
    assert all(x0 - 1 <= c.bbox[0] < c.bbox[2] <= x1 + 1 and top - 1 <= c.bbox[1] < c.bbox[3] <= bottom + 1
               for c in table.cells)


def test_rasterised_page_text_and_blocks(scanned_table_page):
    doc = scanned_table_page
    text = _squash(doc.full_text())
    for phrase in ("검증대상동작모드에서사용가능한가?", "224/256/384/512", "ISO/IEC9797-1"):
        assert phrase in text
    assert all(b.method == "ocr" and b.confidence is not None and b.page == 1 for b in doc.blocks)


def test_ocr_page_image_boxes_in_pdf_points(corpus):
    """Rendered at 180 dpi (scale 2.5): boxes come back in PDF points and match the text layer's."""
    scale = 2.5
    page = ocr_page_image(_render(corpus, POINTS_PAGE, scale), POINTS_PAGE, scale)
    with pdfplumber.open(corpus / KHOSUNG) as pdf:
        plumber = pdf.pages[POINTS_PAGE - 1]
        width, height = float(plumber.width), float(plumber.height)
        words = plumber.extract_words()
        ruled = [t for t in plumber.find_tables() if len(t.rows) == 3 and len(t.rows[0].cells) == 6][0]
    assert page.confidence and page.text
    boxes = [b.bbox for b in page.blocks] + [c.bbox for t in page.tables for c in t.cells]
    assert all(0 <= x0 < x1 <= width + 1 and 0 <= top < bottom <= height + 1 for x0, top, x1, bottom in boxes)
    # the 3×6 table: its box within 3 pt of pdfplumber's, and the numbers of 1,000회 / 100,000회 read
    table = next(t for t in page.tables if (t.n_rows, t.n_cols) == (3, 6))
    assert table.index == 0 and table.page == POINTS_PAGE and table.method == "ocr"
    assert all(abs(a - b) <= 3 for a, b in zip(table.bbox, ruled.bbox)), (table.bbox, ruled.bbox)
    values = [_squash(c.text) for c in table.cells]  # the unit 회 is a weak spot of the kor model
    assert any(re.match(r"1[,.]000(?!\d)", v) for v in values) and any(re.match(r"100[,.]000(?!\d)", v) for v in values)
    # words of the text layer lie inside the OCR line (or cell) that contains them, within 3 pt
    checked = inside = 0
    for w in words:
        if len(w["text"]) < 3:
            continue
        holders = [b for b in page.blocks if w["text"] in b.text] + \
                  [c for t in page.tables for c in t.cells if w["text"] in c.text]
        if not holders:
            continue
        mid = (w["top"] + w["bottom"]) / 2
        x0, top, x1, bottom = min(holders, key=lambda h: abs((h.bbox[1] + h.bbox[3]) / 2 - mid)).bbox
        checked += 1
        inside += x0 - 3 <= w["x0"] and w["x1"] <= x1 + 3 and top - 3 <= w["top"] and w["bottom"] <= bottom + 3
    print(f"\ntext-layer words inside their OCR box: {inside}/{checked}")
    assert checked >= 30 and inside / checked >= 0.9


def test_image_only_pdf_table_matches_unstructured_csv(corpus):
    """unstructured's scanned table (no text layer): two header rows, "Results" over two columns;
    its expected cells are in table-multi-row-column-cells-actual.csv."""
    base = corpus / "unstructured"
    expected = list(csv.reader((base / "table-multi-row-column-cells-actual.csv").read_text(encoding="utf-8").splitlines()))
    pdf = pdfium.PdfDocument(str(base / "pdf" / "table-multi-row-column-cells.pdf"))
    try:
        image = pdf[0].render(scale=300 / 72).to_pil()
    finally:
        pdf.close()
    page = ocr_page_image(image, 1, 300 / 72)
    table = max(page.tables, key=lambda t: len(t.cells))
    assert (table.n_rows, table.n_cols) == (6, 6)
    results = table.cell_at(0, 4)
    assert results.text == "Results" and (results.row, results.col, results.col_span, results.row_span) == (0, 4, 2, 1)
    assert all(table.cell_at(0, c).row_span == 2 for c in range(4))
    got = [[_squash(t) for t in row] for row in table.top_left_grid()]
    want = [[_squash(t) for t in row] + [""] * (6 - len(row)) for row in expected]
    right = sum(g == w for gr, wr in zip(got, want) for g, w in zip(gr, wr) if w)
    total = sum(1 for row in want for w in row if w)
    print(f"\nunstructured scanned table: {right}/{total} non-empty cells exact")
    assert right / total >= 0.85


def test_multipage_tiff_reads_every_frame():
    font = ImageFont.truetype(NANUM, 40)
    frames = []
    for text in ("스마트도시 인증 신청서", "Page two of the scan"):
        image = Image.new("L", (900, 160), 255)
        ImageDraw.Draw(image).text((40, 50), text, font=font, fill=0)
        frames.append(image)
    buf = io.BytesIO()
    frames[0].save(buf, "TIFF", save_all=True, append_images=frames[1:])
    doc = extract_image(_doc("scan.tif", "image/tiff"), buf.getvalue())
    assert [p.number for p in doc.pages] == [1, 2] and all(p.method == "ocr" for p in doc.pages)
    assert "스마트도시인증신청서" in _squash(doc.pages[0].text) and "Page two of the scan" in doc.pages[1].text
    assert {b.page for b in doc.blocks} == {1, 2}


@pytest.mark.parametrize("read, expected", [
    ("2.345건", "2,345건"),  # a count cannot have three decimals
    ("1.234.567명", "1,234,567명"),
    ("2,345H", "2,345건"),
    ("2345거", "2345건"),
    ("1O5", "105"),
    ("2O25년", "2025년"),
    ("1,O00원", "1,000원"),
    ("1l1", "111"),
    ("제1O회", "제10회"),
    ("１２，３４５원", "12,345원"),
    ("５０％", "50%"),
    ("4.905,859", "4,905,859"),  # a point before a thousands comma is a comma read as a point
    ("예산 1.234.567,890원", "예산 1,234,567,890원"),
    # plausibly right as read: left alone
    ("2.345", "2.345"),
    ("2.5점", "2.5점"),
    ("2.345백만원", "2.345백만원"),
    ("2.345대비", "2.345대비"),
    ("0.345건", "0.345건"),
    ("24H", "24H"),
    ("CO2", "CO2"),
    ("O2", "O2"),
    ("10lux", "10lux"),
    ("ISO 9001", "ISO 9001"),
    ("192.168.100.200", "192.168.100.200"),
    ("2024.05.17", "2024.05.17"),
    ("2345건", "2345건"),
    ("Hello World", "Hello World"),
    ("", ""),
])
def test_normalise_ocr_number(read, expected):
    assert normalise_ocr_number(read) == expected


def _valid_png() -> bytes:
    image = Image.new("L", (400, 120), 255)
    ImageDraw.Draw(image).text((20, 40), "2,345", font=ImageFont.truetype(NANUM, 36), fill=0)
    return _png(image)


@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n" + b"\x00garbage" * 50,  # signature, then nonsense
    _valid_png()[:200],  # truncated inside the image data
    b"\x89PNG\r\n\x1a\n",  # signature only
])
def test_corrupt_png_is_unreadable_not_a_hang(data):
    pool = ThreadPoolExecutor(max_workers=1)
    future = pool.submit(extract_image, _doc("broken.png"), data)
    try:
        doc = future.result(timeout=60)
    except TimeoutError:
        pytest.fail("extract_image hung on a corrupt PNG")
    except Exception:  # raising is allowed: the registry turns it into an unreadable document
        return
    finally:
        pool.shutdown(wait=False)
    assert [(p.code, p.fatal) for p in doc.problems] == [("unreadable.image", True)]
    assert [f.params["reason"] for f in document_findings(doc)] == ["이미지 파일이 손상되었거나 잘려 있어 판독할 수 없습니다"]
    assert not doc.pages and not doc.tables


def test_tesseract_in_process_is_the_systems():
    """scripts/setup.sh builds tesserocr against the system's libtesseract, so a page reads as the `tesseract`
    command reads it; tesserocr's wheel bundles another Tesseract, which reads these scans differently."""
    import subprocess

    import tesserocr
    system = subprocess.run(["tesseract", "--version"], capture_output=True, text=True, check=True).stdout.split()[1]
    assert tesserocr.tesseract_version().split()[1] == system


def test_noise_past_the_time_limit_is_unreadable_timeout(monkeypatch):
    from extractors.ocr_parts import tess
    monkeypatch.setattr(tess, "CALL_SECONDS", 0.5)
    noise = Image.fromarray(np.random.default_rng(7).integers(0, 256, (1800, 1800), dtype=np.uint8))
    started = time.perf_counter()
    doc = extract_image(_doc("noise.png"), _png(noise))
    assert time.perf_counter() - started < 60
    assert [(p.code, p.fatal) for p in doc.problems] == [("unreadable.timeout", True)]
    assert [f.params["reason"] for f in document_findings(doc)][0].startswith("파일 처리 시간")


def test_ink_outside_the_words_read_is_found_when_it_stands_apart():
    """leftovers.uncovered: a glyph standing a space after the words read is found; a stroke touching a word's box
    (part of it), specks and a ruling's remnant at the crop's edge are not."""
    from extractors.ocr_parts.leftovers import uncovered
    image = Image.new("L", (420, 80), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(NANUM, 32)
    draw.text((10, 20), "시스템 도입", font=font, fill=0)
    words_end = int(draw.textbbox((10, 20), "시스템 도입", font=font)[2])
    draw.text((words_end + 20, 20), "Y", font=font, fill=0)
    draw.line((words_end + 1, 25, words_end + 1, 55), fill=0, width=2)  # a stroke right against the words
    draw.point([(300, 10), (301, 10), (350, 70)], fill=0)  # specks
    draw.line((416, 0, 416, 79), fill=0, width=4)  # a ruling's remnant at the edge
    words = [(10, 22, words_end, 58)]
    found = uncovered(np.asarray(image), words)
    assert len(found) == 1
    x0, _, x1, _ = found[0]
    assert words_end + 15 <= x0 < x1 <= words_end + 50
