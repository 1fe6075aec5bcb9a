"""Reading marks, boxes and stages the way real submissions write them, on generated DOCX and PDF files.

Each document is built here (python-docx, reportlab with NanumGothic), extracted by the real extractors and
mapped by the real mapping: yes/no marks of the 요약표 (O X, ○ ×, 있음 없음, 예 아니오, 해당 해당없음, Y N, ✓),
the 신청 유형 boxes of the application (■ □, ☑ ☐, [V] [ ], [■] [ ], ● ○, after the word, in cells of their
own, none ticked), the stages of the 정성지표 자체평가표 (name, number, both, a column per stage with each
mark style, one table for all areas), and one finding for a part that cannot be read.
"""

from __future__ import annotations

from collections import Counter
from io import BytesIO
from pathlib import Path

import pytest

from checks import run_checks
from extractors.registry import extract
from mapping.application import checked_option
from mapping.submission import map_bundle
from schemas import load_programme
from schemas.submission import Bundle

NANUM = Path("/usr/share/fonts/truetype/nanum/NanumGothic.ttf")
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")  # NanumGothic has no ☑ ☐ ✓ glyphs
CITY = load_programme("city-2025")
SERVICE = load_programme("service-2023")

APPLICATION_TITLE = "스마트도시 인증 신청서"
PROPOSAL_TITLE = "2025년 스마트도시 인증 정량지표 평가제안서"
SELF_ASSESSMENT_TITLE = "2025년 스마트도시 인증 정성지표 자체평가표"

# Sub-areas of areas A1, A2 with the stage each test writes (the city chose no optional domain here).
STAGES = {"A1.1": 3, "A2.1": 2, "A2.2": 5, "A2.3": 1, "B1.1": 4}
NAMES = {s.key: s.name for a in CITY.qualitative_areas for s in a.sub_areas}
STAGE_NAMES = {s.number: s.name for s in CITY.stages}


# ---- building real documents -------------------------------------------------------------------------------

def docx_bytes(title: str, tables: list[list[list[str]]], paragraphs: tuple[str, ...] = ()) -> bytes:
    from docx import Document as Docx

    doc = Docx()
    doc.add_heading(title, level=1)
    for text in paragraphs:
        doc.add_paragraph(text)
    for rows in tables:
        table = doc.add_table(rows=len(rows), cols=max(len(r) for r in rows))
        table.style = "Table Grid"
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                table.cell(r, c).text = text
        doc.add_paragraph("")
    buf = BytesIO()
    doc.save(buf)
    return buf.getvalue()


def pdf_bytes(title: str, tables: list[list[list[str]]]) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    for name, path in (("Nanum", NANUM), ("DejaVu", DEJAVU)):  # other test modules may have registered one
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(path)))
    nanum = TTFont("probe", str(NANUM)).face.charToGlyph

    def marked_up(text: str) -> str:  # a character NanumGothic lacks, in DejaVu Sans
        text = text.replace("&", "&amp;").replace("<", "&lt;")
        return "".join(ch if ord(ch) in nanum or ch.isspace() else f'<font name="DejaVu">{ch}</font>' for ch in text)

    body = ParagraphStyle("body", fontName="Nanum", fontSize=9, leading=12, wordWrap="CJK")
    story = [Paragraph(title, ParagraphStyle("title", parent=body, fontSize=14, leading=18))]
    for rows in tables:
        story.append(Spacer(1, 8))
        grid = Table([[Paragraph(marked_up(text), body) for text in row] for row in rows])
        grid.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                                  ("FONTNAME", (0, 0), (-1, -1), "Nanum")]))
        story.append(grid)
    buf = BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, invariant=1).build(story)
    return buf.getvalue()


def render(kind: str, name: str, title: str, tables: list[list[list[str]]]):
    data = docx_bytes(title, tables) if kind == "docx" else pdf_bytes(title, tables)
    doc = extract(f"{name}.{kind}", data)
    assert doc.readable and doc.tables, f"{name}.{kind} was not extracted with tables"
    return doc


