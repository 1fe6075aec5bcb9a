"""The rows behind a city's counts and totals, with the columns the seed's 자료구축양식 gives each form.

``LISTS[code]`` is (header, group header or None, row maker); a row maker gets the rng, the row's
number and the city's name and returns (group, cells). ``"#"`` marks the running-number cell (put
first when the maker leaves it out and the header starts with No.); a ``None`` cell is the row's
date, filled in by the caller from the city's two-year window.
"""

from __future__ import annotations

import random


def _pick(rng: random.Random, words: list[str]) -> str:
    return rng.choice(words)


def _nth(words: list[str], i: int) -> str:
    """Row i's entry (1-based): distinct names down a table, as a form lists different things."""
    return words[(i - 1) % len(words)]


AWARDS = ["공공데이터 제공 우수기관", "스마트시티 어워드 대상", "정보화 우수 지자체 표창", "디지털 혁신 우수사례 장관상",
          "지능형교통체계 우수기관", "스마트도시 서비스 경진대회 최우수상", "전자정부 유공 표창"]
LABS = ["안전 귀갓길 리빙랩", "탄소중립 시민실험실", "스마트 경로당 리빙랩", "디지털 시민랩", "골목상권 데이터 리빙랩"]
COURSES = ["시니어 스마트폰 활용 교육", "키오스크 이용 교실", "청소년 코딩 캠프", "디지털 배움터 정규과정", "드론 안전비행 교실"]
PLANS = [("계획", "도시데이터 통합관리 기본계획"), ("계획", "공공데이터 품질관리 시행계획"), ("규정", "데이터 기반 행정 활성화 조례"),
         ("규정", "정보시스템 연계 표준 지침"), ("계획", "디지털트윈 구축 기본계획"), ("규정", "공공데이터 제공 및 이용 활성화 조례")]
API_DATA = [("교통물류", "버스정류소 정보"), ("교통물류", "공영주차장 실시간 정보"), ("재난안전", "민방위 대피시설"),
            ("재난안전", "침수 위험지역 정보"), ("환경기상", "대기질 측정정보"), ("환경기상", "소음 측정정보"),
            ("문화관광", "축제 일정 정보"), ("공공행정", "공공시설 예약 현황"), ("문화관광", "관광지 혼잡도"),
            ("공공행정", "민원 처리 현황"), ("교통물류", "공공자전거 대여 현황"), ("환경기상", "하천 수위 정보")]
DB_NAMES = ["CCTV 설치 현황", "공공와이파이 위치 정보", "스마트 가로등 현황", "침수 감지 센서 정보", "무더위 쉼터 정보",
            "공영주차장 현황", "재난 예·경보 시설 정보", "버스정보 안내기 현황", "스마트 벤치 위치"]
PRIVATE_APPS = [("주차 빈자리 알리미", "공영주차장 실시간 정보"), ("미세먼지 알림 챗봇", "대기질 측정정보"),
                ("동네 행사 캘린더", "축제 일정 정보"), ("안심 귀갓길 지도", "CCTV 설치 현황"), ("공공시설 예약 도우미", "공공시설 예약 현황")]
PLATFORMS = [("스마트시티 통합플랫폼", "112 신고 통합시스템, 119 긴급구조 시스템"), ("도시데이터 허브", "교통정보시스템, IoT 센서망"),
             ("디지털트윈 플랫폼", "3D 공간정보, 지하시설물 관리시스템"), ("공간정보 포털", "도로관리시스템, 상수도 관리시스템"),
             ("빅데이터 분석 플랫폼", "유동인구 데이터, 카드매출 데이터")]
SERVICES = [("스마트 안전", "지능형 CCTV 관제"), ("스마트 교통", "실시간 버스정보 안내"), ("스마트 환경", "미세먼지 알림"),
            ("스마트 행정", "AI 민원 안내"), ("스마트 교통", "공유 주차 서비스"), ("스마트 안전", "스마트 비상벨"),
            ("스마트 복지", "독거노인 안부 확인"), ("스마트 환경", "스마트 쓰레기통"), ("스마트 문화·관광", "AR 관광 안내")]
LINKS = [("교통", "주정차 단속 연계", "교통 CCTV"), ("교통", "주정차 단속 연계", "스마트 주차장"), ("방범", "5대 연계 서비스", "112 긴급영상"),
         ("방범", "5대 연계 서비스", "119 긴급출동"), ("환경", "대기환경 통합관제", "미세먼지 측정망"), ("재난", "재난 상황 공유", "재난안전상황실")]
