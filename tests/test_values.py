"""Reading stated values the way shared/indicator-readings.md settles them."""

from __future__ import annotations

import pytest

from mapping.values import UnparseableValue, is_placeholder, parse_stated
from schemas import load_programme

CITY = load_programme("city-2025")


@pytest.mark.parametrize(("code", "text", "value"), [
    ("A-2-1", "1만명 당 12.34", 12.34),
    ("A-2-1", "1만명 당 기업 수 0.5", 0.5),
    ("A-1-2", "1,234건", 1234),
    ("B-4-1", "12.34%", 12.34),
    ("C-1-4", "1km 당 CCTV 수 00.45", 0.45),
    ("C-2-5", "O", True),
    ("C-2-5", "X", False),
    ("C-2-5", "○", True),
    ("C-1-6", "안내서비스 도입 O/X", True),
    ("B-2-1", "계획 수립 X (승인 X)", False),
    ("B-2-3", "지침 X, 계획 O", True),
    ("B-2-3", "지침 X, 계획 X", False),
    ("B-3-1", "국내 12건, 국외 3건", 15),
    ("A-3-2", "125종, 1,340건", 1340),
    ("A-1-1", "스마트도시담당관 (총원 15명)", True),
    ("A-1-1", "없음", False),
    ("B-4-3", "6,000백만원", 6000),
    ("C-3-1", "12천명", 12),
    ("C-1-8", "스마트 횡단보도 48개소", 48),
])
def test_stated_values(code, text, value):
    got = parse_stated(CITY.indicator(code), text)
    assert got == value and type(got) is type(value)


@pytest.mark.parametrize(("code", "text"), [("A-1-2", "해당 없음"), ("C-2-5", "검토 중"), ("B-4-1", "비율 미산정")])
def test_unreadable_values_raise(code, text):
    with pytest.raises(UnparseableValue):
        parse_stated(CITY.indicator(code), text)


@pytest.mark.parametrize(("text", "placeholder"), [("00건", True), ("1만명 당 00.00", True), ("000종, 000건", True),
                                                    ("0건", False), ("12건", False)])
def test_placeholders(text, placeholder):
    assert is_placeholder(text) is placeholder


def test_the_forms_own_number_is_not_the_value_when_the_per_word_is_lost():
    """`1천명 당 CCTV 수 7.58` read by OCR as `1천명 Scciv 수 7.58` (the 당 lost) or typed without its 당:
    the 1 of `1천명` is the summary template's own text, not the rate. Of several numbers, the one written like
    the form's `00.00` is the rate: `10만명 기업 수 6.38` states 6.38 (its other base is the recomputation's
    question), and OCR's `007` for the word CCTV is no rate."""
    from mapping.values import parse_stated
    from schemas import load_programme

    programme = load_programme("city-2025")
    cctv, firms = programme.indicator("C-2-1"), programme.indicator("A-2-1")
    assert cctv.summary_template.startswith("1천명") and firms.summary_template.startswith("1만명")
    assert parse_stated(cctv, "1천명 Scciv 수 7.58") == 7.58
    assert parse_stated(cctv, "1천명 당 CCTV 수 7.58") == 7.58
    assert parse_stated(firms, "1만명 기업 수 6.38") == 6.38
    assert parse_stated(firms, "10만명 기업 수 6.38") == 6.38
    assert parse_stated(cctv, "1천명 당 007 수 5.11") == 5.11  # a scan's reading, CCTV as 007
    assert parse_stated(cctv, "1천명 4 3.34") == 3.34  # 당 CCTV 수 lost but for a 4
    assert parse_stated(firms, "1만명 당 기업 수 12") == 12  # one number: whatever its decimals
    assert parse_stated(cctv, "1천명 당 007 수 5.1") == 7  # no number shaped like 00.00: unchanged (and doubted)


