"""Programme and document roles from content, whatever the spacing of the titles."""

from __future__ import annotations

import pytest

from extractors.model import Document, TextBlock
from mapping.roles import classify_role, detect_programme
from schemas import load_programme


def _doc(name: str, *lines: str) -> Document:
    return Document(file=name, sha256="0" * 64, media_type="application/pdf",
                    blocks=[TextBlock(text=line) for line in lines])


@pytest.mark.parametrize(("lines", "role"), [
    (["정량 지표 평가 제안서", "한빛시"], "quantitative_proposal"),
    (["■ 스마트도시 및 스마트도시서비스 인증 운영지침 [별지 제1호서식]", "스마트도시 인증 신청서"], "application"),
    (["2025년 스마트도시 인증", "정성지표 자체평가표"], "qualitative_self_assessment"),
    (["근거자료 — 한빛시", "정량지표 평가제안서 및 자체평가표의 사실을 증빙하는 근거자료입니다."], "evidence"),
    (["회의록", "스마트도시위원회 본회의 결과"], "evidence"),  # no title at all: evidence
])
def test_city_roles_by_content(lines, role):
    assert classify_role(_doc("scan_001.pdf", *lines), load_programme("city-2025"))[0] == role


def test_file_name_decides_only_without_a_title():
    city = load_programme("city-2025")
    assert classify_role(_doc("03_정성지표_자체평가표.pdf", "1.1 전담 공무원 요건충족 단계"), city) == ("qualitative_self_assessment", False)
    assert classify_role(_doc("03_정성지표_자체평가표.pdf", "스마트도시 인증 신청서"), city) == ("application", False)


@pytest.mark.parametrize(("name", "lines"), [
    ("2-1_정량지표_산출내역.xlsx", ["의정부시 정량지표 산출내역", "붙임. 지표별 산출내역"]),
    ("붙임1. 정량지표 산출내역.xlsx", ["C-1-5 전체 교통사고 대비 센터 예방 및 처리 건수"]),
    ("2025_스마트도시인증_정량부속자료_기장군.xlsx", ["기장군 정량지표 산출내역"]),
    ("[서초구] 평가제안서 부속 엑셀.xlsx", ["C-1-1 전체 버스 정류소 대비 BIS 도입 정류소 비율(%)"]),
])
def test_the_proposals_workbook_is_a_part_of_the_proposal(name, lines):
    """Filed as the proposal (its role), read as its annex (no 요약표 taken from it), never as evidence."""
    assert classify_role(_doc(name, *lines), load_programme("city-2025")) == ("quantitative_proposal", True)


def test_programme_detection():
    city = [_doc("a.pdf", "스마트도시 인증 신청서"), _doc("b.pdf", "정량지표 평가제안서")]
    service = [_doc("a.docx", "스마트도시서비스 인증 신청서"), _doc("b.xlsx", "스마트 서비스 인증 자체평가표")]
    assert detect_programme(city) == "city-2025"
    assert detect_programme(service) == "service-2023"
    assert detect_programme([_doc("x.pdf", "회의록")]) is None


@pytest.mark.parametrize(("name", "role"), [
    ("05. 추가 증빙자료.pdf", "evidence"), ("4-2_근거자료_추가.pdf", "evidence"), ("scan_001.pdf", "evidence"),
    ("02. 정량지표 평가제안서.pdf", "other"),  # an unreadable form: its document is then missing
])
def test_an_unreadable_file_takes_its_role_from_its_name(name, role):
    doc = _doc(name).unreadable("corrupt", "truncated")
    assert not doc.readable
    assert classify_role(doc, load_programme("city-2025")) == (role, False)
