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
    the 1 of `1천명` is the summary template's own text, not the rate. A number that is not the template's
    (`10만명 …`) is not dropped."""
    from mapping.values import parse_stated
    from schemas import load_programme

    programme = load_programme("city-2025")
    cctv, firms = programme.indicator("C-2-1"), programme.indicator("A-2-1")
    assert cctv.summary_template.startswith("1천명") and firms.summary_template.startswith("1만명")
    assert parse_stated(cctv, "1천명 Scciv 수 7.58") == 7.58
    assert parse_stated(cctv, "1천명 당 CCTV 수 7.58") == 7.58
    assert parse_stated(firms, "1만명 기업 수 6.38") == 6.38
    assert parse_stated(firms, "10만명 기업 수 6.38") == 10