def test_a_point_where_the_form_writes_whole_numbers_is_a_thousands_comma_read_by_ocr():
    """`2,787건` scanned comes back as `2.787`: the form's `0,000건` says the value is a whole number, so the point
    was its comma. Where the form writes decimals (`00.00`) the same `1.234` stays in doubt, for a look."""
    from mapping.ocr_reconcile import reconcile_ocr_values
    from schemas import load_programme
    from schemas.provenance import Provenance
    from schemas.submission import IndicatorValue

    programme = load_programme("city-2025")
    assert "." not in programme.indicator("C-2-2").summary_template
    scan = Provenance(file="scan.pdf", page=2, method="ocr", confidence=88.0)
    values = {"C-2-2": IndicatorValue(stated_text="2.787", value=2.787, source=scan),
              "B-4-3": IndicatorValue(stated_text="민간 투자 11.778백만원", value=11.778, source=scan),
              "C-2-1": IndicatorValue(stated_text="1천명 당 CCTV 수 1.234", value=1.234, source=scan)}
    reconcile_ocr_values(values, programme)
    assert (values["C-2-2"].value, values["C-2-2"].source.confidence) == (2787, 88.0)
    assert values["B-4-3"].value == 11778
    assert values["C-2-1"].value == 1.234 and values["C-2-1"].source.confidence < 70


def test_a_summary_header_with_a_syllable_of_grain_beside_an_exact_label_is_the_header():
    """v8947's scanned 요약표: `작성지표 때` (grain read as 때) beside `증빙 쪽` still names the value column; a row
    without any exact label is no header however close its words are."""
    from mapping.summary import _header_columns
    from schemas import load_programme

    labels = load_programme("city-2025").summary_table
    assert _header_columns(["No.", "구분", "지표명", "작성지표 때", "증빙 쪽"], labels) == (3, 4)
    assert _header_columns(["No.", "구분", "지표명", "작성 지표 00090", "증빙 쪽"], labels) == (3, 4)
    assert _header_columns(["1", "공공역량", "A-1-1", "실적 3", "증빙 2쪽"], labels) == (None, None)


def test_a_summary_header_with_a_syllable_of_each_label_misread_is_the_header():
    """v9403's scanned 요약표 read by the Korean model: `작성 지표 다` and `증빙폐이지` (페 read as 폐). Neither label is
    exact, both are a syllable off; without the header all 26 rows of the page went unread."""
    from mapping.summary import _header_columns
    from schemas import load_programme

    labels = load_programme("city-2025").summary_table
    assert _header_columns(["분류", "지표명", "작성 지표 다", "증빙폐이지"], labels) == (2, 3)
    assert _header_columns(["혁신성", "공공역량", "스마트도시 전담부서 지정 여부", "정보통신과 (총원 9명)", "2-3"],
                           labels) == (None, None)
    assert _header_columns(["분류", "지표명", "작성 지표 다", "2-3"], labels) == (None, None)


def test_a_yes_no_reading_with_a_mark_lost_is_doubted_even_where_the_detail_form_agrees():
    """v8949's scan: `지침 예, 계획 아니오` read as `지침 Of, 계획아니오` (예 lost) is False for B-2-3 (either
    policy counts), and its detail form, glued by OCR, reads False too. The form writes two marks (`지침 O/X,
    계획 O/X`): a reading with one is in doubt, whatever agrees with it."""
    from mapping.ocr_reconcile import reconcile_ocr_values
    from schemas import load_programme
    from schemas.provenance import Provenance
    from schemas.submission import IndicatorValue

    programme = load_programme("city-2025")
    scan = Provenance(file="scan.pdf", page=2, method="ocr", confidence=84.79)
    lost = IndicatorValue(stated_text="지침 Of, 계획아니오", value=False, source=scan)
    whole = IndicatorValue(stated_text="지침 예, 계획 아니오", value=True, source=scan)
    reconcile_ocr_values({"B-2-3": lost}, programme, {"B-2-3": "정보보안지침예정보보안계획아니오"})
    reconcile_ocr_values({"B-2-3": whole}, programme, {"B-2-3": "정보보안 지침 예 정보보안 계획 아니오"})
    assert lost.source.confidence < 70
    assert whole.source.confidence >= 84.79


