"""The PDF extractor (extractors/pdf.py, extractors/pdf_parts/) against the corpus's own expectations.

Table reading is scored cell by cell against camelot's, tabula-java's and pdfplumber's expected
tables, read with the arguments each expectation names (lattice ≈ ruling lines, stream ≈ aligned
text, areas as crops), and against the pdfplumber baseline of the Korean government guides. Each
score is printed and held just under what the extractor achieves, so a regression fails.
Garbage text layers, OCR, cross-page tables and figures are checked on PDFs made here.
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from io import BytesIO
from pathlib import Path

import pdfplumber
import pytest
from PIL import Image

from checks import document_findings
from extractors.figures import fill_figure_data
from extractors.model import Document, DocumentProblem
from extractors.pdf import extract_pdf, read_page
from extractors.pdf_parts.garbage import garbage_score, hangul_share
from extractors.pdf_parts.rotation import upright_view
from extractors.pdf_parts.tables import borderless_tables, read_tables
from extractors.registry import extract, shutdown

NANUM = Path("/usr/share/fonts/truetype/nanum/NanumGothic.ttf")
PUA = re.compile("[\ue000-\uf8ff\x00]")


# --- cell-by-cell scoring -------------------------------------------------------------------------

def norm(text: str | None, strip: str = "") -> str:
    """Cell text compared without white space (line breaks differ by convention), NFKC, no <s> flags."""
    text = unicodedata.normalize("NFKC", re.sub(r"</?s>", "", text or ""))
    for ch in strip:
        text = text.replace(ch, "")
    return "".join(text.split())


def match(expected: list[list[str]], ours: list[list[str]], strip: str = "") -> tuple[int, int]:
    """(matched, total) non-empty expected cells.

    Rows are aligned monotonically (an extra or missing row costs only itself), columns by the best
    shift of at most three; a cell counts when its text equals ours at the aligned position.
    """
    exp = [[norm(v, strip) for v in row] for row in expected]
    our = [[norm(v, strip) for v in row] for row in ours]
    total = sum(1 for row in exp for v in row if v)
    best = 0
    for shift in range(-3, 4):
        prev = [0] * (len(our) + 1)
        for erow in exp:
            cur = [0] * (len(our) + 1)
            for j, orow in enumerate(our):
                hits = sum(1 for c, v in enumerate(erow) if v and 0 <= c + shift < len(orow) and orow[c + shift] == v)
                cur[j + 1] = max(prev[j + 1], cur[j], prev[j] + hits)
            prev = cur
        best = max(best, prev[-1])
    return best, total


def best_match(expected, tables, strip: str = "", repeat: bool = False) -> tuple[int, int]:
    grids = [t.grid() if repeat else t.top_left_grid() for t in tables]
    return max([match(expected, g, strip) for g in grids] or [(0, sum(1 for r in expected for v in r if norm(v)))])


def report(source: str, rows: list[tuple[str, int, int]]) -> float:
    got, total = sum(r[1] for r in rows), sum(r[2] for r in rows)
    for name, m, n in rows:
        print(f"  {m:5d}/{n:5d} {m / max(n, 1):6.1%}  {name}")
    share = got / total
    print(f"{source}: {got}/{total} expected cells matched = {share:.1%}")
    return share


# --- camelot ----------------------------------------------------------------------------------------

CAMELOT_SKIP = {  # options that move text to another cell than the default (shift_text); the default is scored
    "data_lattice_shift_text_disable", "data_lattice_shift_text_right_bottom"}


def _camelot_kwargs(call: str) -> dict:
    kw = {}
    for key in ("flavor", "pages", "password", "copy_text"):
        if m := re.search(rf'{key}="([^"]*)"', call):
            kw[key] = m.group(1)
    for key in ("table_areas", "table_regions", "columns"):
        if m := re.search(rf"{key}=\[([^\]]*)\]", call):
            kw[key] = re.findall(r'"([^"]*)"', m.group(1))
    if m := re.search(r'strip_text="((?:[^"\\]|\\.)*)"', call):
        kw["strip_text"] = m.group(1).encode().decode("unicode_escape")
    return kw


def camelot_cases(corpus):
    """(expected variable, pdf, read_pdf arguments, expected rows), once per distinct reading."""
    spec = json.loads((corpus / "camelot" / "expected_tables.json").read_text(encoding="utf-8"))
    seen = set()
    for test in spec["tests"]:
        for i, pdf in enumerate(test["pdf_paths_relative_to_tests_files"]):
            kw = _camelot_kwargs(test["read_pdf_calls"][min(i, len(test["read_pdf_calls"]) - 1)])
            for var in test["expected_vars"]:
                areas = kw.get("table_areas") or kw.get("table_regions")
                key = (var, pdf, kw.get("flavor", "lattice") == "lattice", str(areas), str(kw.get("columns")))
                if var not in CAMELOT_SKIP and key not in seen:
                    seen.add(key)
                    yield var, pdf, kw, spec["expected"][var]


def camelot_read(path: Path, kw: dict):
    """camelot.read_pdf(...) in our terms: lattice → ruling lines, stream/network/hybrid → aligned text;
    table_areas/table_regions (PDF space, origin bottom left) → crops; columns → explicit separators."""
    strategy = "lines" if kw.get("flavor", "lattice") == "lattice" else "text"
    page_no = int(kw.get("pages", "1"))
    with pdfplumber.open(path, password=kw.get("password")) as pdf:
        page, _ = upright_view(pdf.pages[page_no - 1])  # camelot turns sideways tables too
        regions = [page]
        if areas := kw.get("table_areas") or kw.get("table_regions"):
            regions = []
            for area in areas:
                x1, y1, x2, y2 = map(float, area.split(","))
                regions.append(page.crop((x1, page.height - y1, x2, page.height - y2), strict=False))
        columns = [float(x) for x in kw["columns"][0].split(",")] if kw.get("columns") else None
        return [t for region in regions for t in read_tables(region, strategy, columns=columns, page_number=page_no)]


def test_camelot_expected_tables_cell_by_cell(corpus):
    rows = []
    for var, pdf, kw, expected in camelot_cases(corpus):
        tables = camelot_read(corpus / "camelot" / pdf, kw)
        m, n = best_match(expected, tables, kw.get("strip_text", ""), repeat=kw.get("copy_text") == "v")
        rows.append((f"{var} {pdf} {kw}", m, n))
    share = report("camelot", rows)
    assert share >= 0.91


# --- tabula-java --------------------------------------------------------------------------------------

def tabula_cases(corpus):
    spec = json.loads((corpus / "tabula-java" / "expected_map.json").read_text(encoding="utf-8"))
    json_twins = {(c["pdf"], json.dumps(c["area"]), c["mode"])
                  for c in spec["cases"] if c["expected"].endswith(".json")}
    for case in spec["cases"]:
        path = corpus / "tabula-java" / case["expected"]
        if path.suffix == ".csv" and (case["pdf"], json.dumps(case["area"]), case["mode"]) in json_twins:
            continue  # the JSON twin keeps the tables apart; score that one
        if path.suffix == ".json":
            data = json.loads(path.read_text(encoding="utf-8"))
            data = [data] if isinstance(data, dict) else data
            expected = [[[cell["text"] for cell in row] for row in t["data"]] for t in data]
            case = {**case, "mode": data[0]["extraction_method"]}  # what tabula actually ran
        else:
            with path.open(encoding="utf-8", newline="") as f:
                expected = [list(csv.reader(f))]
        yield case, expected


def tabula_read(corpus, case):
    """tabula's lattice → ruling lines, stream → aligned text, -g → our own table finding, the CLI's
    default → ruling lines when there are any (tabula's own choice); areas [top, left, bottom, right]."""
    mode = case["mode"]
    with pdfplumber.open(corpus / "tabula-java" / case["pdf"]) as pdf:
        page = pdf.pages[case["page"] - 1]
        area = case["area"]
        if area is None:
            regions = [page]
        elif isinstance(area[0], str):  # "%top,left,bottom,right"
            regions = []
            for a in area:
                top, left, bottom, right = (float(v) for v in a.lstrip("%").split(","))
                regions.append(page.crop((left / 100 * page.width, top / 100 * page.height,
                                          right / 100 * page.width, bottom / 100 * page.height), strict=False))
        else:
            top, left, bottom, right = area
            regions = [page.crop((left, top, right, bottom), strict=False)]
        tables = []
        for region in regions:
            if "-g" in mode:
                tables += read_tables(region, "lines") or borderless_tables(region)
            elif mode.startswith("CLI") and "-r" not in mode:
                tables += read_tables(region, "lines") or read_tables(region, "text")
            else:
                strategy = "lines" if mode.startswith("lattice") else "text"
                tables += read_tables(region, strategy, columns=case.get("columns"))
        return tables


def test_tabula_expected_tables_cell_by_cell(corpus):
    rows = []
    for case, expected in tabula_cases(corpus):
        tables = tabula_read(corpus, case)
        if case["expected"].endswith(".csv") and len(tables) > 1:  # a CSV holds every table, one after another
            results = [match(expected[0], [r for t in tables for r in t.top_left_grid()])]
        else:
            results = [best_match(e, tables) for e in expected]
        rows.append((f"{case['expected']} ({case['mode']})", sum(r[0] for r in results), sum(r[1] for r in results)))
    share = report("tabula-java", rows)
    assert share >= 0.905


# --- pdfplumber's own expectations -----------------------------------------------------------------------

def _pdfplumber_tests(corpus):
    spec = json.loads((corpus / "pdfplumber" / "expected_tables.json").read_text(encoding="utf-8"))
    return {t["test"].rsplit("::", 1)[-1]: t for t in spec["tests"]}


def _page(corpus, name, number=1):
    pdf = pdfplumber.open(corpus / "pdfplumber" / name)
    return pdf, pdf.pages[number - 1]


def test_pdfplumber_expected_tables(corpus):
    """Values cell by cell where pdfplumber's tests give them; counts and shapes asserted outright."""
    tests = _pdfplumber_tests(corpus)
    rows = []

    def score(name, expected, ours):
        m, n = match(expected, ours)
        rows.append((name, m, n))

    t = tests["test_edges_strict"]
    pdf, page = _page(corpus, t["pdf"])
    tables = read_tables(page, "lines", settings=t["table_settings"])
    score("edges_strict last row", [t["expected"]["last_row"]], [tables[0].grid()[-1]])
    pdf.close()

    t = tests["test_text_tolerance"]
    pdf, page = _page(corpus, t["pdf"])
    for variant in t["variants"]:
        settings = {k: v for k, v in variant["table_settings"].items() if "strategy" not in k}
        tables = read_tables(page.crop(t["crop_bbox"]), "text", settings=settings)
        score(f"text_tolerance {settings} last row", [variant["expected"]["last_row"]], [tables[0].grid()[-1]])
    pdf.close()

    t = tests["test_order"]
    pdf, page = _page(corpus, t["pdf"])
    assert [x.n_rows for x in read_tables(page, "lines")] == t["expected"]["rows_per_table_in_order"]
    pdf.close()

    t = tests["test_issue_466_mixed_strategy"]
    pdf, page = _page(corpus, t["pdf"])
    tables = read_tables(page, "lines", settings=t["table_settings"])
    assert len(tables) == 3
    for table in tables:
        assert (table.n_rows, table.n_cols) == (4, 3)
        assert all("last" in v for v in table.grid()[3])
    pdf.close()

    t = tests["test_discussion_539_null_value"]
    pdf, page = _page(corpus, t["pdf"])
    assert read_tables(page, "lines", settings=t["table_settings"])
    pdf.close()

    t = tests["test_table_curves"]
    pdf, page = _page(corpus, t["pdf"])
    tables = read_tables(page, "lines")
    assert len(tables) == t["expected"]["table_count"]
    assert tables[0].grid()[-2][-2] == t["expected"]["cell[-2][-2]"]
    pdf.close()

    t = tests["test_merged_cell_fullfill"]  # every covered grid position repeats the merged text: grid()
    pdf, page = _page(corpus, t["pdf"])
    score("issue-79 merged cells repeated", t["expected"]["table"], read_tables(page, "lines")[0].grid())
    t = tests["test_merged_cell_default"]  # covered positions are None: top_left_grid() leaves them empty
    expected = [[v or "" for v in row] for row in t["expected"]["table"]]
    score("issue-79 merged cells top-left", expected, read_tables(page, "lines")[0].top_left_grid())
    pdf.close()

    t = tests["test_merge_cell"]
    with pdfplumber.open(corpus / "pdfplumber" / t["pdf"]) as pdf:
        first = read_tables(pdf.pages[0], "lines")
        assert len(first) == t["expected"]["page_1"]["table_count"]
        for i, (table, want) in enumerate(zip(first, t["expected"]["page_1"]["tables"])):
            score(f"issue-420 p1 table {i} merged cells repeated", want, table.grid())
        second = read_tables(pdf.pages[1], "lines")
        assert len(second) == t["expected"]["page_2"]["table_count"]
        score("issue-420 p2 missing edges", [[v or "" for v in r] for r in t["expected"]["page_2"]["tables"][0]],
              second[0].grid())
    share = report("pdfplumber", rows)
    assert share >= 0.99


# --- the Korean government guides (Hancom PDF) ---------------------------------------------------------

KHOSUNG = "khosung-PDF-Parser"


def _baseline(corpus, stem) -> dict[int, list[list[list[str]]]]:
    """pdfplumber_baseline/<stem>/tables/<stem>_p<page>_t<n>.md → {page: [rows of cells]}."""
    out: dict[int, list] = {}
    for path in sorted((corpus / KHOSUNG / "pdfplumber_baseline" / stem / "tables").glob("*.md")):
        m = re.fullmatch(rf"{stem}_p(\d+)_t(\d+)\.md", path.name)
        rows = [[PUA.sub("", c).strip() for c in line.strip().strip("|").split("|")]
                for line in path.read_text(encoding="utf-8").splitlines()
                if line.startswith("|") and not re.fullmatch(r"\|( --- \|)+", line.strip())]
        out.setdefault(int(m.group(1)), []).append((int(m.group(2)), rows))
    return {p: [rows for _, rows in sorted(ts)] for p, ts in out.items()}


@pytest.mark.parametrize("stem", ["file_18", "file_19", "file_8"])
def test_korean_guides_tables_agree_with_pdfplumber_baseline(corpus, stem):
    """A sample of the pages with baseline tables: the baseline's cells found at the same grid places."""
    baseline = _baseline(corpus, stem)
    pages = sorted(baseline)[::8]
    rows = []
    with pdfplumber.open(corpus / KHOSUNG / "dataset" / f"{stem}.pdf") as pdf:
        for number in pages:
            result = read_page(pdf.pages[number - 1], number, [], ocr=False, figures=False)
            grids = [[[PUA.sub("", v) for v in row] for row in t.top_left_grid()] for t in result.tables]
            for i, expected in enumerate(baseline[number]):
                m, n = max([match(expected, g) for g in grids] or [(0, sum(1 for r in expected for v in r if norm(v)))])
                rows.append((f"{stem} p{number} t{i + 1}", m, n))
    share = report(f"khosung baseline {stem} ({len(pages)} pages)", rows)
    assert share >= {"file_18": 0.98, "file_19": 0.98, "file_8": 0.97}[stem]


@pytest.mark.parametrize("stem", ["file_18", "file_19"])
def test_hancom_guides_read_as_korean(corpus, stem):
    """Exported from Hancom Office: readable Hangul, no CID placeholders, equation pages kept as text."""
    with pdfplumber.open(corpus / KHOSUNG / "dataset" / f"{stem}.pdf") as pdf:
        numbers = list(range(7, len(pdf.pages) + 1, 9))
        texts, problems = [], []
        for number in numbers:
            result = read_page(pdf.pages[number - 1], number, problems, ocr=False, figures=False)
            assert result.page.method == "text_layer", (number, problems)
            assert "(cid:" not in result.page.text and "\x00" not in result.page.text
            assert all(b.method == "text_layer" and b.page == number and b.bbox for b in result.blocks)
            texts.append(result.page.text)
    text = "\n".join(texts)
    share = hangul_share(text)
    # the letters that are not Latin (algorithm names, English terms): Hangul syllables, or garbage
    other = [ch for ch in text if ch.isalpha() and not ch.isascii()]
    korean = sum("\uac00" <= ch <= "\ud7a3" for ch in other) / len(other)
    print(f"{stem}: {len(numbers)} pages, Hangul syllables among letters {share:.1%}, "
          f"among non-Latin letters {korean:.2%}")
    assert share >= {"file_18": 0.58, "file_19": 0.8}[stem]  # Part 2 is about algorithms: SHA, HMAC, DRBG…
    assert korean >= 0.99
    assert not any("garbage" in p.detail for p in problems)


def test_hancom_equation_page_keeps_its_text_layer(corpus):
    """file_18 p. 70 is pseudo-code with HyhwpEQ equations (glyphs in the private use area): flagged, kept."""
    problems: list[DocumentProblem] = []
    with pdfplumber.open(corpus / KHOSUNG / "dataset" / "file_18.pdf") as pdf:
        result = read_page(pdf.pages[69], 70, problems, ocr=False, figures=False)
    score = garbage_score(result.page.text)
    assert score.partly_garbage and not score.is_garbage
    assert result.page.method == "text_layer" and "생성된 난수 비트열" in result.page.text
    assert any(p.code == "note.pdf.unmapped_glyphs" and p.page == 70 and "text layer kept" in p.detail for p in problems)


# --- garbage text layers and OCR -----------------------------------------------------------------------

def _nanum() -> str:
    """Register NanumGothic with reportlab (before any Paragraph uses it) and return its name."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "Nanum" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("Nanum", str(NANUM)))
    return "Nanum"


def _canvas_pdf(draw) -> bytes:
    from reportlab.pdfgen import canvas

    _nanum()
    buf = BytesIO()
    c = canvas.Canvas(buf, pageCompression=0, invariant=1)
    draw(c)
    c.save()
    return buf.getvalue()


def _korean_lines(c, text="스마트도시 인증 신청서 정량지표 평가제안서 근거자료", lines=20):
    c.setFont("Nanum", 12)
    for i in range(lines):
        c.drawString(50, 780 - i * 20, text)


def _pdf(data: bytes) -> Document:
    return extract_pdf(Document(file="t.pdf", sha256="", media_type="application/pdf"), data)


try:
    from extractors.ocr import ocr_page_image  # noqa: F401  (the OCR-path tests need it)

    OCR_AVAILABLE = True
except ImportError:
    OCR_AVAILABLE = False


def _unstructured_case(corpus, file: str, key: str | None = None) -> dict:
    """unstructured's expectation for one of its PDFs (the one asserting ``key``, if given)."""
    cases = json.loads((corpus / "unstructured" / "expected_outputs.json").read_text(encoding="utf-8"))["cases"]
    return next(c for c in cases if c["file"] == file and (key is None or key in c["expect"]))


def _unstructured_pdf(corpus, name: str) -> Document:
    return extract(name, (corpus / "unstructured" / "pdf" / name).read_bytes())


def test_garbage_score_signs():
    assert not garbage_score("스마트도시 인증 신청서의 정량지표 평가제안서와 근거자료를 제출합니다. " * 3).is_garbage
    assert not garbage_score("ㅇ 추진 배경 ㅇ 사업 개요 ㅁ 세부 내용: 스마트도시 통합운영센터 구축 및 운영 계획").is_garbage
    assert garbage_score("(cid:12)(cid:40)(cid:7) (cid:99)" * 10).is_garbage
    assert garbage_score("\ue012\ue0f8\ue0e5 \ue0f8\ue0e9" * 10).is_garbage
    assert garbage_score("ㄱㅏㅁ ㅅㅡㅁㅏ ㅌㅡㄷㅗ ㅅㅣ ㅇㅣㄴㅈㅡㅇ" * 3).is_garbage  # jamo soup
    assert garbage_score("뷁똠햏 쉛뎠 꿹훑 뙇쀍 퓛햬 뜛뮳 쒧뢣 핳읖 뚫떍" * 3).is_garbage  # rare syllables
    assert not garbage_score("Equipment list (cid:3) page 2 of the annex with several readable words in it").is_garbage


def test_embedded_cmap_cidfont_is_not_garbage(corpus):
    """unstructured's embedded-CMap CIDFont: pdfminer.six drops that text, PLAYA (and PDFium) read it; not garbage.
    unstructured counts 3 elements; the CIDFont's two lines (0.67 em apart, same size) are one paragraph here."""
    case = _unstructured_case(corpus, "pdf/embedded-cmap-cidfont.pdf")
    doc = _unstructured_pdf(corpus, "embedded-cmap-cidfont.pdf")
    assert doc.readable and doc.pages[0].method == "text_layer"
    assert not garbage_score(doc.full_text()).is_garbage
    for phrase in case["expect"]["joined_text_contains"]:
        assert phrase in doc.full_text()
    assert doc.blocks[0].text == "Heading in Helvetica"
    assert " ".join(b.text for b in doc.blocks[1:]) == "This text uses an embedded CMap and should be extractable"
    assert not any("garbage" in p.detail for p in doc.problems)


def test_copy_protected_pdf_reads_normally(corpus):
    case = _unstructured_case(corpus, "pdf/copy-protected.pdf", "some_element_text_equals")
    doc = _unstructured_pdf(corpus, "copy-protected.pdf")
    assert doc.readable and [p.number for p in doc.pages] == case["expect"]["page_numbers"]
    assert all(p.method == "text_layer" for p in doc.pages)
    title = unicodedata.normalize("NFKC", case["expect"]["some_element_text_equals"])
    assert any(unicodedata.normalize("NFKC", b.text) == title and b.heading_level for b in doc.blocks)
    assert not doc.tables  # a paper's prose and reference list are no table


def test_pdf_without_tounicode_is_flagged_and_sent_to_ocr():
    """A reportlab PDF whose font lost its ToUnicode map extracts as (cid:n): garbage, OCR or nothing."""
    data = _canvas_pdf(_korean_lines).replace(b"/ToUnicode", b"/ToUnicodX")  # same length: xref stays valid
    assert "(cid:" in pdfplumber.open(BytesIO(data)).pages[0].extract_text()
    doc = _pdf(data)
    assert any(p.page == 1 and p.detail.startswith("text layer looks like garbage") for p in doc.problems)
    assert "(cid:" not in doc.full_text()
    assert doc.readable and list(document_findings(doc)) == []  # notes for the operator, no finding
    if OCR_AVAILABLE:
        assert doc.pages[0].method == "ocr" and any(p.code == "note.pdf.ocr" and "read by OCR" in p.detail
                                                    for p in doc.problems)
        assert "스마트도시" in doc.full_text().replace(" ", "")
    else:
        assert doc.pages[0].method == "none" and any(p.code == "note.pdf.no_text" and "OCR is not available" in p.detail
                                                     for p in doc.problems)


def test_jamo_soup_text_layer_is_flagged():
    """What Hancom fonts without ToUnicode often give: loose compatibility jamo instead of syllables."""
    data = _canvas_pdf(lambda c: _korean_lines(c, "ㅅㅡㅁㅏㅌㅡ ㄷㅗㅅㅣ ㅇㅣㄴㅈㅡㅇ ㅅㅣㄴㅊㅓㅇㅅㅓ ㄱㅡㄴㄱㅓ"))
    doc = _pdf(data)
    assert any("loose Hangul jamo" in p.detail for p in doc.problems)
    assert doc.pages[0].method in ("ocr", "none")


def test_readable_generated_korean_pdf_is_text_layer():
    doc = _pdf(_canvas_pdf(_korean_lines))
    assert doc.pages[0].method == "text_layer" and not doc.problems
    assert doc.blocks and doc.blocks[0].text.startswith("스마트도시 인증 신청서")


@pytest.mark.skipif(not OCR_AVAILABLE, reason="extractors.ocr (ocr_page_image) is not in this tree yet")
def test_image_only_page_goes_to_ocr(corpus):
    case = _unstructured_case(corpus, "pdf/table-multi-row-column-cells.pdf")
    doc = _unstructured_pdf(corpus, "table-multi-row-column-cells.pdf")
    assert doc.pages[0].method == "ocr" and any(p.code == "note.pdf.ocr" and p.page == 1 and "a scan" in p.detail
                                                and "read by OCR" in p.detail for p in doc.problems)
    text = doc.full_text()
    found = [v for v in case["expect"]["row_in_values"] if norm(v) in norm(text)]
    assert len(found) >= len(case["expect"]["row_in_values"]) - 1, (found, text[:500])
    assert all(b.method == "ocr" and b.page == 1 for b in doc.blocks)
    assert not doc.figures  # the scan itself is the page, not a figure


def test_image_only_page_without_ocr_is_marked(corpus):
    with pdfplumber.open(corpus / "unstructured" / "pdf" / "table-multi-row-column-cells.pdf") as pdf:
        problems: list[DocumentProblem] = []
        result = read_page(pdf.pages[0], 1, problems, ocr=False, figures=False)
    assert result.page.method == "none" and result.page.text == ""
    assert [(p.code, p.page, p.fatal, p.detail) for p in problems] == [
        ("note.pdf.no_text", 1, False, "no text layer, only images (a scan); OCR not requested, page left without text")]


# --- encrypted and corrupt files ----------------------------------------------------------------------------

def test_encrypted_and_corrupt_pdfs_raise(corpus):
    data = (corpus / "unstructured" / "pdf" / "password.pdf").read_bytes()
    with pytest.raises(Exception) as raised:
        _pdf(data)
    assert "password" in repr(raised.value).lower() or "PDFPasswordIncorrect" in repr(raised.value)
    doc = extract("password.pdf", data)
    assert [(p.code, p.fatal) for p in doc.problems] == [("unreadable.encrypted", True)]
    assert [f.params["reason"] for f in document_findings(doc)] == ["암호가 걸린 파일이라 열 수 없습니다"]
    cut = (corpus / "unstructured" / "pdf" / "korean-text-with-tables.pdf").read_bytes()
    with pytest.raises(Exception):
        _pdf(cut[: len(cut) // 2])


# --- text blocks, borderless tables, tables across pages, figures ------------------------------------------

def test_text_blocks_have_positions(corpus):
    doc = _unstructured_pdf(corpus, "korean-text-with-tables.pdf")
    page = doc.pages[0]
    assert page.width and page.height and page.method == "text_layer"
    assert doc.blocks and all(b.page == 1 and b.method == "text_layer" for b in doc.blocks)
    for block in doc.blocks:
        x0, top, x1, bottom = block.bbox
        assert 0 <= x0 < x1 <= page.width and 0 <= top < bottom <= page.height
    tops = [b.bbox[1] for b in doc.blocks]
    assert all(a <= b + 1 for a, b in zip(tops, tops[1:]))  # reading order, top down
    assert all(t.bbox and t.page == 1 for t in doc.tables)
    centres = [((b.bbox[0] + b.bbox[2]) / 2, (b.bbox[1] + b.bbox[3]) / 2) for b in doc.blocks]
    inside = [(x, y) for x, y in centres for t in doc.tables
              if t.bbox[0] <= x <= t.bbox[2] and t.bbox[1] <= y <= t.bbox[3]]
    assert not inside  # table text lives in the tables' cells


def _platypus_pdf(story) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate

    buf = BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, invariant=1, leftMargin=40, rightMargin=40, topMargin=40,
                      bottomMargin=40).build(story)
    return buf.getvalue()


def _ruled_table(rows, repeat=1):
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    table = Table(rows, colWidths=[60, 160, 120, 120], repeatRows=repeat)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("FONTNAME", (0, 0), (-1, -1), "Nanum")]))
    return table