def application(size_cells: list[str], kind: str = "docx"):
    rows = [["인증 신청 기관", "기관명", "가온시", "사업자(법인)등록번호", "134-83-00118"],
            ["", "대표자", "김가온", "전화번호", "031-123-4567"],
            ["", "신청 유형", *size_cells]]
    width = max(len(r) for r in rows)
    return render(kind, "신청서", APPLICATION_TITLE, [[r + [""] * (width - len(r)) for r in rows]])


def mapped(*docs):
    return map_bundle(Bundle(id="t", channel="email"), list(docs))


def findings(m) -> Counter:
    return Counter((f.rule, f.indicator) for f in run_checks(m))


# ---- yes/no marks in the 요약표 -------------------------------------------------------------------------------

YES_NO = {  # code -> (yes template, no template): the seed's `O/X` written each way a city writes it
    "B-2-1": "계획 수립 {y} (승인 {n})",
    "B-2-2": "관련 조례 {y}",
    "B-2-3": "지침 {n}, 계획 {y}",
    "C-1-6": "안내서비스 도입 {y}",
    "C-2-5": "시스템 도입 {n}",
}
EXPECTED_YES_NO = {"B-2-1": True, "B-2-2": True, "B-2-3": True, "C-1-6": True, "C-2-5": False}


@pytest.mark.parametrize(("yes", "no"), [("O", "X"), ("○", "×"), ("있음", "없음"), ("예", "아니오"),
                                         ("해당", "해당없음"), ("Y", "N"), ("✓", "-"), ("■ 있음 □ 없음", "□ 있음 ■ 없음")],
                         ids=["OX", "circle-cross", "있음-없음", "예-아니오", "해당-해당없음", "YN", "check", "boxes"])
@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_yes_no_marks_in_the_summary(yes, no, kind):
    rows = [["구분", "지표", "지표명", "작성 지표 요약", "증빙 페이지"]]
    for code, template in YES_NO.items():
        indicator = CITY.indicator(code)
        rows.append([indicator.subcategory, code, indicator.name, template.format(y=yes, n=no), "3"])
    proposal = render(kind, "정량지표 평가제안서", PROPOSAL_TITLE, [rows])
    m = mapped(proposal)
    got = {code: m.submission.indicators[code].value for code in YES_NO if code in m.submission.indicators}
    assert got == EXPECTED_YES_NO
    assert not [f for f in run_checks(m) if f.rule == "indicator.value_unparseable"]


def test_yes_no_words_are_data():
    """The words come from schemas/vocabulary.yaml and keep their old names for their users."""
    from schemas.vocabulary import NO_WORDS, YES_WORDS, mark_vocabulary

    vocabulary = mark_vocabulary()
    assert {"있음", "예", "o", "○"} <= YES_WORDS and {"없음", "아니오", "x", "-"} <= NO_WORDS
    assert "해당없음" in vocabulary.yes_no.marks.no and "■" in vocabulary.checkbox.ticked
    assert "□" in vocabulary.checkbox.unticked and "[]" in vocabulary.checkbox.brackets


# ---- the 신청 유형 boxes --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("cells", "size"), [
    (["■ 대도시    □ 중소도시"], "large"),
    (["☐ 대도시    ☑ 중소도시"], "small"),
    (["[  ] 대도시    [V] 중소도시"], "small"),
    (["[■] 대도시    [  ] 중소도시"], "large"),
    (["● 대도시 ○ 중소도시"], "large"),
    (["○ 대도시 ● 중소도시"], "small"),
    (["대도시 □ 중소도시 ■"], "small"),  # the mark after the word
    (["대도시(V) 중소도시( )"], "large"),
    (["■", "대도시", "□", "중소도시"], "large"),  # marks in cells of their own
    (["대도시", "□", "중소도시", "☑"], "small"),
    (["□ 대도시    □ 중소도시"], None),  # nothing ticked: nothing declared
    (["☑ 대도시    ☑ 중소도시"], None),  # both ticked: no one class declared
], ids=["filled-square", "ballot-box", "bracket-V", "bracket-square", "black-circle", "white-then-black",
        "mark-after", "paren-V", "own-cells", "own-cells-after", "unticked-only", "both-ticked"])
def test_declared_size_class(cells, size):
    m = mapped(application(cells))
    assert m.submission.applicant.name == "가온시"
    assert m.submission.applicant.city_size == size