def test_a_scanned_number_with_a_unit_or_comma_read_as_a_digit_takes_the_detail_forms_value():
    """Fresh scans 9405 and 9407: `4건` read as `44`, `1,875 개` as `11875 개` (the comma a 1). Dropping one digit
    gives exactly the value the detail form states, so that reading is taken; a value no such reading gives is
    left in doubt."""
    from mapping.ocr_reconcile import reconcile_ocr_values
    from schemas import load_programme
    from schemas.provenance import Provenance
    from schemas.submission import IndicatorValue

    programme = load_programme("city-2025")
    scan = Provenance(file="scan.pdf", page=2, method="ocr", confidence=88.0)
    count = IndicatorValue(stated_text="프로그램 운영 건수 44", value=44, source=scan)
    own = IndicatorValue(stated_text="스마트 상점 지원 점포 수 11875 개", value=11875, source=scan)
    other = IndicatorValue(stated_text="프로그램 운영 건수 44", value=44, source=scan)
    reconcile_ocr_values({"A-2-4": count, "C-7-3": own}, programme,
                         {"A-2-4": "프로그램 운영 건수 4건", "C-7-3": "스마트 상점 지원 점포 수 1,875 개"})
    reconcile_ocr_values({"A-2-4": other}, programme, {"A-2-4": "프로그램 운영 건수 7건"})
    assert (count.value, own.value) == (4, 1875)
    assert count.source.confidence >= 70 and own.source.confidence >= 70
    assert other.value == 44 and other.source.confidence < 70


def test_a_count_keeps_its_reading_over_a_detail_form_misread_with_decimals_and_a_misgrouped_number_is_doubted():
    """Fresh scans 10502 and 10503. C-2-2's `8,951건` was right; its detail form came back `8.9512` (the comma a
    point, 건 a 2), and the cell's digits with a point moved (8.951) were taken from it with full confidence. The
    form writes `0,000건`: a count is no `8.9512`, so that reading bears nothing out. C-2-6's `3,844개` came back
    `3.84474` in the 요약표 and `3,84474` on its detail form: the two agreed on a wrong number. A comma before
    more than three digits is no thousands comma: the value is flagged for a look."""
    from mapping.ocr_reconcile import reconcile_ocr_values
    from schemas import load_programme
    from schemas.provenance import Provenance
    from schemas.submission import IndicatorValue

    programme = load_programme("city-2025")
    scan = Provenance(file="scan.pdf", page=3, method="ocr", confidence=89.72)
    count = IndicatorValue(stated_text="센터 관제 8,951건", value=8951, source=scan)
    own = IndicatorValue(stated_text="지능형 SS 설치 + 3.84474", value=3.84474, source=scan.model_copy(update={"confidence": 84.0}))
    reconcile_ocr_values({"C-2-2": count, "C-2-6": own}, programme,
                         {"C-2-2": "센터 관제 8.9512", "C-2-6": "지능형 보안등 설차 수 3,84474"})
    assert count.value == 8951 and count.source.confidence == 89.72
    assert own.source.confidence < 70


def test_a_scanned_yes_glued_to_its_label_or_read_a_stroke_off_is_yes_and_in_doubt():
    """Fresh scans 9407 and 9401: `안내서비스도입예` (the space before 예 lost) and `에` (예 a stroke off) in
    C-1-6's cell (`안내서비스 도입 O/X`); 9602 and 9603: its Y or ✓ read as `+` or `/`; 10206: its ○ read as the
    jamo ᄋ glued to the label (`스마트도시조례ᄋ`). Each is read as yes, and left for a reviewer's look."""
    from extractors.model import Cell, Document, Table
    from mapping.summary import map_summary
    from schemas import load_programme

    programme = load_programme("city-2025")
    for said in ("안내서비스도입예", "에", "안내서비스도입 ᄋ", "안내서비스도입ᄋ", "안내서비스 도입 +", "안내서비스 도입 /"):
        header = ["분류", "지표명", "작성 지표", "증빙 페이지"]
        row = ["C. 지속가능성", "실시간 도로위험상황 안내서비스 도입 여부", said, "12"]
        cells = [Cell(row=r, col=c, text=t, confidence=90.0) for r, line in enumerate([header, row])
                 for c, t in enumerate(line)]
        doc = Document(file="scan.pdf", sha256="0" * 64, media_type="application/pdf",
                       tables=[Table(index=0, page=2, method="ocr", cells=cells, n_rows=2, n_cols=4)])
        value = map_summary([doc], programme).values["C-1-6"]
        assert value.value is True, said
        assert value.source.confidence < 70