def test_table_running_over_pages_is_joined():
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import PageBreak, Paragraph

    header = ["번호", "지표명", "실적값", "근거 쪽"]
    rows = [header] + [[str(i), f"스마트도시 지표 {i}", f"{i * 1.5:.1f}%", f"{i}-{i + 2}"] for i in range(1, 121)]
    body = ParagraphStyle("b", fontName=_nanum(), fontSize=10, leading=14)
    other = [header] + [[str(i), f"별도 표 {i}", "-", "-"] for i in range(1, 4)]
    data = _platypus_pdf([Paragraph("정량지표 요약표", body), _ruled_table(rows), PageBreak(), _ruled_table(other)])
    doc = _pdf(data)
    assert len(doc.pages) >= 4
    assert len(doc.tables) == 2, [(t.page, t.pages, t.n_rows) for t in doc.tables]
    joined, separate = doc.tables
    assert joined.page == 1 and joined.pages == list(range(1, len(joined.pages) + 1)) and len(joined.pages) >= 3
    grid = joined.grid()
    assert grid[0] == header and sum(row == header for row in grid) == 1  # the repeated header once
    assert [row[0] for row in grid[1:]] == [str(i) for i in range(1, 121)]
    assert (joined.n_rows, joined.n_cols) == (121, 4) and joined.bbox and joined.index == 0
    # provenance: a row continued on a later page names that page
    assert doc.provenance(joined, 1, 0).page == 1 and doc.provenance(joined, 120, 0).page == joined.pages[-1]
    # a different table after a page break: not joined, though its columns are the same
    assert separate.index == 1 and separate.pages == [] and separate.n_rows == 4