BOARDS = ["스마트도시위원회", "스마트도시 민관협의회", "스마트시티 추진협의체"]
MEETINGS = ["본회의", "분과회의", "정기회의", "서면심의", "자문회의"]
EVENTS_HOME = ["스마트시티 포럼", "스마트도시 박람회 참가", "도시데이터 컨퍼런스", "월드스마트시티엑스포 참가", "스마트시티 정책 세미나"]
EVENTS_ABROAD = ["Smart City Expo World Congress 참가", "Smart City Asia Pacific 참가", "해외 스마트시티 협력 포럼"]
TRANSIT_APIS = ["노선정보 조회", "버스위치 정보", "정류소정보 조회", "버스도착정보 조회", "대중교통 환승경로 조회", "지하철 실시간 도착"]
TRAFFIC_APIS = ["교통수단별 통행현황 통계", "교차로 통행량 정보", "도로 구간 소통정보", "화물차 통행량 통계"]
DISASTER = [("통합재난관리시스템", "재난상황 관리"), ("재난안전 포털", "재난안전 지도"), ("산불 감시 시스템", "산불 감지"),
            ("하천 수위 경보 시스템", "홍수 예경보"), ("지진 조기경보 연계", "지진 알림"), ("폭염 대응 관제", "취약지 감시")]
POLICIES = [("스마트 정류장 설치 우선지역 선정", "승하차 이력, 인구 데이터"), ("안심 귀갓길 조성 구간 선정", "112 신고 이력, 유동인구"),
            ("공영주차장 확충 입지 선정", "주차 수요, 불법주정차 단속 데이터"), ("무더위 쉼터 배치 개선", "기온, 고령인구 분포")]
CENTER_WORK = [("CCTV 관제", "여성 안심 귀가 지원"), ("CCTV 관제", "지능형 가로등 구축"), ("재난 관제", "침수 감시 협업"),
               ("교통 관제", "불법 주정차 단속 연계"), ("R&D", "안전 기술 실증")]
CENTER_SERVICES = [("방범 서비스", "CCTV 방범 관제"), ("방범 서비스", "맞춤형 여성보호"), ("방범 서비스", "안심 귀가 영상 지원"),
                   ("교통 서비스", "교통 상황 관제"), ("교통 서비스", "불법 주정차 알림"), ("재난 서비스", "재난 상황 전파"),
                   ("재난 서비스", "침수 위험 감시"), ("시설물 서비스", "시설물 원격 감시"), ("시설물 서비스", "가로등 고장 감지")]
CENTERS = [("도시통합운영센터", "방범센터"), ("도시통합운영센터", "교통정보센터"), ("도시통합운영센터", "재난안전상황실"),
           ("도시통합운영센터", "119 종합상황실 연계"), ("도시통합운영센터", "112 상황실 연계"), ("CCTV 관제센터", "어린이보호구역 관제"),
           ("CCTV 관제센터", "주차관제센터"), ("CCTV 관제센터", "하천 감시 관제"), ("CCTV 관제센터", "산불 감시 관제")]


LISTS = {
    "A-1-2": (["No.", "표창명", "수상일시", "수상부서 (수상자)", "수여기관"], "구분",
              lambda rng, i, city: (_pick(rng, ["기관", "기관", "개인"]), [_pick(rng, AWARDS), None, "스마트도시과",
                                    _pick(rng, ["행정안전부", "국토교통부", "과학기술정보통신부", "한국정보화진흥원"])])),
    "A-2-3": (["No.", "리빙랩명", "내용", "운영 일시"], None,
              lambda rng, i, city: ("", [_pick(rng, LABS), f"시민 참여 회의 {i}차", None])),
    "A-2-4": (["No.", "프로그램명", "운영기관", "운영기간"], None,
              lambda rng, i, city: ("", [f"{_pick(rng, COURSES)} {i}기", f"{city} {_pick(rng, ['평생학습관', '교육센터'])}",
                                         None])),
    "A-3-1": (["No.", "명칭", "수립(시행) 연도", "도시정보 연계·통합 관련 내용(요약)"], "구분",
              lambda rng, i, city: (PLANS[i % len(PLANS)][0], [f"{city} {PLANS[i % len(PLANS)][1]}",
                                    f"'{rng.randint(18, 24)}.{rng.randint(1, 12)}", "데이터 연계·통합 절차 규정"])),
    "A-3-4": (["No.", "DB명"], None, lambda rng, i, city: ("", [f"{city} {DB_NAMES[i % len(DB_NAMES)]}"])),
    "A-3-5": (["No.", "서비스명", "활용데이터", "확인가능 출처"], None,
              lambda rng, i, city: ("", [PRIVATE_APPS[i % 5][0] + ("" if i <= 5 else " 시즌2"), PRIVATE_APPS[i % 5][1],
                                         "모바일 앱 링크"])),
    "A-3-6": (["No.", "플랫폼명", "연계시스템"], None, lambda rng, i, city: ("", list(PLATFORMS[i % len(PLATFORMS)]))),
    "A-3-7": (["No.", "서비스명", "관리부서", "비고"], "부문",
              lambda rng, i, city: (SERVICES[i % len(SERVICES)][0], [SERVICES[i % len(SERVICES)][1],
                                    _pick(rng, ["스마트도시과", "교통정책과", "안전총괄과"]), ""])),
    "A-3-8": (["연계통합명", "No.", "통합(연계)시스템명", "유관기관"], "분류",
              lambda rng, i, city: (LINKS[i % len(LINKS)][0], [LINKS[i % len(LINKS)][1], "#", LINKS[i % len(LINKS)][2],
                                    _pick(rng, ["경찰서", "소방서", "교통과"])])),
    "B-1-1": (["No.", "회의명", "개최일"], "협의체명",
              lambda rng, i, city: (BOARDS[0], [f"{city} {BOARDS[0]} {_pick(rng, MEETINGS)}", None])),
    "B-3-1": (["No.", "명칭", "주최기관", "참여일"], "구분", None),  # drawn by the caller: 국내 rows, then 국외
    "C-1-2": (["No.", "대중교통정보 API 적용서비스", "활용신청건수(건)", "서비스 호출건수(건)"], None,
              lambda rng, i, city: ("", [_nth(TRANSIT_APIS, i), rng.randint(3, 40), rng.randint(2000, 90000)])),
    "C-1-3": (["No.", "교통 통행량 API 적용서비스", "적용기관"], None,
              lambda rng, i, city: ("", [TRAFFIC_APIS[i % len(TRAFFIC_APIS)], _pick(rng, ["국가교통정보센터", "교통데이터 허브"])])),
    "C-2-4": (["No.", "시스템(서비스)명", "관리부서", "주요기능"], None,
              lambda rng, i, city: ("", [DISASTER[i % len(DISASTER)][0], "재난안전과", DISASTER[i % len(DISASTER)][1]])),
    "C-3-2": (["No.", "정책명", "활용데이터", "수립일자"], None,
              lambda rng, i, city: ("", [POLICIES[i % 4][0] + ("" if i <= 4 else " 2단계"), POLICIES[i % 4][1], None])),
    "C-11-2": (["No.", "담당 업무", "협업 사업", "협업 기관", "일자"], "연도",
               lambda rng, i, city: ("", [*CENTER_WORK[i % 5], _pick(rng, ["경찰서", "교통과", "소방서"]), None])),
    "C-11-3": (["No.", "세부 서비스"], "서비스 분야",
               lambda rng, i, city: (CENTER_SERVICES[(i - 1) % 9][0], [CENTER_SERVICES[(i - 1) % 9][1]])),
    "C-11-4": (["No.", "연계·통합 부문별 센터"], "연계·통합된 센터명",
               lambda rng, i, city: (CENTERS[(i - 1) % 9][0], [CENTERS[(i - 1) % 9][1]])),
}