@pytest.mark.parametrize(("cells", "size"), [(["☐대도시 ☑ 중소도시"], "small"), (["[■] 대도시 [ ] 중소도시"], "large")])
def test_declared_size_class_in_a_pdf(cells, size):
    assert mapped(application(cells, "pdf")).submission.applicant.city_size == size


@pytest.mark.parametrize(("cell", "size"), [
    ("[] 대도시 [| 중소도시", "small"),  # a photographed [V] read as `[|` (seed 9905)
    ("[/] 대도시 [ ] 중소도시", "large"),
    ("ㅁ 대도시 ■ 중소도시", "small"),  # an empty □ read as the letter ㅁ: else the ■ sits between two words
], ids=["bracket-stroke", "bracket-slash", "letter-for-box"])
def test_box_lookalikes_read_by_ocr(cell, size):
    """What Tesseract makes of boxes on a photographed application counts as the boxes; the same characters in a
    text layer are what the city typed, and declare nothing."""
    typed = application([cell])
    assert mapped(typed).submission.applicant.city_size is None
    scanned = typed.model_copy(update={"tables": [t.model_copy(update={"method": "ocr"}) for t in typed.tables]})
    assert mapped(scanned).submission.applicant.city_size == size


def test_size_class_is_never_guessed_from_the_name():
    """A 광역시 that ticks nothing declares nothing; one that declares 중소도시 is a mismatch (both read)."""
    rows = [["기관명", "가람광역시"], ["사업자(법인)등록번호", "134-83-00118"], ["대표자", "김가람"]]
    m = mapped(render("docx", "신청서", APPLICATION_TITLE, [rows + [["신청 유형", "□ 대도시 □ 중소도시"]]]))
    assert m.submission.applicant.city_size is None
    assert not [f for f in run_checks(m) if f.rule == "applicant.city_size_mismatch"]
    m = mapped(render("docx", "신청서", APPLICATION_TITLE, [rows + [["신청 유형", "□ 대도시 ■ 중소도시"]]]))
    assert m.submission.applicant.city_size == "small"
    assert [f.rule for f in run_checks(m) if f.rule == "applicant.city_size_mismatch"] == ["applicant.city_size_mismatch"]


def test_a_city_of_unknown_population_is_not_a_mismatch():
    """A 시 declaring 대도시 without a stated population: the facts imply no class, so no finding."""
    m = mapped(application(["■ 대도시 □ 중소도시"]))
    assert m.submission.applicant.city_size == "large"
    assert not [f for f in run_checks(m) if f.rule == "applicant.city_size_mismatch"]


@pytest.mark.parametrize("line", ["☐ 단위 서비스   ☑ 네트워크 연계 서비스   ☐ 데이터허브 기반 서비스",
                                  "[ ] 단위 서비스 [V] 네트워크 연계 서비스 [ ] 데이터허브 기반 서비스",
                                  "[  ] 단위 서비스 [■] 네트워크 연계 서비스 [  ] 데이터허브 기반 서비스",
                                  "○ 단위 서비스 ● 네트워크 연계 서비스 ○ 데이터허브 기반 서비스",
                                  "단위 서비스 □ 네트워크 연계 서비스 ■ 데이터허브 기반 서비스 □"])
def test_service_level_boxes_read_the_same_way(line):
    levels = [lv.name for lv in SERVICE.levels]
    doc = render("docx", "서비스 신청서", "스마트도시서비스 인증 신청서", [[["신청 서비스 수준", line]]])
    assert checked_option(doc.tables[0].cells[1].text, levels) == "네트워크 연계 서비스"


# ---- the stages of the self-assessment ------------------------------------------------------------------------

def _stage_rows(cell) -> list[list[str]]:
    """Rows `1.1 전담 공무원 | <stage cells> | text` for the test's sub-areas; ``cell(stage)`` -> cells."""
    rows = []
    for key, stage in STAGES.items():
        rows.append([f"{key[1:]} {NAMES[key]}", *cell(stage), f"{NAMES[key]} 분야 추진 현황"])
    return rows


def _stages_read(doc) -> dict[str, int | None]:
    m = mapped(doc)
    return {k: v.stage for k, v in m.submission.qualitative.items() if k in STAGES}


@pytest.mark.parametrize("style", ["name", "number", "name-and-number", "number-and-name", "level", "bare-number",
                                   "spaced-name"])