def test_borderless_table_found_and_prose_left_alone():
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, Spacer, Table

    body = ParagraphStyle("b", fontName=_nanum(), fontSize=10, leading=14)
    prose = ("스마트도시 인증은 도시의 스마트 서비스와 기반시설을 평가하여 우수한 도시를 인증하는 제도이다. "
             "신청 기관은 정량지표 평가제안서와 정성지표 자체평가표, 그리고 각 지표를 뒷받침하는 근거자료를 제출한다. ") * 4
    rows = [["구분", "2022년", "2023년", "2024년"]] + [[f"지표 {i}", str(100 + i), str(200 + i), str(300 + i)]
                                                    for i in range(1, 7)]
    borderless = Table(rows, colWidths=[120, 80, 80, 80])
    borderless.setStyle([("FONTNAME", (0, 0), (-1, -1), "Nanum")])
    story = [Paragraph(prose, body), Spacer(1, 12), borderless, Spacer(1, 12), Paragraph(prose, body)]
    doc = _pdf(_platypus_pdf(story))
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert table.grid() == rows and table.bbox
    assert sum("스마트도시 인증은" in b.text for b in doc.blocks) == 2  # the paragraphs stay text
    prose_only = _pdf(_platypus_pdf([Paragraph(prose * 3, body)]))
    assert not prose_only.tables


