"""The committee's 예비검토 report, read back: every indicator code, "n / N" on every page, A4 in both
formats, columns that keep words whole, the preliminary score placed in its size class."""

from __future__ import annotations

import os
import re
from pathlib import Path

import docx
import pdfplumber
import pytest

from handoff.export import export_record
from handoff.layout import Section
from handoff.render_pdf import write_pdf
from handoff.report import write_report
from schemas import load_programme
from tests.handoff_cohort import build_cohort

A4_POINTS = (595.3, 841.9)


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    return build_cohort(tmp_path_factory.mktemp("report"))


def _pages(pdf) -> list[str]:
    with pdfplumber.open(pdf) as doc:
        for page in doc.pages:
            assert (round(page.width, 1), round(page.height, 1)) == A4_POINTS
        return [page.extract_text() or "" for page in doc.pages]


@pytest.mark.parametrize("applicant", ["한빛시", "푸른군", "(주)도시이음모빌리티"])
def test_report_lists_every_indicator_and_numbers_every_page(cohort, tmp_path, applicant):
    url, ids, _ = cohort
    record = export_record(ids[applicant], url)
    pdf, docx_path = write_report(record, tmp_path, url)
    pages = _pages(pdf)
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert re.search(rf"^{number} / {len(pages)}$", text, re.MULTILINE), f"page {number} has no '{number} / {len(pages)}'"
    text = "\n".join(pages)
    assert "국토" in pages[0] and "운영기관" in pages[0] and applicant in pages[0] and "제1판" in pages[0]
    codes = set(re.findall(r"(?<![\w-])[A-C]-\d+-\d+(?![\w-])", text))
    assert set(record["indicators"]) <= codes, sorted(set(record["indicators"]) - codes)
    assert "(KST)" in text and not re.search(r"\d{4}-\d\d-\d\dT\d", text)  # 접수 시각 formatted, not ISO
    document = docx.Document(str(docx_path))
    for section in document.sections:
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
        footer = section.footer._element.xml
        assert "PAGE" in footer and "NUMPAGES" in footer
    docx_text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert set(record["indicators"]) <= set(re.findall(r"[A-C]-\d+-\d+", docx_text))
    if os.environ.get("INTAKE_REPORT_SCREENSHOT") and applicant == "한빛시":
        _first_page_png(pdf, Path(os.environ["INTAKE_REPORT_SCREENSHOT"]))


def _first_page_png(pdf: Path, target: Path) -> None:
    """The report's first page as a small PNG for the README (pypdfium2, 256 colours)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        image = document[0].render(scale=1.25).to_pil()
    finally:
        document.close()
    target.parent.mkdir(parents=True, exist_ok=True)
    image.convert("P", palette=1, colors=64).save(target, optimize=True)


def test_city_report_has_values_units_stages_and_size_class_place(cohort, tmp_path):
    url, ids, _ = cohort
    record = export_record(ids["한빛시"], url)
    text = "\n".join(_pages(write_report(record, tmp_path, url)[0]))
    programme = load_programme(record["programme"])
    entry = record["indicators"]["A-2-1"]
    assert re.search(rf"A-2-1 .*{re.escape(programme.indicator('A-2-1').name.split()[0])}", text)
    assert f"{entry['value']:,.4g}" in text and (entry.get("unit") or programme.indicator("A-2-1").unit) in text
    for area in programme.qualitative_areas:
        assert f"{area.key} {area.name}" in text
    large = sum(1 for sid in ids.values() if export_record(sid, url).get("applicant", {}).get("city_size") == "large")
    assert large == 2 and re.search(rf"같은 규모\(대도시\) 제출 {large}건 중 [12]위", text)
    assert "예비 등급" in text and f"인증 기준({programme.certification_threshold:,}점)" in text


def test_table_columns_keep_long_words_whole(tmp_path):
    """A long Latin word beside long Korean text keeps its column wide enough not to be broken."""
    long_korean = "보완 요구 사항을 길게 적은 문장입니다. " * 8
    rows = [["구분", "내용", "파일"], ["보완 필수", long_korean, "PdfminerExceptionWasRaisedHere.pdf"],
            ["참고", "짧은 내용", "근거자료_스캔본_최종_수정본_2025.pdf"]]
    pdf = write_pdf("표 시험", [Section("표", table=rows)], tmp_path / "t.pdf")
    with pdfplumber.open(pdf) as doc:
        words = {w["text"] for page in doc.pages for w in page.extract_words()}
    assert "PdfminerExceptionWasRaisedHere.pdf" in words and "근거자료_스캔본_최종_수정본_2025.pdf" in words


def test_delivery_shown_as_the_clerk_entered_it(cohort, tmp_path):
    """A USB zip handed in at the web desk as 우편 is reported as 우편, not as USB."""
    from sqlalchemy.orm import Session

    from review_queue.database import engine_for
    from review_queue.web_tables import WebUpload

    url, ids, paths = cohort
    record = export_record(ids["푸른군"], url)
    before = "\n".join(_pages(write_report(record, tmp_path / "before", url)[0]))
    assert "USB" in before
    with Session(engine_for(url)) as session, session.begin():
        session.add(WebUpload(created_by="clerk", delivery="post", received_at=None, entry=str(paths[2]),
                              file_names=[paths[2].name], bundle_id=record["bundle"]["id"], state="done"))
    after = "\n".join(_pages(write_report(record, tmp_path / "after", url)[0]))
    assert re.search(r"접수 경로 우편", after) and "USB" not in after