@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_stage_column_written_any_way(style, kind):
    write = {"name": lambda n: STAGE_NAMES[n], "number": lambda n: f"{n}단계",
             "name-and-number": lambda n: f"{STAGE_NAMES[n]}({n}단계)", "number-and-name": lambda n: f"{n}단계 ({STAGE_NAMES[n]})",
             "level": lambda n: f"Lv.{n}", "bare-number": str,
             "spaced-name": lambda n: " ".join(STAGE_NAMES[n])}[style]
    rows = [["구분", "단계", "자체 평가내용"], *_stage_rows(lambda n: [write(n)])]
    doc = render(kind, "정성지표 자체평가표", SELF_ASSESSMENT_TITLE, [rows])
    assert _stages_read(doc) == STAGES


@pytest.mark.parametrize(("ticked", "unticked"), [("■", "□"), ("☑", "☐"), ("[V]", "[ ]"), ("●", "○"), ("V", ""),
                                                   ("O", ""), ("✓", ""), ("○", "")],
                         ids=["square", "ballot", "bracket-V", "circles", "V-alone", "O-alone", "check-alone",
                              "circle-alone"])
@pytest.mark.parametrize("header", ["names", "numbers"])
def test_a_column_per_stage(ticked, unticked, header):
    heads = [STAGE_NAMES[n].removesuffix("단계") if header == "names" else f"{n}단계" for n in CITY.stage_numbers()]
    rows = [["구분", *heads, "자체 평가내용"],
            *_stage_rows(lambda n: [ticked if s == n else unticked for s in CITY.stage_numbers()])]
    doc = render("docx", "정성지표 자체평가표", SELF_ASSESSMENT_TITLE, [rows])
    assert _stages_read(doc) == STAGES


def test_a_column_per_stage_in_a_pdf():
    rows = [["구분", *[STAGE_NAMES[n] for n in CITY.stage_numbers()], "자체 평가내용"],
            *_stage_rows(lambda n: ["☑" if s == n else "☐" for s in CITY.stage_numbers()])]
    assert _stages_read(render("pdf", "정성지표 자체평가표", SELF_ASSESSMENT_TITLE, [rows])) == STAGES


def test_boxes_in_the_stage_cell():
    def line(n):
        return [" ".join(("■ " if s == n else "□ ") + STAGE_NAMES[s].removesuffix("단계") for s in CITY.stage_numbers())]

    rows = [["구분", "단계", "자체 평가내용"], *_stage_rows(line)]
    assert _stages_read(render("docx", "정성지표 자체평가표", SELF_ASSESSMENT_TITLE, [rows])) == STAGES


def test_one_table_for_all_areas_and_a_table_per_area():
    areas = {s.key: a for a in CITY.qualitative_areas for s in a.sub_areas}
    one = [["대분류", "중분류", "세부 영역", "자체평가 단계", "내용"]]
    for key, stage in STAGES.items():
        one.append([areas[key].category, areas[key].name, NAMES[key], f"{stage}단계", "추진 현황"])
    assert _stages_read(render("docx", "정성지표 자체평가표", SELF_ASSESSMENT_TITLE, [one])) == STAGES
    per_area = [[["구분", "단계", "자체 평가내용"], [f"{key[1:]} {NAMES[key]}", STAGE_NAMES[stage], "현황"]]
                for key, stage in STAGES.items()]
    assert _stages_read(render("docx", "정성지표 자체평가표", SELF_ASSESSMENT_TITLE, per_area)) == STAGES


def test_a_stage_read_outside_the_programme_is_invalid_once_per_area():
    rows = [["구분", "단계", "자체 평가내용"], *_stage_rows(lambda n: [f"{n}단계"])]
    rows[1][1] = "6단계"  # A1.1
    m = mapped(render("docx", "정성지표 자체평가표", SELF_ASSESSMENT_TITLE, [rows]))
    found = findings(m)
    assert found[("qualitative.stage_invalid", "A1.1")] == 1
    assert sum(n for (rule, _), n in found.items() if rule == "qualitative.stage_invalid") == 1
    assert not [k for k in found if k[0] == "qualitative.stages_unreadable"]