def test_prose_in_columns_is_not_a_table(corpus):
    """GAO report: prose beside a numbered sidebar; the Korean guides' pages without ruled tables."""
    with pdfplumber.open(corpus / "unstructured" / "pdf" / "invalid-pdf-structure-pdfminer-one-page.pdf") as pdf:
        assert not borderless_tables(pdf.pages[0])
    with pdfplumber.open(corpus / KHOSUNG / "dataset" / "file_8.pdf") as pdf:
        for number in (56, 83):  # code listings with ·-spaces, a vertical side tab
            assert not borderless_tables(pdf.pages[number - 1]), number


def test_sideways_table_is_read_upright(corpus):
    doc = extract("cw.pdf", (corpus / "camelot" / "clockwise_table_1.pdf").read_bytes())
    assert any(p.code == "note.pdf.sideways" and "sideways" in p.detail for p in doc.problems)
    table = max(doc.tables, key=lambda t: t.n_rows * t.n_cols)
    assert table.n_rows > table.n_cols and table.bbox
    x0, top, x1, bottom = table.bbox
    assert 0 <= x0 < x1 <= doc.pages[0].width and 0 <= top < bottom <= doc.pages[0].height


def test_embedded_image_becomes_a_png_figure():
    picture = Image.new("RGB", (300, 200))
    for x in range(300):
        for y in range(0, 200, 4):
            picture.putpixel((x, y), (x % 256, 80, 160))
    png, tiny = BytesIO(), BytesIO()
    picture.save(png, format="PNG")
    Image.new("RGB", (10, 10), (255, 0, 0)).save(tiny, format="PNG")

    def draw(c):
        from reportlab.lib.utils import ImageReader

        c.setFont("Nanum", 12)
        c.drawString(72, 800, "그림 1. 통합운영센터 구성도")
        c.drawImage(ImageReader(BytesIO(png.getvalue())), 100, 400, width=240, height=160)  # y from the bottom
        c.drawImage(ImageReader(BytesIO(tiny.getvalue())), 400, 700, width=10, height=10)  # a bullet: skipped

    data = _canvas_pdf(draw)
    doc = _pdf(data)
    assert len(doc.figures) == 1
    figure = doc.figures[0]
    assert figure.page == 1 and figure.name == "p001-fig01.png" and figure.media_type == "image/png"
    height = doc.pages[0].height
    assert figure.bbox == pytest.approx((100, height - 560, 340, height - 400), abs=1)
    assert figure.data == b""  # extraction records the box; the picture is rendered when asked for
    try:
        fill_figure_data(doc, data)
    finally:
        shutdown()
    image = Image.open(BytesIO(figure.data))
    assert image.format == "PNG" and image.size == pytest.approx((500, 333), abs=3)  # 240×160 pt at 150 dpi


