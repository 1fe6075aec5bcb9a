"""HWP 5 (hangulang) and HWPX (OWPML) extraction on the shared corpus, against the expectations shipped with it.

Expected structures come from outside this project: pyhwp's ``index.xhtml`` renderings (rowspan/colspan),
the ``PrvText`` previews Hancom writes into every HWP/HWPX (table cells as ``<text>``), and hwpxlib's
TextExtractor expectations (``expected_text.json``).
"""

from __future__ import annotations

import io
import json
import random
import re
import shutil
import xml.etree.ElementTree as ET
import zipfile

import olefile
import pytest

from checks import document_findings
from extractors import registry
from extractors.hwp import extract_hwp
from extractors.hwpx import extract_hwpx
from extractors.model import Document
from extractors.sniff import HWP, HWPX

XH = "{http://www.w3.org/1999/xhtml}"
DRM_FILE = "hwplib/test/error4/02/010000000000141860.hwp"  # MarkAny DocumentSafer
TRUNCATED_HWP = "hwplib/test/error4/08/000000000000575003.hwp"  # BodyText/Section0 cut off in the repository
GANGBUK_RFP = "hwpxlib/error/20230728/test.hwpx"  # 강북구청 『제2회 가을밤의 음악축제』 행사대행 용역 제안요청서
HWPX_AS_HWP = "hwplib/test/야생동물 종합관리 시스템 고도화(2023년)_제안요청서.hwp"


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


PASSWORD_KO = "암호가 걸린 {kind} 파일이라 열 수 없습니다. 암호를 해제한 파일로 다시 요청하십시오"
DRM_KO = "DRM으로 보호된 파일이라 열 수 없습니다. DRM을 해제한 파일로 다시 요청하십시오"
LOCKED_HWPX_KO = ("암호가 걸렸거나 배포용으로 저장된 HWPX 파일이라 내용을 열 수 없습니다. 암호를 해제하거나 일반 문서로 "
                  "다시 저장한 파일로 요청하십시오")
DISTRIBUTION_KO = "배포용 문서(읽기 전용으로 배포된 HWP)라 내용을 추출할 수 없습니다. 일반 HWP 또는 HWPX 문서로 다시 요청하십시오"
CORRUPT_KO = "파일이 손상되었거나 잘려 있어 열 수 없습니다"


def _unreadable(doc: Document) -> tuple[str, str]:
    """The fatal problem's reason code, and the Korean reason the clerk reads (checks.document_findings)."""
    assert not doc.readable
    found = [f for f in document_findings(doc) if f.rule == "document.unreadable"]
    assert len(found) == 1
    return next(p.code for p in doc.problems if p.fatal), found[0].params["reason"]


def _hwp(corpus, rel: str) -> Document:
    return extract_hwp(Document(file=rel, sha256="x", media_type=HWP), (corpus / rel).read_bytes())


def _hwpx(corpus, rel: str) -> Document:
    return extract_hwpx(Document(file=rel, sha256="x", media_type=HWPX), (corpus / rel).read_bytes())


def _html_tables(path) -> list[list[tuple]]:
    """Tables of a pyhwp index.xhtml in document order: (row, col, text, rowspan, colspan) per <td>/<th>."""
    tables = []
    for table in ET.parse(path).getroot().iter(XH + "table"):
        cells, taken = [], set()
        for r, tr in enumerate(tr for tr in table if tr.tag == XH + "tr"):
            c = 0
            for td in (td for td in tr if td.tag in (XH + "td", XH + "th")):
                while (r, c) in taken:
                    c += 1
                rs, cs = int(td.get("rowspan", 1)), int(td.get("colspan", 1))
                taken.update((r + i, c + j) for i in range(rs) for j in range(cs))
                cells.append((r, c, _norm(_text_outside_tables(td)), rs, cs))
                c += cs
        tables.append(cells)
    return tables


def _text_outside_tables(el) -> str:
    """A cell's text without the text of tables nested in it (those are separate tables)."""
    parts = [el.text or ""]
    for node in el:
        parts.append("" if node.tag == XH + "table" else _text_outside_tables(node))
        parts.append(node.tail or "")
    return "".join(parts)