# Totals: (header, row maker → (label cells, amount)); the value is the sum of the amounts.
SUMS = {
    "A-3-2": (["카테고리", "No.", "명칭 (데이터 중)", "서비스 유형", "제공 건 수"],
              lambda rng, i: ([API_DATA[i % 12][0], "#", API_DATA[i % 12][1], _pick(rng, ["REST", "SOAP", "LINK"])],
                              rng.randint(40, 420))),
    "A-3-3": (["카테고리", "No.", "제공데이터 (데이터 중)", "파일분류", "제공 건 수"],
              lambda rng, i: ([API_DATA[(i + 5) % 12][0], "#", API_DATA[(i + 5) % 12][1],
                               _pick(rng, ["CSV", "JSON", "XLSX"])], rng.randint(20, 260))),
    "B-4-3": (["No.", "사업명", "민간기업", "민투예산(백만원)"],
              lambda rng, i: (["#", _nth(["스마트시티 챌린지 사업", "자율주행 실증 사업", "5G 스마트서비스 실증", "데이터 허브 구축",
                                          "스마트 주차 민간투자 사업"], i), _pick(rng, ["(주)가온", "(주)한빛ICT", "누리텔레콤(주)"])],
                              rng.randint(300, 8000))),
    "C-2-2": (["구분", "비고", "관제실적"],
              lambda rng, i: ([_nth(["관제인력 탐지", "사고대응 요청", "112 영상 지원", "유관기관 요청"], i), ""], rng.randint(300, 3000))),
    "C-3-1": (["No.", "명칭", "내용", "참여 수(천명)"],
              lambda rng, i: (["#", _nth(["시민 제안 플랫폼", "모바일 투표 앱", "정책 토론방", "주민참여예산 시스템"], i), "시민 정책 참여"],
                              rng.randint(15, 320))),
    "C-6-1": (["No.", "서비스 명", "제공내용", "총 다운로드 건 수"],
              lambda rng, i: (["#", _nth(["AR 관광 안내", "스마트 관광 앱", "VR 축제 체험", "문화유산 오디오 가이드"], i), "관광 정보 제공"],
                              rng.randint(500, 30000))),
    "C-7-1": (["No.", "서비스명", "서비스 대상", "제공 건수"],
              lambda rng, i: (["#", _nth(["상권분석 서비스", "창업입지 분석", "골목상권 분석", "유동인구 상권지도"], i), "소상공인"],
                              rng.randint(50, 600))),
    "C-8-1": (["No.", "기관명", "도입 건 수"],
              lambda rng, i: (["#", _nth(["보건소", "동부 보건지소", "시립병원", "치매안심센터", "서부 보건지소"], i)], rng.randint(1, 5))),
    "C-11-1": (["센터명", "전담공무원", "외부기관 파견인력", "관제요원", "기타"], None),  # drawn by the caller
}
