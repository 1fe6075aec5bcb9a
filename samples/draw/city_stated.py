"""The stated text of a city indicator: in the 요약표's words (the seed's summary template), in the
detail form's words (its 지표 row), or bare (the number, with or without its unit)."""

from __future__ import annotations

from samples.draw.model import Ind
from samples.draw.wording import fill, mark, number, with_unit
from schemas.programme import Indicator

# The 지표 row of each detail form (자료구축양식) in the seed, where it words the value differently.
FORM_WORDS = {
    "A-1-2": "표창 총 00건", "A-2-1": "1만명 당 기업 수 00.00", "A-2-2": "1만명 당 종사자 수 00.00",
    "A-2-3": "리빙랩 운영 건수 00건", "A-2-4": "프로그램 운영 건수 00건", "A-3-1": "계획+조례 수 00개",
    "A-3-2": "API 제공 000종 000건", "A-3-3": "데이터 제공 000종 000건", "A-3-4": "공개 목록 수 00개",
    "A-3-5": "민간 서비스 수 00건", "A-3-6": "플랫폼 수 00개", "A-3-7": "서비스 수 00개", "A-3-8": "연계·통합 시스템 수 00건",
    "B-1-1": "협의체 운영 00건", "B-2-1": "계획 수립 O/X (승인 O/X)", "B-2-2": "스마트도시 조례 O/X",
    "B-2-3": "정보보안 지침 O/X 정보보안 계획 O/X", "B-3-1": "국내 00건 국외 00건", "B-3-2": "1만명 당 반영 건수 00.00",
    "B-4-1": "예산 비율 0.00%", "B-4-2": "향후 예산 비율 평균 0.00%", "B-4-3": "민간 투자 000백만원",
    "C-1-1": "BIS 비율 00.00%", "C-1-2": "적용 서비스 00개", "C-1-3": "적용 수 00개", "C-1-4": "1km 당 CCTV 수 00.00",
    "C-1-5": "대응 처리 건 수 00.00", "C-1-6": "안내서비스 도입 O/X", "C-1-7": "주차면 비율 00.00%",
    "C-2-1": "1천명 당 CCTV 수 00.00", "C-2-2": "센터 관제 0,000건", "C-2-3": "지능형 CCTV 0.00%",
    "C-2-4": "서비스(시스템) 수 00개", "C-2-5": "시스템 도입 O/X", "C-3-1": "참여자 수 00천명", "C-3-2": "정책 수립 수 00건",
    "C-4-1": "원격검침 가구 비율 00.00%", "C-4-2": "1만명 당 혜택자 수 00.00", "C-5-1": "1천명 당 가입자 수 00.00",
    "C-5-2": "스마트 학교 00.00%", "C-6-1": "다운로드 수 00건", "C-7-1": "제공 건 수 00건",
    "C-7-2": "전체 공장 대비 스마트공장 보급율 0.00%", "C-8-1": "HIS 도입 00건", "C-8-2": "1만명 당 수혜자 수 00.00",
    "C-9-1": "친환경 건축 인증 00.00%", "C-9-2": "감소비율 00.00%", "C-10-1": "통신망비 00.00",
    "C-10-2": "인구 만명당 WiFi 비율 00.00", "C-11-1": "센터 총원 00명", "C-11-2": "협업 00건", "C-11-3": "제공 서비스 00건",
    "C-11-4": "연계·통합 센터 수 00개",
}


def numbers_text(ind: Ind, v: dict) -> list[str]:
    return [number(n, v, 2 if isinstance(n, float) or ind.kind in ("ratio", "ratio2", "breakdown") else None)
            for n in ind.numbers]


def stated(ind: Ind, spec: Indicator, v: dict, words: str) -> str:
    """``words``: tpl (요약표 template) | detail (the form's 지표 row) | bare."""
    nums = numbers_text(ind, v)
    if ind.kind == "selfset":
        value = with_unit(nums[0], ind.extra["unit"], v) if v.get("units", True) or words != "bare" else nums[0]
        return f"{ind.extra['name']} {value}" if v.get("selfset_style") == "named" or words == "detail" else value
    if ind.kind == "dept":
        e = ind.extra
        staff = with_unit(nums[0], "명", v)
        if words == "bare":
            return f"{e['office']} {e['team']}"
        sep = "/" if words == "detail" else " "
        return f"{e['office']}{sep}{e['team']} (총원 {staff})"
    if ind.kind == "bool" and "system" in ind.extra:  # a named system (000 성과 지표/시스템)
        if words == "bare":
            return mark(ind.flags[0], v)
        return f"{ind.extra['system']} {mark(ind.flags[0], v)}"
    if ind.kind == "bool" and words == "bare" and len(ind.flags) == 1:
        return mark(ind.flags[0], v)
    if words == "bare" and ind.kind != "bool":
        if ind.kind in ("list", "sum"):
            unit = spec.unit if v.get("units", True) else None
            return with_unit(number(ind.value, v), unit, v)
        unit = "%" if spec.unit == "%" and v.get("units", True) else None
        return with_unit(nums[0], unit, v)
    template = FORM_WORDS.get(spec.code) if words == "detail" else spec.summary_template
    return fill(template or spec.summary_template or "00", nums, ind.flags, v)