def test_a_scanned_rate_whose_label_syllable_became_a_digit_is_doubted():
    """Fresh scan 9403: `1천명 당 CCTV 수 4.15` read as `1천명 당 007 44.15` (수 read as a 4 glued to the value) at
    confidence 84. The 수 the form writes before the value is missing and other digits stand there: in doubt.
    The same cell read with its 수, or written without the label, is not."""
    from mapping.ocr_reconcile import reconcile_ocr_values
    from schemas import load_programme
    from schemas.provenance import Provenance
    from schemas.submission import IndicatorValue

    programme = load_programme("city-2025")
    scan = Provenance(file="scan.pdf", page=3, method="ocr", confidence=84.01)
    glued = IndicatorValue(stated_text="1천명 당 007 44.15", value=44.15, source=scan)
    kept = IndicatorValue(stated_text="1천명 당 (1 수 4.15", value=4.15, source=scan)
    bare = IndicatorValue(stated_text="1천명 당 4.15", value=4.15, source=scan)
    for entry in (glued, kept, bare):
        reconcile_ocr_values({"C-2-1": entry}, programme)
    assert glued.source.confidence < 70
    assert kept.source.confidence == bare.source.confidence == 84.01


def test_a_scanned_rate_that_lost_its_point_after_a_leading_zero_is_read_with_it_and_doubted():
    """Fresh scan 10106: `0.69%` read as `069%` at confidence 91, taken as 69 with no flag. No number is written as
    a 0 followed by digits, and the form writes `0.00%`: the value is 0.69, flagged (where the point goes is a
    guess) unless the detail form bears it out. A count read `07` is not a rate: left alone."""
    from mapping.ocr_reconcile import reconcile_ocr_values
    from schemas import load_programme
    from schemas.provenance import Provenance
    from schemas.submission import IndicatorValue

    programme = load_programme("city-2025")
    scan = Provenance(file="scan.pdf", page=3, method="ocr", confidence=91.05)
    alone = IndicatorValue(stated_text="069%", value=69.0, source=scan)
    borne = IndicatorValue(stated_text="069%", value=69.0, source=scan.model_copy())
    count = IndicatorValue(stated_text="07건", value=7, source=scan.model_copy())
    reconcile_ocr_values({"B-4-1": alone}, programme)
    reconcile_ocr_values({"B-4-1": borne, "A-2-4": count}, programme, {"B-4-1": "예산 비율 0.69%"})
    assert alone.value == 0.69 and alone.source.confidence < 70
    assert borne.value == 0.69 and borne.source.confidence >= 70
    assert count.value == 7


def test_a_rate_with_a_label_read_as_a_number_in_both_forms_is_not_borne_out_by_the_misreading():
    """Fresh scan 9705: `1만명 당 혜택자 수 47.24` read as `1만명 당 혜택자 4 47.24` in the 요약표 and in the detail
    form alike (수 read as 4). The two agreeing on 4 is one misreading twice; the detail form's value is its last
    number, so 47.24 is taken. And 9704: `8,611 백만원` read as `8.611 백만원 000:` (specks after it) in both is the
    whole number 8,611 its form's placeholder (`000백만원`) calls for."""
    from mapping.ocr_reconcile import reconcile_ocr_values
    from schemas import load_programme
    from schemas.provenance import Provenance
    from schemas.submission import IndicatorValue

    programme = load_programme("city-2025")
    scan = Provenance(file="scan.pdf", page=3, method="ocr", confidence=88.0)
    rate = IndicatorValue(stated_text="1만명 당 혜택자 4 47.24", value=4, source=scan)
    money = IndicatorValue(stated_text="8.611 백만원 000:", value=8.611, source=scan)
    reconcile_ocr_values({"C-4-2": rate, "B-4-3": money}, programme,
                         {"C-4-2": "1만명 당 혜택자 4 47.24", "B-4-3": "8.611 백만원"})
    assert rate.value == 47.24 and rate.source.confidence >= 70
    assert money.value == 8611