def test_a_table_after_another_at_the_top_of_a_page_is_not_a_continuation():
    """A table that ends page 1 at its bottom, then page 2 opens with the next form's head (a table of its own)
    and that form's data table in the same columns: the data table is the next form's, not page 1's rows."""
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import PageBreak, Paragraph, Spacer, Table, TableStyle

    body = ParagraphStyle("b", fontName=_nanum(), fontSize=10, leading=14)
    roads = [["도로유형", "도로 길이(km)", "CCTV 수", "비율"]] + [[f"도로 {i}", f"{i}.5", str(i * 3), "0.5"] for i in range(1, 36)]
    full = Table(roads, colWidths=[60, 160, 120, 120], rowHeights=20)  # 36 rows of 20 pt: to page 1's bottom
    full.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("FONTNAME", (0, 0), (-1, -1), "Nanum")]))
    head = Table([["지표", "전체 교통사고 대비 센터 예방 및 처리 건수"]], colWidths=[100, 360])
    head.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("FONTNAME", (0, 0), (-1, -1), "Nanum")]))
    accidents = _ruled_table([["구분", "교통사고 수", "처리 수", "율"], ["2023", "789", "707", "0.90"], ["2024", "910", "617", "0.68"]])
    doc = _pdf(_platypus_pdf([Paragraph("교통 부문", body), full, PageBreak(), head, Spacer(1, 6), accidents]))
    assert [(t.page, t.n_rows) for t in doc.tables] == [(1, 36), (2, 1), (2, 3)]
    assert doc.tables[0].pages == [] and doc.tables[2].grid()[0][0] == "구분"
