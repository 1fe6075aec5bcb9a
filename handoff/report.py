"""The preliminary check report (예비검토 결과) per submission, as a Korean PDF and DOCX.

Both formats are written from one outline (`outline`): sections of paragraphs and tables,
so what the agency reads in the PDF and edits in the DOCX is the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from checks.catalogue import where_ko
from schemas import load_programme
from schemas.programme import CityProgramme
from schemas.vocabulary import CHANNEL_KO, OPEN_STATES, SEVERITIES, SEVERITY_KO, STATE_KO

KOREAN_FONT = "/usr/share/fonts/truetype/nanum/NanumGothic.ttf"


@dataclass
class Section:
    title: str
    paragraphs: list[str] = field(default_factory=list)
    table: list[list[str]] | None = None  # first row is the header


def _shown(value) -> str:
    if isinstance(value, bool):
        return "O" if value else "X"
    return "" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def decision(items: list[dict]) -> tuple[bool, str]:
    """(complete, wording): complete when no blocker is still open."""
    open_blockers = [i for i in items if i["severity"] == "blocker" and i.get("state", "open") in OPEN_STATES]
    if open_blockers:
        return False, f"보완 필요 — 보완 필수 항목 {len(open_blockers)}건이 해결되지 않았습니다."
    return True, "서류 완비 — 서면평가로 넘길 수 있습니다."


def outline(record: dict, items: list[dict], submission_id: int | str, version: int = 1) -> tuple[str, list[Section]]:
    programme = load_programme(record["programme"]) if record.get("programme") else None
    applicant = record.get("applicant", {})
    bundle = record.get("bundle", {})
    complete, verdict = decision(items)
    title = f"{programme.title if programme else '인증'} 예비검토 결과"
    sections = [Section("개요", table=[
        ["항목", "내용"],
        ["신청기관", applicant.get("name") or "미확인"],
        ["사업자(법인)등록번호", applicant.get("registration_no") or "미확인"],
        ["제출 번호", f"{submission_id} (제{version}판, 번들 {bundle.get('id', '')})"],
        ["접수 경로·시각", f"{CHANNEL_KO.get(bundle.get('channel'), '')} "
                        f"{bundle.get('received_at') or '시각 미기록'}"],
        ["판정", verdict],
    ])]
    files = bundle.get("files", [])
    if programme:
        rows = [["번호", "제출서류", "제출 여부", "파일"]]
        for required in programme.required_documents:
            names = [f["name"] for f in files if f.get("role") == required.role]
            mark = "○" if names else ("×" if required.required and required.condition == "always" else "-")
            rows.append([required.key, required.title, mark, ", ".join(names)])
        sections.append(Section("1. 제출서류", table=rows))
    if isinstance(programme, CityProgramme):
        indicators = record.get("indicators", {})
        reported = programme.reported_codes(record.get("selected_domains", []))
        missing = [c for c in reported if c not in indicators]
        sections.append(Section("2. 정량지표", paragraphs=[
            f"작성 대상 {len(reported)}개 중 {len(reported) - len(missing)}개를 확인했습니다"
            + (f". 누락: {', '.join(missing)}" if missing else "."),
            f"선택영역: {', '.join(record.get('selected_domains', [])) or '없음'}"]))
        qualitative = record.get("qualitative", {})
        sections.append(Section("3. 정성지표", paragraphs=[f"자체평가 단계가 기재된 세부 항목 {sum(1 for v in qualitative.values() if v.get('stage'))}개."]))
    elif programme is not None:
        service = record.get("service") or {}
        sections.append(Section("2. 신청 서비스", paragraphs=[
            f"신청 수준: {service.get('level') or '미확인'}, 신청 분야: {service.get('domain') or '미확인'}, "
            f"자체평가 점수 기재 항목 {len(service.get('self_scores', {}))}개"]))
    corrections = record.get("corrections") or []
    if corrections:
        rows = [["지표", "추출 값", "수정 값", "수정자", "메모"]] + [
            [c["indicator"] + (f" ({c['component']})" if c.get("component") else ""), _shown(c.get("original_value")),
             _shown(c.get("value")), c.get("corrected_by") or "", c.get("note") or ""] for c in corrections]
        sections.append(Section("검토자 수정 값", paragraphs=["심사에는 수정 값이 쓰이며, 추출 값은 함께 보관됩니다."], table=rows))
    open_items = sorted((i for i in items if i.get("state", "open") in OPEN_STATES),
                        key=lambda i: SEVERITIES.index(i["severity"]))
    rows = [["구분", "상태", "내용", "위치"]] + [
        [SEVERITY_KO[i["severity"]], STATE_KO.get(i.get("state", "open"), i.get("state", "")), i["message_ko"], where_ko(i.get("source"), unknown="")]
        for i in open_items]
    closed = len(items) - len(open_items)
    sections.append(Section("4. 검토 사항", paragraphs=[
        f"미처리 {len(open_items)}건 (보완 필수 {sum(i['severity'] == 'blocker' for i in open_items)}건), 처리 완료 {closed}건."],
        table=rows if open_items else None))
    sections.append(Section("5. 결정", paragraphs=[verdict, f"작성: {datetime.now():%Y-%m-%d %H:%M} (예비검토 자동 작성본)"]))
    return title, sections


def write_pdf(title: str, sections: list[Section], path: Path) -> Path:
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    if "Korean" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("Korean", KOREAN_FONT))
    body = ParagraphStyle("body", fontName="Korean", fontSize=9, leading=13, wordWrap="CJK")
    head = ParagraphStyle("head", parent=body, fontSize=12, leading=16, spaceBefore=8, spaceAfter=4)
    story = [Paragraph(escape(title), ParagraphStyle("title", parent=body, fontSize=16, leading=22, spaceAfter=10))]
    for section in sections:
        story.append(Paragraph(escape(section.title), head))
        story += [Paragraph(escape(p), body) for p in section.paragraphs]
        if section.table:
            rows = [[Paragraph(escape(str(c)), body) for c in row] for row in section.table]
            table = Table(rows, repeatRows=1)
            table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                                       ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef7")),
                                       ("VALIGN", (0, 0), (-1, -1), "TOP")]))
            story += [Spacer(1, 4), table]
    path.parent.mkdir(parents=True, exist_ok=True)
    SimpleDocTemplate(str(path), pagesize=A4, title=title, leftMargin=40, rightMargin=40, topMargin=40,
                      bottomMargin=40).build(story)
    return path


def write_docx(title: str, sections: list[Section], path: Path) -> Path:
    import docx
    from docx.oxml.ns import qn

    document = docx.Document()
    style = document.styles["Normal"]
    style.font.name = "NanumGothic"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "NanumGothic")  # Hangul needs the East Asian font slot
    document.add_heading(title, level=0)
    for section in sections:
        document.add_heading(section.title, level=1)
        for text in section.paragraphs:
            document.add_paragraph(text)
        if section.table:
            table = document.add_table(rows=len(section.table), cols=len(section.table[0]))
            table.style = "Table Grid"
            for r, row in enumerate(section.table):
                for c, text in enumerate(row):
                    table.cell(r, c).text = str(text)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(path)
    return path


def write_report(record: dict, items: list[dict], submission_id, out_dir: Path, version: int = 1) -> tuple[Path, Path]:
    title, sections = outline(record, items, submission_id, version)
    stem = f"예비검토_{submission_id}"
    return write_pdf(title, sections, out_dir / f"{stem}.pdf"), write_docx(title, sections, out_dir / f"{stem}.docx")