def test_a_scanned_unit_read_as_digits_a_misread_detail_form_and_a_count_with_its_comma_read_as_a_point():
    """Fresh scans 10901–10908 (every form an image), as OCR read them. C-11-4's `9개` came back `974` (개 read as
    digits) and B-3-1's `국외 1건` as `국외 121`: the unit the template writes is missing, so the digits in its place
    may be it, and the detail form bears that reading out. C-2-2's `8,152건` came back `8.1524`: a count agrees
    with its detail form's 8,152 exactly, not within half a percent (8,154 and 8,124 were readings too, so none
    was taken). C-9-3's sure `1,669개` has a detail form misread `11669 개` (the comma a 1), and C-10-2's `22.05%`
    one with grain after it (`22.05 00000`): both explain the value rather than contradict it. A city's own
    indicator has no template; a counting unit beside either reading tells that `2.335` is 2,335; without one,
    `1,829` against `1.829` is left for a look."""
    from mapping.ocr_reconcile import reconcile_ocr_values
    from schemas import load_programme
    from schemas.provenance import Provenance
    from schemas.submission import IndicatorValue

    programme = load_programme("city-2025")

    def read(text, value, confidence):
        return IndicatorValue(stated_text=text, value=value,
                              source=Provenance(file="scan.pdf", page=2, method="ocr", confidence=confidence))

    cases = [  # code, 요약표 cell, its value as parsed, confidence, the detail form's statement → value, in doubt
        ("C-11-4", "974", 974, 93.16, "연계통합 센터 수 9 개", 9, False),
        ("B-3-1", "국내 7건, 국외 121", 128, 85.04, "국내 7건 국외 1건", 8, False),
        ("C-2-2", "8.1524", 8.1524, 48.51, "센터 관제 8,152건", 8152, False),
        ("C-9-3", "1,669개", 1669, 92.33, "스마트 그늘막 설치 수 11669 개", 1669, False),
        ("C-10-2", "22.05%", 22.05, 90.79, "인구 만명당 \\빠 비율 22.05 00000", 22.05, False),
        ("C-8-3", "비대면 건강관리 참여자 수 2.335", 2.335, 91.25, "비대면 건강관리 참여자 수 2,335명", 2335, False),
        ("C-8-3", "스마트 돌봄 플러그 보급 가구 수 1,829가구", 1829, 74.63, "스마트돌봄플러그보급가구 수 1.829가 구", 1829,
         False),
        ("C-8-3", "스마트 돌봄 플러그 보급 수 1,829", 1829, 91.0, "스마트돌봄플러그 보급 수 1.829", 1829, True),
    ]
    for code, text, parsed, confidence, detail, value, in_doubt in cases:
        entry = read(text, parsed, confidence)
        reconcile_ocr_values({code: entry}, programme, {code: detail})
        assert (entry.value, entry.source.confidence < 70) == (value, in_doubt), (code, text)


def test_scanned_rows_past_skipped_domains_with_misread_names_and_marks_glued_or_lost():
    """A 요약표 read by OCR as drawn scans 11001–11008 came back (every form an image). C-8-1's name lost `ICT` and
    `HIS` to digits (`(<. - 8 - 1107 기반 병원의료정보시스템119) 도입 건수`) in a 요약표 that left out the optional
    domains C-6 and C-7 (and C-5-3): the row after C-5-2 may be C-8-1. C-11-4's name lost its first words (`SASHES 개별 센터
    수`). B-2-3's `지침 ✓, 계획,` lost one mark, but one yes of `지침 O/X, 계획 O/X` decides; `지침예계획예` lost the
    spaces the marks stand apart by. Each is read, none is left for a look."""
    from extractors.model import Cell, Document, Table
    from mapping.ocr_reconcile import reconcile_ocr_values
    from mapping.summary import map_summary
    from schemas import load_programme

    programme = load_programme("city-2025")
    rows = [["분류", "지표명", "작성 지표", "증빙 페이지"],
            ["정보보안", "정보보안 정책 수립 여부", "지침 ✓, 계획,", "8"],
            ["C-5 교육", "스마트 교구 활용 학교 비율", "스마트 학교 66.67%", "20"],
            ["C-8", "(<. - 8 - 1107 기반 병원의료정보시스템119) 도입 건수", "HIS 도입 12건", "21"],
            ["C-8", "인구 1만명 당 ICT 기반 사회적 약자 서비스 수혜자 수", "1만명 당 수혜자 수 18.03", "22"],
            ["C-11", "통합운영센터 제공 서비스 건수", "제공 서비스 7건", "30"],
            ["C-11", "SASHES 개별 센터 수", "연계통합센터 수 2개", "31"]]
    cells = [Cell(row=r, col=c, text=t, confidence=90.0) for r, line in enumerate(rows) for c, t in enumerate(line)]
    doc = Document(file="scan.pdf", sha256="0" * 64, media_type="application/pdf",
                   tables=[Table(index=0, page=2, method="ocr", cells=cells, n_rows=len(rows), n_cols=4)])
    values = map_summary([doc], programme).values
    reconcile_ocr_values(values, programme)
    assert {code: values[code].value for code in ("B-2-3", "C-8-1", "C-11-4")} == {"B-2-3": True, "C-8-1": 12,
                                                                                    "C-11-4": 2}
    assert all(values[code].source.confidence >= 70 for code in ("B-2-3", "C-8-1", "C-11-4"))
    glued = Document(file="scan.pdf", sha256="1" * 64, media_type="application/pdf", tables=[Table(
        index=0, page=2, method="ocr", n_rows=2, n_cols=4,
        cells=[Cell(row=r, col=c, text=t, confidence=90.0) for r, line in enumerate([rows[0], [
            "정보보안", "정보보안 정책 수립 여부", "지침예계획예", "8"]]) for c, t in enumerate(line)])])
    assert map_summary([glued], programme).values["B-2-3"].value is True