def _matched(expected: list[tuple], table) -> list[tuple]:
    ours = {(c.row, c.col): (_norm(c.text), c.row_span, c.col_span) for c in table.cells}
    return [e for e in expected if ours.get((e[0], e[1])) == (e[2], e[3], e[4])]


def _preview_cells(text: str) -> list[str]:
    """Table cells of a PrvText preview; the preview is cut at about 1 KB, so its last cell is dropped."""
    return [c for c in (_norm(x) for x in re.findall(r"<([^<>]*)>", text)[:-1]) if c]


def test_pyhwp_fixture_tables_match_expected_html_spans(corpus):
    total = matched = merged_total = merged_matched = 0
    for expected_path in sorted((corpus / "pyhwp").glob("*.html.d/index.xhtml")):
        expected = _html_tables(expected_path)
        if not expected:
            continue
        doc = _hwp(corpus, f"pyhwp/{expected_path.parent.name[:-len('.html.d')]}.hwp")
        assert doc.readable and len(doc.tables) == len(expected), expected_path.parent.name
        for want, table in zip(expected, doc.tables):  # same document order, nested tables included
            hits = _matched(want, table)
            total, matched = total + len(want), matched + len(hits)
            merged_total += sum(1 for e in want if e[3] > 1 or e[4] > 1)
            merged_matched += sum(1 for e in hits if e[3] > 1 or e[4] > 1)
            assert table.method == "hwp" and table.page and table.page >= 1
    print(f"\npyhwp fixtures: {matched}/{total} expected cells matched ({matched / total:.1%}); "
          f"merged cells {merged_matched}/{merged_total}")
    assert total >= 80 and merged_total >= 2
    assert matched / total >= 0.97
    assert merged_matched == merged_total


def test_hwplib_tables_contain_the_cells_of_hancoms_preview(corpus):
    found = expected = files = 0
    for path in sorted((corpus / "hwplib").rglob("*.hwp")):
        rel = str(path.relative_to(corpus))
        if rel in (DRM_FILE, TRUNCATED_HWP) or not path.read_bytes().startswith(b"\xd0\xcf\x11\xe0"):
            continue
        with olefile.OleFileIO(str(path)) as ole:
            preview = ole.openstream("PrvText").read() if ole.exists("PrvText") else b""
        cells = _preview_cells(preview.decode("utf-16-le", "replace"))
        doc = _hwp(corpus, rel)
        if not doc.readable or not cells:
            continue
        ours = {_norm(c.text) for t in doc.tables for c in t.cells}
        found, expected, files = found + sum(c in ours for c in cells), expected + len(cells), files + 1
    print(f"\nhwplib HWP previews: {found}/{expected} preview cells found in our tables ({found / expected:.1%}, {files} files)")
    assert files >= 15 and found / expected >= 0.95


def test_hwpx_tables_contain_the_cells_of_hancoms_preview(corpus):
    found = expected = 0
    for path in sorted((corpus / "hwpxlib").rglob("*.hwpx")) + [corpus / HWPX_AS_HWP]:
        with zipfile.ZipFile(path) as zf:
            if "Preview/PrvText.txt" not in zf.namelist():
                continue
            cells = _preview_cells(zf.read("Preview/PrvText.txt").decode("utf-8", "replace"))
        doc = _hwpx(corpus, str(path.relative_to(corpus)))
        ours = {_norm(c.text) for t in doc.tables for c in t.cells}
        found, expected = found + sum(c in ours for c in cells), expected + len(cells)
    print(f"\nHWPX previews: {found}/{expected} preview cells found in our tables ({found / expected:.1%})")
    assert expected >= 150 and found / expected >= 0.95


def _expected_cases(corpus) -> list[dict]:
    return json.loads((corpus / "hwpxlib/tool/textextractor/expected_text.json").read_text(encoding="utf-8"))["cases"]