def test_two_stages_ticked_is_invalid():
    rows = [["구분", *[STAGE_NAMES[n] for n in CITY.stage_numbers()], "자체 평가내용"],
            *_stage_rows(lambda n: ["■" if s == n else "□" for s in CITY.stage_numbers()])]
    rows[2][1] = "■"  # A2.1: stage 2 ticked, and now stage 1 too
    m = mapped(render("docx", "정성지표 자체평가표", SELF_ASSESSMENT_TITLE, [rows]))
    assert m.submission.qualitative["A2.1"].stage is None
    assert findings(m)[("qualitative.stage_invalid", "A2.1")] == 1


def test_a_part_that_cannot_be_read_gives_one_item():
    """A self-assessment whose stage column is not there (stages only as free text): one finding for the
    document, not one stage_invalid or missing per area."""
    rows = [["구분", "자체 평가내용"]] + [[f"{key[1:]} {NAMES[key]}", f"{NAMES[key]} 분야는 꾸준히 추진하고 있음"]
                                    for key in STAGES]
    m = mapped(render("docx", "정성지표 자체평가표", SELF_ASSESSMENT_TITLE, [rows]))
    found = findings(m)
    unreadable = [f for f in run_checks(m) if f.rule == "qualitative.stages_unreadable"]
    assert len(unreadable) == 1 and "정성지표 자체평가표.docx" in unreadable[0].message_ko
    assert unreadable[0].severity == "warning"
    assert not [k for k in found if k[0] in ("qualitative.stage_invalid", "qualitative.missing")]


def test_one_unreadable_table_among_readable_ones_is_one_item():
    readable = [["구분", "단계", "자체 평가내용"], [f"1.1 {NAMES['A1.1']}", "3단계", "현황"]]
    unreadable = [["구분", "비고"], [f"1.1 {NAMES['B1.1']}", "협의체를 운영하며 지속적으로 개선하고 있음"]]
    m = mapped(render("docx", "정성지표 자체평가표", SELF_ASSESSMENT_TITLE, [readable, unreadable]))
    assert m.submission.qualitative["A1.1"].stage == 3
    found = findings(m)
    assert found[("qualitative.stages_unreadable", None)] == 1
    assert not found[("qualitative.stage_invalid", "B1.1")] and not found[("qualitative.missing", "B1.1")]
    assert found[("qualitative.missing", "A2.1")] == 0  # an area not found while a part is unreadable: said once


def test_a_sub_area_left_blank_is_missing():
    rows = [["구분", "단계", "자체 평가내용"], *_stage_rows(lambda n: [f"{n}단계"])]
    rows[1][1], rows[1][2] = "", ""  # A1.1 left empty
    found = findings(mapped(render("docx", "정성지표 자체평가표", SELF_ASSESSMENT_TITLE, [rows])))
    assert found[("qualitative.missing", "A1.1")] == 1
    assert not [k for k in found if k[0] in ("qualitative.stage_invalid", "qualitative.stages_unreadable")]


def test_stage_written_before_its_description_in_one_cell():
    rows = [["구분", "자체평가 단계", "자체 평가내용"],
            *_stage_rows(lambda n: [f"{n}단계: {CITY.qualitative_areas[0].stage_descriptions[n - 1]}"])]
    assert _stages_read(render("docx", "정성지표 자체평가표", SELF_ASSESSMENT_TITLE, [rows])) == STAGES


def test_a_box_ticked_next_to_a_stage_description():
    """No stage column: the description ticked in the text (`■ <the stage's description> - 현황`) is the stage."""
    areas = {s.key: a for a in CITY.qualitative_areas for s in a.sub_areas}
    rows = [["구분", "자체 평가내용"]]
    for key, stage in STAGES.items():
        statement = areas[key].stage_descriptions[stage - 1].split(" / ")[0]
        rows.append([f"{key[1:]} {NAMES[key]}", f"■ {statement} - {NAMES[key]} 분야 추진 현황"])
    m = mapped(render("docx", "정성지표 자체평가표", SELF_ASSESSMENT_TITLE, [rows]))
    assert {k: v.stage for k, v in m.submission.qualitative.items() if k in STAGES} == STAGES
    assert not [f for f in run_checks(m) if f.rule.startswith("qualitative.stage")]
