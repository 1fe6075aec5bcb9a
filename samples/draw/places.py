"""Who applies: Korean local governments (with their rough size) and service companies, people's
names, and registration numbers that pass (or, for a defect, fail) the check digit."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class City:
    name: str
    roman: str
    population: int  # about, at the end of 2024; drawn ±3 % per bundle
    address: str
    area_km2: float

    @property
    def kind(self) -> str:
        for kind in ("특별자치시", "광역시", "특별시", "시", "군", "구"):
            if self.name.endswith(kind):
                return kind
        return "시"


# Rough sizes of real places; addresses are the city halls' (as published), areas rounded.
CITIES = [
    City("수원시", "suwon", 1_190_000, "경기도 수원시 팔달구 효원로 241", 121.0),
    City("용인시", "yongin", 1_075_000, "경기도 용인시 처인구 중부대로 1199", 591.0),
    City("고양시", "goyang", 1_070_000, "경기도 고양시 덕양구 고양시청로 10", 268.0),
    City("창원시", "changwon", 1_005_000, "경상남도 창원시 의창구 중앙대로 151", 748.0),
    City("화성시", "hwaseong", 950_000, "경기도 화성시 남양읍 시청로 159", 700.0),
    City("성남시", "seongnam", 905_000, "경기도 성남시 중원구 성남대로 997", 142.0),
    City("청주시", "cheongju", 850_000, "충청북도 청주시 상당구 상당로 155", 940.0),
    City("부천시", "bucheon", 775_000, "경기도 부천시 길주로 210", 53.0),
    City("남양주시", "namyangju", 730_000, "경기도 남양주시 경춘로 1037", 458.0),
    City("천안시", "cheonan", 660_000, "충청남도 천안시 서북구 번영로 156", 636.0),
    City("전주시", "jeonju", 640_000, "전북특별자치도 전주시 완산구 노송광장로 10", 206.0),
    City("안산시", "ansan", 620_000, "경기도 안산시 단원구 화랑로 387", 156.0),
    City("평택시", "pyeongtaek", 600_000, "경기도 평택시 경기대로 245", 458.0),
    City("안양시", "anyang", 550_000, "경기도 안양시 동안구 시민대로 235", 58.0),
    City("김해시", "gimhae", 530_000, "경상남도 김해시 김해대로 2401", 463.0),
    City("시흥시", "siheung", 520_000, "경기도 시흥시 시청로 20", 139.0),
    City("대전광역시", "daejeon", 1_440_000, "대전광역시 서구 둔산로 100", 540.0),
    City("광주광역시", "gwangju", 1_410_000, "광주광역시 서구 내방로 111", 501.0),
    City("울산광역시", "ulsan", 1_100_000, "울산광역시 남구 중앙로 201", 1062.0),
    City("인천광역시", "incheon", 3_000_000, "인천광역시 남동구 정각로 29", 1067.0),
    City("세종특별자치시", "sejong", 390_000, "세종특별자치시 한누리대로 2130", 465.0),
    City("포항시", "pohang", 495_000, "경상북도 포항시 남구 시청로 1", 1130.0),
    City("김포시", "gimpo", 485_000, "경기도 김포시 사우중로 1", 276.0),
    City("의정부시", "uijeongbu", 460_000, "경기도 의정부시 시민로 1", 82.0),
    City("구미시", "gumi", 405_000, "경상북도 구미시 송정대로 55", 615.0),
    City("원주시", "wonju", 360_000, "강원특별자치도 원주시 시청로 1", 868.0),
    City("진주시", "jinju", 340_000, "경상남도 진주시 동진로 155", 713.0),
    City("아산시", "asan", 345_000, "충청남도 아산시 시민로 456", 542.0),
    City("양산시", "yangsan", 355_000, "경상남도 양산시 중앙로 39", 485.0),
    City("춘천시", "chuncheon", 285_000, "강원특별자치도 춘천시 시청길 11", 1116.0),
    City("순천시", "suncheon", 275_000, "전라남도 순천시 장명로 30", 911.0),
    City("익산시", "iksan", 270_000, "전북특별자치도 익산시 인북로32길 1", 507.0),
    City("여수시", "yeosu", 270_000, "전라남도 여수시 시청로 1", 512.0),
    City("광명시", "gwangmyeong", 280_000, "경기도 광명시 시청로 20", 38.5),
    City("강릉시", "gangneung", 210_000, "강원특별자치도 강릉시 강릉대로 33", 1040.0),
    City("나주시", "naju", 117_000, "전라남도 나주시 시청길 22", 608.0),
    City("송파구", "songpa", 650_000, "서울특별시 송파구 올림픽로 326", 33.9),
    City("강남구", "gangnam", 560_000, "서울특별시 강남구 학동로 426", 39.5),
    City("서초구", "seocho", 410_000, "서울특별시 서초구 남부순환로 2584", 47.0),
    City("마포구", "mapo", 360_000, "서울특별시 마포구 월드컵로 212", 23.8),
    City("해운대구", "haeundae", 380_000, "부산광역시 해운대구 중동2로 11", 51.5),
    City("수성구", "suseong", 410_000, "대구광역시 수성구 달구벌대로 2423", 76.5),
    City("유성구", "yuseong", 360_000, "대전광역시 유성구 대학로 211", 177.0),
    City("달성군", "dalseong", 265_000, "대구광역시 달성군 논공읍 달성군청로 33", 427.0),
    City("기장군", "gijang", 180_000, "부산광역시 기장군 기장읍 기장대로 560", 218.0),
    City("완주군", "wanju", 90_000, "전북특별자치도 완주군 용진읍 지암로 61", 821.0),
]

AREA_CODES = {"서울": "02", "부산": "051", "대구": "053", "인천": "032", "광주": "062", "대전": "042", "울산": "052",
              "세종": "044", "경기": "031", "강원": "033", "충청북": "043", "충청남": "041", "전북": "063",
              "전라남": "061", "경상북": "054", "경상남": "055"}


def area_code(address: str) -> str:
    return next((code for prefix, code in AREA_CODES.items() if address.startswith(prefix)), "02")


@dataclass(frozen=True)
class Company:
    name: str
    address: str
    phone: str


# Made-up service providers (no real company is meant).
COMPANIES = [
    Company("(주)시티브릿지", "경기도 성남시 분당구 대왕판교로 645", "031-8017-2200"),
    Company("주식회사 누리스마트", "서울특별시 금천구 가산디지털1로 168", "02-2108-3400"),
    Company("(주)에코루프", "대전광역시 유성구 테크노2로 187", "042-934-5120"),
    Company("한결모빌리티 주식회사", "부산광역시 해운대구 센텀동로 99", "051-711-6030"),
    Company("(주)도담데이터", "광주광역시 북구 첨단벤처로 60", "062-971-8850"),
    Company("주식회사 그린웨이브", "인천광역시 연수구 송도과학로 32", "032-858-4470"),
    Company("(주)파킹노트", "서울특별시 마포구 월드컵북로 396", "02-6959-2210"),
    Company("세이프온 주식회사", "대구광역시 동구 동대구로 465", "053-753-9010"),
]

SERVICE_NAMES = {
    "교통": ["IoT 공영주차 공유 서비스", "AI 교차로 신호 최적화 서비스", "수요응답형 셔틀 운행 서비스",
           "실시간 버스 혼잡도 안내 서비스", "스마트 주정차 단속 안내 서비스"],
    "환경·에너지": ["IoT 대기질 측정 알림 서비스", "스마트 가로등 에너지 관리 서비스", "건물 에너지 통합관리 서비스",
               "하수 악취 실시간 관제 서비스", "태양광 발전량 예측 서비스"],
    "other": ["AI 민원 안내 서비스", "지능형 화재 감지 서비스", "독거노인 안심 돌봄 서비스", "AR 관광 안내 서비스"],
}

SURNAMES = "김이박최정강조윤장임한오서신권황안송류홍전고문손양배백허남심노하곽성차주우구민진나지엄채원천방공현함변염여추도소석선설마길연위표명기반라왕금옥육인맹제모탁국어은편용"
GIVEN = ["민", "서", "지", "현", "준", "영", "수", "진", "재", "성", "태", "우", "정", "은", "혜", "동", "승", "경", "상",
         "윤", "희", "호", "석", "원", "철", "미", "주", "연", "기", "훈"]


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES[:30]) + rng.choice(GIVEN) + rng.choice(GIVEN)


REG_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)  # the National Tax Service's check-digit weights


def check_digit(first9: list[int]) -> int:
    total = sum(d * w for d, w in zip(first9, REG_WEIGHTS)) + first9[8] * 5 // 10
    return (10 - total % 10) % 10


def registration_no(rng: random.Random, kind_code: str, *, valid: bool = True) -> str:
    """A 사업자등록번호 (XXX-YY-ZZZZZ): YY 83 for a public body, 81/86/87/88 for a corporation."""
    digits = [rng.randint(1, 6), rng.randint(0, 9), rng.randint(0, 9), int(kind_code[0]), int(kind_code[1])]
    digits += [rng.randint(0, 9) for _ in range(4)]
    check = check_digit(digits)
    if not valid:
        check = (check + rng.randint(1, 9)) % 10
    digits.append(check)
    text = "".join(map(str, digits))
    return f"{text[:3]}-{text[3:5]}-{text[5:]}"