@pytest.mark.parametrize("index", range(7))
def test_hwpx_text_matches_hwpxlib_text_extractor(corpus, index):
    """Append mode: equal once hwpxlib's marks are put in our convention (a control's text starts a new
    line, table cells are tab-separated). Insert mode puts control text inside the paragraph instead, so
    there every piece between two marks must appear in our text."""
    case = _expected_cases(corpus)[index]
    ours = _hwpx(corpus, f"hwpxlib/{case['hwpx']}").full_text()
    marks, expected = case["text_marks"], case["expected_text"]
    starts = [marks[k] for k in marks if k.endswith("StartAnd")]
    ends = [marks[k] for k in marks if k.endswith("EndAnd")]
    if case["extract_method"] == "AppendControlTextAfterParagraphText":
        if "tableStartAnd" in marks:
            expected = re.sub(re.escape(marks["tableStartAnd"]) + "(.*?)" + re.escape(marks["tableEndAnd"]),
                              lambda m: "\n" + m.group(1).replace(marks["tableCellSeparatorAnd"], "\t"),
                              expected, flags=re.S)
        for mark in sorted(starts, key=len, reverse=True):
            expected = expected.replace(mark, "" if "필드" in mark else "\n")
        for mark in sorted(ends, key=len, reverse=True):
            expected = expected.replace(mark, "")
        assert ours == expected
    else:
        pieces = re.split("|".join(re.escape(m) for m in starts + ends), expected)
        assert [p for p in pieces if _norm(p) and _norm(p) not in _norm(ours)] == []


def test_gangbuk_rfp_tables_and_cells(corpus):
    doc = _hwpx(corpus, GANGBUK_RFP)
    assert doc.readable and len(doc.tables) == 44 and len(doc.pages) == 3
    assert all(t.method == "hwpx" for t in doc.tables) and [t.index for t in doc.tables] == list(range(44))
    assert doc.tables[1].cells[0].text == "강 북 구 청\n(문화관광체육과)"
    schedule = doc.tables[5].grid()
    assert schedule[0] == ["구   분", "시   간", "비 고"]
    assert schedule[1] == ["문화 행사", "15:00 ~ 17:30", "소규모 문화행사(공연 제외)"]
    budget = doc.tables[20]
    assert (budget.cell_at(0, 1).text, budget.cell_at(0, 1).col_span) == ("구  분", 2)
    promo = budget.cell_at(4, 0)
    assert (promo.text, promo.row, promo.row_span) == ("홍보", 4, 5)
    assert "『제2회 가을밤의 음악축제』" in doc.full_text() and doc.figures and doc.figures[0].data


def test_hwpx_numbering_heads_and_outline_levels(corpus):
    doc = _hwpx(corpus, "hwpxlib/tool/textextractor/ParaHead.hwpx")
    texts = [b.text for b in doc.blocks]
    assert "4.1.2.1. 번호-4-1-2-1" in texts and "가. 개요1-1" in texts and "1) 개요2-1-1" in texts
    assert {b.text: b.heading_level for b in doc.blocks}["나. 개요1-2"] == 2


def test_hwpx_saved_as_hwp_and_pictures(corpus):
    doc = _hwp(corpus, HWPX_AS_HWP)
    assert doc.readable and len(doc.tables) == 152 and doc.tables[0].method == "hwpx"
    picture = _hwpx(corpus, "hwpxlib/reader_writer/SimplePicture.hwpx").figures
    assert [(f.name, f.media_type, f.data[:2]) for f in picture] == [("fig01.jpg", "image/jpeg", b"\xff\xd8")]
    pngs = _hwp(corpus, "hwplib/sample_hwp/basic/그림.hwp").figures
    assert len(pngs) == 4 and pngs[0].name == "fig01.png" and pngs[0].data.startswith(b"\x89PNG")


def test_hwp_pages_follow_the_layout(corpus):
    doc = _hwp(corpus, "hwplib/test/error4/05/000000000000168034.hwp")
    assert len(doc.pages) > 10 and all(p.method == "hwp" for p in doc.pages)
    pages = [t.page for t in doc.tables]
    assert pages == sorted(pages) and pages[-1] > 1
    assert "[ 세 목 ] 법인 [ 결정유형 ] 불채택" in _norm(doc.pages[0].text)  # U+2007 fixed-width spaces kept