def test_a_city_indicator_its_detail_form_bears_out_is_sure_and_grain_after_a_counted_number_is_no_value():
    """Fresh scans 11301–11308: C-4-3 (a city's own indicator) `101 가스차단기 보급 가구 수 3315가구` (IoT read
    101, dragging the cell's confidence to 54) beside its detail form's `… 3315 가구`, and C-7-3's `점포 + 1,095개`
    (70) beside `점포 수 1,095개`: the detail form bears each out, as it does a value with a template. C-4-3's
    `스마트 경로당 운영 수 13 개소` beside a detail form read `… 13 개소 2:` (grain after it): the number a counting
    unit follows is the form's."""
    from mapping.ocr_reconcile import reconcile_ocr_values
    from schemas import load_programme
    from schemas.provenance import Provenance
    from schemas.submission import IndicatorValue

    programme = load_programme("city-2025")
    for code, text, value, confidence, detail in (
            ("C-4-3", "101 가스차단기 보급 가구 수 3315가구", 3315, 53.84, "101 가스차단기 보급 가구 수 3315 가구"),
            ("C-7-3", "스마트 상점 지원 점포 + 1,095개", 1095, 69.8, "스마트 상점 지원 점포 수 1,095개"),
            ("C-4-3", "스마트 경로당 운영 수 13 개소", 13, 93.94, "스마트 경로당 운영 수 13 개소 2:")):
        entry = IndicatorValue(stated_text=text, value=value,
                               source=Provenance(file="scan.pdf", page=2, method="ocr", confidence=confidence))
        reconcile_ocr_values({code: entry}, programme, {code: detail})
        assert entry.value == value and entry.source.confidence >= 70, (code, text)


def test_a_scanned_population_off_by_a_digit_is_a_misreading_and_a_grainy_dash_no_statement():
    """Fresh scans 11103 and 11107: C-10-2's population came back 355만명 for 35.5만명 beside three typed figures of
    355,000 (indicator.cross_inconsistent on a clean bundle), and a misread figure of 669 million made 진주시 a
    대도시 (applicant.city_size_mismatch). A scanned figure ten times what the others agree on has gained a digit:
    it is left out of the comparison; a figure 5 % off (as a city writes it) is not. Mixed draw 11406: the `-` of
    C-5-2's row, a domain the city did not choose, came back `-00220` at confidence 0 and made C-5 look chosen."""
    from checks.applicant import check_city_size
    from checks.consistency import check_constraints
    from extractors.model import Cell, Document, Table
    from mapping.submission import MappedBundle
    from mapping.summary import map_summary
    from schemas import load_programme
    from schemas.provenance import Provenance
    from schemas.submission import Applicant, Bundle, IndicatorValue, Submission

    programme = load_programme("city-2025")
    typed = Provenance(file="산출내역.xlsx", sheet="A-2-1", method="xlsx_value")
    scanned = Provenance(file="scan.pdf", page=14, method="ocr", confidence=93.0)

    def bundle(c102: float, name: str = "마포구", size: str = "large") -> MappedBundle:
        indicators = {"A-2-1": IndicatorValue(components={"C": 35.5}, component_sources={"C": typed}),
                      "C-2-1": IndicatorValue(components={"A": 355.0}, component_sources={"A": typed}),
                      "C-8-2": IndicatorValue(components={"C": 35.5}, component_sources={"C": typed}),
                      "C-10-2": IndicatorValue(components={"A": c102}, component_sources={"A": scanned})}
        submission = Submission(programme="city-2025", bundle=Bundle(id="b", channel="email"),
                                applicant=Applicant(name=name, city_size=size), indicators=indicators)
        return MappedBundle(submission=submission, programme=programme, documents=[], roles={})

    assert not list(check_constraints(bundle(355.0)))  # 355만명 for 35.5: a digit gained
    assert [f.rule for f in check_constraints(bundle(37.3))] == ["indicator.cross_inconsistent"]  # 5 % off
    assert not list(check_city_size(bundle(355.0, "진주시", "small")))  # the typed 355,000: a 중소도시
    dash = [["분류", "지표명", "작성 지표", "증빙 페이지"], ["C-5", "스마트 교구 활용 학교 비율", "-00220", "-"]]
    cells = [Cell(row=r, col=c, text=t, confidence=0.0 if t == "-00220" else 90.0)
             for r, line in enumerate(dash) for c, t in enumerate(line)]
    doc = Document(file="scan.pdf", sha256="0" * 64, media_type="application/pdf",
                   tables=[Table(index=0, page=2, method="ocr", cells=cells, n_rows=2, n_cols=4)])
    assert "C-5-2" not in map_summary([doc], programme).values


