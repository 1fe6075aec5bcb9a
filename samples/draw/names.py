"""What the files are called and where they sit: four naming habits per programme, numbered folders
or none, and the name of the USB folder or archive."""

from __future__ import annotations

# role → name per scheme; {org} the applicant, {svc} the service. "extra" is an added evidence file.
CITY_NAMES = [
    {"application": "1_신청서_{org}", "quantitative_proposal": "2_정량지표_평가제안서_{org}", "annex": "2-1_정량지표_산출내역",
     "qualitative_self_assessment": "3_정성지표_자체평가표_{org}", "evidence": "4_근거자료_{org}", "extra": "4-2_근거자료_추가"},
    {"application": "{org} 스마트도시 인증 공모 신청서", "quantitative_proposal": "{org} 정량지표 평가제안서(최종)",
     "annex": "{org} 정량지표 산출근거(붙임)", "qualitative_self_assessment": "{org} 정성지표 자체평가표",
     "evidence": "{org} 증빙자료", "extra": "{org} 증빙자료(추가)"},
    {"application": "(제출) 01 신청서", "quantitative_proposal": "(제출) 02 평가제안서", "annex": "(제출) 02-붙임 산출내역",
     "qualitative_self_assessment": "(제출) 03 자체평가표", "evidence": "(제출) 04 근거자료", "extra": "(제출) 05 추가자료"},
    {"application": "2025_스마트도시인증_신청서_{org}", "quantitative_proposal": "2025_스마트도시인증_정량제안서_{org}",
     "annex": "2025_스마트도시인증_정량부속자료_{org}", "qualitative_self_assessment": "2025_스마트도시인증_정성자체평가_{org}",
     "evidence": "2025_스마트도시인증_근거자료_{org}", "extra": "2025_스마트도시인증_근거자료_보완_{org}"},
]
SERVICE_NAMES = [
    {"application": "1_인증신청서_{org}", "service_proposal": "2_평가제안서_{svc}", "self_evaluation": "3_자체평가표_{svc}",
     "joint_applicant_confirmation": "별지5_공동참여기관 확인서", "privacy_consent": "붙임1_개인정보 수집이용 동의서",
     "evidence": "4_근거자료_{svc}", "extra": "4-2_근거자료_추가"},
    {"application": "{org} 스마트도시서비스 인증 신청서", "service_proposal": "{org} 평가제안서",
     "self_evaluation": "{org} 자체평가표", "joint_applicant_confirmation": "{org} 공동참여기관 확인서",
     "privacy_consent": "{org} 개인정보 동의서", "evidence": "{org} 증빙자료", "extra": "{org} 증빙자료(추가)"},
    {"application": "(제출) 01 신청서", "service_proposal": "(제출) 02 평가제안서", "self_evaluation": "(제출) 03 자체평가표",
     "joint_applicant_confirmation": "(제출) 05 공동참여기관 확인서", "privacy_consent": "(제출) 06 개인정보 동의서",
     "evidence": "(제출) 04 근거자료", "extra": "(제출) 04-2 근거자료"},
    {"application": "[{svc}] 신청서", "service_proposal": "[{svc}] 평가제안서", "self_evaluation": "[{svc}] 자체평가표",
     "joint_applicant_confirmation": "[{svc}] 공동참여기관 확인서", "privacy_consent": "[{svc}] 개인정보 수집·이용 동의서",
     "evidence": "[{svc}] 근거자료", "extra": "[{svc}] 근거자료 보완"},
]
FOLDERS = {"application": "1. 신청서", "quantitative_proposal": "2. 평가제안서", "annex": "2. 평가제안서",
           "service_proposal": "2. 평가제안서", "qualitative_self_assessment": "3. 자체평가표", "self_evaluation": "3. 자체평가표",
           "joint_applicant_confirmation": "1. 신청서", "privacy_consent": "1. 신청서", "evidence": "4. 근거자료",
           "extra": "4. 근거자료"}


def file_name(kind: str, slot: str, scheme: int, fmt: str, org: str, svc: str = "") -> str:
    names = CITY_NAMES if kind == "city" else SERVICE_NAMES
    return names[scheme][slot].format(org=org, svc=svc) + "." + fmt


def member_path(slot: str, name: str, top: str, tree: str) -> str:
    """A file's path inside a USB delivery: under a top folder, in a numbered sub-folder or not."""
    return f"{top}/{FOLDERS[slot]}/{name}" if tree == "folders" else f"{top}/{name}"


def top_folder(org: str, scheme: int) -> str:
    return [f"{org}_제출자료", f"{org} 스마트도시 인증 제출", "제출서류", f"2025 인증신청_{org}"][scheme]


def archive_name(org: str, scheme: int) -> str:
    return [f"{org}_USB.zip", f"{org} 제출자료(USB).zip", "USB_제출서류.zip", f"{org}_인증신청_USB사본.zip"][scheme]