@pytest.mark.parametrize(("rel", "code", "reason"), [
    ("pyhwp/password-12345.hwp", "unreadable.encrypted_hancom", PASSWORD_KO.format(kind="HWP")),
    (DRM_FILE, "unreadable.drm", DRM_KO),
    ("hwplib/sample_hwp/distribution.hwp", "unreadable.distribution", DISTRIBUTION_KO),
    ("pyhwp/viewtext.hwp", "unreadable.distribution", DISTRIBUTION_KO),
])
def test_protected_hwp_is_unreadable_with_the_reason(corpus, rel, code, reason):
    doc = _hwp(corpus, rel)
    assert _unreadable(doc) == (code, reason) and not doc.tables and not doc.blocks


def test_drm_flag_in_the_file_header_and_drm_wrapped_hwpx(corpus, tmp_path):
    copy = tmp_path / "drm.hwp"  # a temporary copy, outside the repository
    shutil.copyfile(corpus / "pyhwp/table.hwp", copy)
    with olefile.OleFileIO(str(copy), write_mode=True) as ole:
        header = bytearray(ole.openstream("FileHeader").read())
        header[36] |= 1 << 4  # FileHeader properties: DRM-secured document
        ole.write_stream("FileHeader", bytes(header))
    doc = extract_hwp(Document(file="drm.hwp", sha256="x", media_type=HWP), copy.read_bytes())
    assert _unreadable(doc) == ("unreadable.drm", DRM_KO)
    assert _unreadable(_hwpx(corpus, DRM_FILE)) == ("unreadable.drm", DRM_KO)


def _rezip(corpus, rel: str, replace: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(corpus / rel) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, replace.get(info.filename, src.read(info.filename)))
    return out.getvalue()


def _locked_hwpx(corpus, rel: str) -> bytes:
    """``rel`` saved as Hancom saves a password or distribution (배포용) HWPX: every content part replaced by cipher
    bytes, and a manifest entry per part with ODF encryption data (AES-256-CBC, PBKDF2, SHA-256 start key)."""
    with zipfile.ZipFile(corpus / rel) as src:
        parts = [n for n in src.namelist()
                 if n.startswith(("Contents/", "BinData/", "Preview/")) or n == "settings.xml"]
    ns = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
    entries = "".join(
        f'<odf:file-entry odf:full-path="{name}" odf:media-type="application/xml" odf:size="1024">'
        f'<odf:encryption-data odf:checksum-type="{ns}#sha256-1k" odf:checksum="AAAA">'
        '<odf:algorithm odf:algorithm-name="http://www.w3.org/2001/04/xmlenc#aes256-cbc" '
        'odf:initialisation-vector="AAAA"/>'
        f'<odf:key-derivation odf:key-derivation-name="{ns}#pbkdf2" odf:key-size="32" odf:iteration-count="1024" '
        'odf:salt="AAAA"/><odf:start-key-generation '
        'odf:start-key-generation-name="http://www.w3.org/2000/09/xmldsig#sha256" odf:key-size="32"/>'
        '</odf:encryption-data></odf:file-entry>' for name in parts)
    noise = random.Random(rel)
    replace = {name: bytes(noise.randrange(256) for _ in range(1024)) for name in parts}
    replace["META-INF/manifest.xml"] = f'<odf:manifest xmlns:odf="{ns}">{entries}</odf:manifest>'.encode()
    return _rezip(corpus, rel, replace)


def test_password_or_distribution_hwpx_and_zip_bomb_are_refused(corpus):
    for rel in ("hwpxlib/tool/textextractor/Table.hwpx", GANGBUK_RFP):
        doc = registry.extract("locked.hwpx", _locked_hwpx(corpus, rel))
        assert doc.media_type == HWPX and _unreadable(doc) == ("unreadable.locked_hwpx", LOCKED_HWPX_KO), rel
        assert not doc.pages and not doc.tables
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("mimetype", "application/hwp+zip")
        with zf.open("Contents/section0.xml", "w") as part:
            for _ in range(40):
                part.write(b"\0" * 1024**2)
    doc = extract_hwpx(Document(file="bomb.hwpx", sha256="x", media_type=HWPX), bomb.getvalue())
    assert _unreadable(doc) == ("unreadable.bomb", "압축을 풀면 크기가 비정상적으로 커지는 파일이라(압축 폭탄 의심) 열지 않았습니다")
    assert not doc.pages