def test_scan_misreadings_of_detail_forms_and_dashes_explain_rather_than_doubt():
    """Fresh scans 11501–11508 (never looked at, then mended): each value here was right and left for a look.
    A-3-2's `4종, 1,009건` beside a detail form read `1,0092` (건 read as 2): the 요약표 writes the number with
    its commas in place. C-1-4's `0.51` beside `1km & CCTV 4.0.51` (수 read as `4.`). C-8-1's `7건` beside
    `HIS 도입 724` (건 read as 24). B-4-1's `1.59%` beside a recomputed 1,586,946 % (a component misread; a rate
    is at most 100). And C-4-1's `-` read as `ㆍ` on a domain the city did not choose is no statement. C-8-3's
    value read without its number (`스마트 돌봄 플러그 보급 가구 수`, the detail form says 1,664가구) is left for
    a look."""
    from extractors.model import Cell, Document, Table
    from mapping.ocr_reconcile import reconcile_ocr_values
    from mapping.summary import map_summary
    from schemas import load_programme
    from schemas.provenance import Provenance
    from schemas.submission import IndicatorValue

    programme = load_programme("city-2025")
    for code, text, value, confidence, detail, recomputed, in_doubt in (
            ("A-3-2", "4종, 1,009건", 1009, 86.18, "API 제공 4종 1,0092", None, False),
            ("C-1-4", "1km CCTV 수 0.51", 0.51, 87.33, "1km & CCTV 4.0.51", None, False),
            ("C-8-1", "7건", 7, 93.19, "HIS 도입 724", None, False),
            ("B-4-1", "1.59%", 1.59, 90.46, None, 1586946.52, False),
            ("C-8-3", "스마트 돌봄 플러그 보급 가구 수", "스마트 돌봄 플러그 보급 가구 수", 96.61,
             "스마트돌봄플러그보급가구 수 1,664가구", None, True)):
        entry = IndicatorValue(stated_text=text, value=value, recomputed=recomputed,
                               source=Provenance(file="scan.pdf", page=2, method="ocr", confidence=confidence))
        reconcile_ocr_values({code: entry}, programme, {code: detail} if detail else {})
        assert (entry.value, entry.source.confidence < 70) == (value, in_doubt), (code, text)
    rows = [["분류", "지표명", "작성 지표", "증빙 페이지"], ["주거", "C-4-1 전체 가구 수 대비 원격검침시스템 도입가구 수", "ㆍ", ""]]
    cells = [Cell(row=r, col=c, text=t, confidence=94.89) for r, line in enumerate(rows) for c, t in enumerate(line)]
    doc = Document(file="scan.pdf", sha256="0" * 64, media_type="application/pdf",
                   tables=[Table(index=0, page=2, method="ocr", cells=cells, n_rows=2, n_cols=4)])
    summary = map_summary([doc], programme)
    assert "C-4-1" in summary.rows_of and "C-4-1" not in summary.values and not summary.unparseable