def test_corrupt_hwp_and_hwpx_become_unreadable_through_the_registry(corpus):
    half = (corpus / "hwplib/test/error4/05/000000000000168034.hwp").read_bytes()
    cases = [("cut.hwp", half[: len(half) // 2], HWP), ("repo.hwp", (corpus / TRUNCATED_HWP).read_bytes(), HWP),
             ("bad.hwpx", _rezip(corpus, GANGBUK_RFP, {"Contents/section1.xml": b"<hs:sec><hp:p>"}), HWPX)]
    for name, data, media_type in cases:
        doc = registry.extract(name, data)
        code, reason = _unreadable(doc)
        error = next(p.params["error"] for p in doc.problems if p.fatal)  # kept for the operator, not shown
        assert doc.media_type == media_type and (code, reason) == ("unreadable.corrupt", CORRUPT_KO), name
        assert error and error not in reason
    with pytest.raises(Exception):  # a cut zip: a plain exception (registry.extract turns it into a reason)
        extract_hwpx(Document(file="x.hwpx", sha256="x", media_type=HWPX), (corpus / GANGBUK_RFP).read_bytes()[:60_000])


def test_parser_panic_becomes_a_plain_exception(corpus):
    """hangulang's Rust panics arrive as pyo3's PanicException, a BaseException that `except Exception` misses."""
    data = bytearray((corpus / "pyhwp/charshape.hwp").read_bytes())
    data[9409] = 184  # found by fuzzing: a record length that runs past its stream
    with pytest.raises(RuntimeError, match="panicked"):
        extract_hwp(Document(file="x.hwp", sha256="x", media_type=HWP), bytes(data))
    for cut in range(1000, len(data), 1500):  # truncations: a document or a plain exception, nothing else
        try:
            extract_hwp(Document(file="x.hwp", sha256="x", media_type=HWP), bytes(data[:cut]))
        except Exception:
            pass



def test_duplicate_directory_name_is_refused_before_the_parser_allocates(corpus):
    """Found by fuzzing: a stream renamed to a sibling's name made hangulang's lenient CFB retry ask for 3.3 GB."""
    data = (corpus / "hwplib/sample_hwp/merging-cell.hwp").read_bytes()
    twin = data.replace("PrvText".encode("utf-16-le"), "DocInfo".encode("utf-16-le"), 1)
    assert twin != data
    doc = registry.extract("twin.hwp", twin)
    assert _unreadable(doc) == ("unreadable.corrupt", CORRUPT_KO)


def test_a_cell_address_beyond_any_grid_is_skipped_not_allocated(corpus):
    """Found by fuzzing: a damaged cell address of 2³¹ made the grid itself exhaust memory."""
    import hangulang

    from extractors.hwp_parts import owpml
    from extractors.hwp_parts.payload import PayloadMapper

    data = (corpus / "hwplib/sample_hwp/merging-cell.hwp").read_bytes()
    payload = hangulang.convert_to_payload(data, include_locations=True)
    table = next(b["table"] for b in payload["sections"][0]["blocks"] if "table" in b)
    table["cells"][0]["row"], table["cells"][1]["col_span"] = 2**31, 2**31
    doc = PayloadMapper(Document(file="far.hwp", sha256="x", media_type=HWP)).fill(payload)
    first = doc.tables[0]
    assert first.n_rows <= owpml.MAX_ROW and first.n_cols <= owpml.MAX_COL
    assert len(first.cells) == len(table["cells"]) - 1
    assert [p.code for p in doc.problems] == ["note.hwp.cells_out_of_range"]

# --- drawn forms written as HWPX and HWP 5 (python-hwpx), read into the one table model ----------------

def _drawn_forms() -> list[tuple[str, object]]:
    """Forms the generator draws (a city proposal with data tables nested in its form cells and merged
    grouping cells, a service proposal, an application, a self-assessment), as FlowDocuments."""
    import random

    from samples.draw import draw_plan
    from samples.draw.documents import build
    from schemas import load_programme

    nested = next(s for s in range(4400, 4600) if draw_plan(s, programme="city-2025", defect=None).variants["nested"]
                  and draw_plan(s, programme="city-2025", defect=None).variants["group_cells"] == "merge")
    picks = [(nested, "city-2025", "quantitative_proposal"), (4401, "city-2025", "application"),
             (4402, "city-2025", "qualitative_self_assessment"), (4403, "service-2023", "service_proposal"),
             (4404, "service-2023", "self_evaluation")]
    forms = []
    for seed, programme, slot in picks:
        plan = draw_plan(seed, programme=programme, defect=None)
        forms.append((f"{seed}-{slot}", build(random.Random(seed), plan, load_programme(programme), slot), plan.sent_at))
    return forms


def _squash(text: str) -> str:
    """Without whitespace: python-docx writes a cell's line break as <w:br/>, which DOCX reading drops."""
    return re.sub(r"\s+", "", text or "")


def _cells(doc: Document) -> list[list[tuple]]:
    return [sorted((c.row, c.col, c.row_span, c.col_span, _squash(c.text)) for c in t.cells) for t in doc.tables]


def test_drawn_forms_read_from_hwpx_and_hwp_exactly_as_from_docx():
    """The same form written as DOCX, HWPX and HWP 5 gives the same tables: every cell's text and span at
    its place, nested tables right after their parent, the generator's own grids as the reference."""
    from samples.draw.render_hancom import to_hwp, to_hwpx
    from samples.draw.render_office import to_docx

    spans = nested = 0
    for name, form, when in _drawn_forms():
        docs = {fmt: registry.extract(f"{name}.{fmt}", write(form, when))
                for fmt, write in (("docx", to_docx), ("hwpx", to_hwpx), ("hwp", to_hwp))}
        assert all(d.readable for d in docs.values()), name
        assert docs["hwpx"].media_type == HWPX and docs["hwp"].media_type == HWP
        assert {t.method for t in docs["hwpx"].tables} == {"hwpx"} and {t.method for t in docs["hwp"].tables} == {"hwp"}
        reference = []
        for grid in form.grids():
            covered = {(r, c) for r0, c0, r1, c1 in grid.merges for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)
                       if (r, c) != (r0, c0)}
            span = {(r0, c0): (r1 - r0 + 1, c1 - c0 + 1) for r0, c0, r1, c1 in grid.merges}
            reference.append(sorted((r, c, *span.get((r, c), (1, 1)), _squash(text)) for r, row in enumerate(grid.rows)
                                    for c, text in enumerate(row) if (r, c) not in covered))
            spans += len(grid.merges)
            nested += len(grid.nested)
        assert _cells(docs["hwpx"]) == reference, name
        assert _cells(docs["hwp"]) == reference, name
        assert _cells(docs["docx"]) == reference, name
        hwp_pages = [t.page for t in docs["hwp"].tables]
        assert hwp_pages == sorted(hwp_pages) and hwp_pages[0] >= 1  # layout pages, in reading order
    assert spans >= 10 and nested >= 1  # the forms above really have merged and nested cells


def test_hwp3_is_unreadable_with_its_reason_and_hwp5_reads_like_hwpx(corpus):
    """dangerzone's one sample document saved by Hancom as HWP 97 (3.0), HWP 5 and HWPX."""
    old = registry.extract("sample-hwp97.hwp", (corpus / "dangerzone/sample-hwp97.hwp").read_bytes())
    assert old.media_type == HWP
    assert _unreadable(old) == ("unreadable.hwp3", "한글 97 이전(HWP 3.0) 형식이라 읽을 수 없습니다. "
                                                 "HWP 5 또는 HWPX로 다시 저장해 요청하십시오")
    hwp = registry.extract("sample-hwp.hwp", (corpus / "dangerzone/sample-hwp.hwp").read_bytes())
    hwpx = registry.extract("sample-hwpx.hwpx", (corpus / "dangerzone/sample-hwpx.hwpx").read_bytes())
    assert hwp.readable and hwpx.readable

    def words(doc):
        return re.findall(r"\w+", doc.full_text())

    import difflib

    similarity = difflib.SequenceMatcher(None, words(hwp), words(hwpx), autojunk=False).ratio()
    assert len(words(hwp)) > 500 and similarity >= 0.98, similarity
