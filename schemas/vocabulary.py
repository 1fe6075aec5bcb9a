"""The project's closed vocabularies and their Korean labels, one place each (Label Studio's ``choices.py``).

Programme words (codes, titles, form labels, size classes, levels) live in the programme data
(``schemas/programmes/*.yaml``); what is here belongs to the pipeline itself.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

from schemas.yaml_data import read_yaml

# Findings: how much a problem holds up the preliminary check, most severe first.
Severity = Literal["blocker", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("blocker", "warning", "info")
SEVERITY_KO = {"blocker": "보완 필수", "warning": "확인 필요", "info": "참고"}

# Review items: open states still need someone's attention.
STATES = ("open", "in_review", "supplement_requested", "resolved", "waived")
OPEN_STATES = ("open", "in_review", "supplement_requested")
CLOSED_STATES = ("resolved", "waived")
STATE_KO = {"open": "미처리", "in_review": "검토 중", "supplement_requested": "보완 요청",
            "resolved": "해결", "waived": "예외 인정"}
# What a reviewer does to an item (review_queue.worklist), as the command line names it.
ACTION_KO = {"start_review": "검토 시작", "resolve": "해결", "waive": "예외 인정", "request_supplement": "보완요구",
             "reopen": "다시 열기", "assign": "담당 지정", "comment": "의견", "correct": "값 보정"}

# Bundles: how a bundle came in, and how far processing got.
Channel = Literal["email", "usb", "folder"]
CHANNEL_KO = {"email": "전자우편", "usb": "USB(우편·방문)", "folder": "폴더"}
BUNDLE_STATES = ("received", "processing", "processed", "not_submission", "failed")
BUNDLE_STATE_KO = {"received": "접수", "processing": "처리 중", "processed": "처리 완료", "not_submission": "제출 서류 아님",
                   "failed": "처리 실패"}
DONE_BUNDLE_STATES = ("processed", "not_submission")  # processed to the end: an ingest run skips these
DELIVERIES = ("email", "post", "hand")  # what the clerk enters for an upload
DELIVERY_KO = {"email": "전자우편", "post": "우편", "hand": "방문(인편)"}
# The stages a bundle goes through in flows.process (its progress hook), with the words the clerk reads.
PROCESS_STAGES = ("opening", "storing", "extracting", "assessing", "recording")
STAGE_KO = {"opening": "번들 여는 중", "storing": "원본 보관 중", "extracting": "파일 내용 추출 중",
            "assessing": "지표 매핑·점검 중", "recording": "결과 기록 중"}

# Documents: the role a file plays in its bundle.
DocumentRole = Literal["application", "quantitative_proposal", "qualitative_self_assessment", "service_proposal",
                       "self_evaluation", "joint_applicant_confirmation", "privacy_consent", "evidence", "other"]
DOCUMENT_ROLE_KO = {"application": "신청서", "quantitative_proposal": "정량제안서",
                    "qualitative_self_assessment": "정성자체평가", "service_proposal": "평가제안서",
                    "self_evaluation": "자체평가표", "joint_applicant_confirmation": "공동확인서",
                    "privacy_consent": "개인정보동의", "evidence": "근거자료", "other": "기타"}

# Accounts of the web app.
USER_ROLES = ("clerk", "reviewer", "admin")
USER_ROLE_KO = {"clerk": "접수 담당", "reviewer": "검토위원", "admin": "관리자"}

# Yes/no words and checkbox marks as applicants write them: data in vocabulary.yaml, shaped here.
VOCABULARY_PATH = Path(__file__).parent / "vocabulary.yaml"


class YesNo(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    yes: tuple[str, ...]
    no: tuple[str, ...]


class YesNoVocabulary(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    answers: YesNo  # a whole answer
    marks: YesNo  # marks read where they stand in a text


class CheckboxVocabulary(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    ticked: tuple[str, ...]
    unticked: tuple[str, ...]
    brackets: tuple[str, ...]  # opening and closing character: "[]"
    bracketed_ticked: tuple[str, ...] = ()  # ticked only inside brackets ([O])

    @model_validator(mode="after")
    def _pairs(self) -> "CheckboxVocabulary":
        if any(len(b) != 2 for b in self.brackets):
            raise ValueError(f"brackets are pairs of characters: {self.brackets}")
        if set(self.ticked) & set(self.unticked):
            raise ValueError(f"marks both ticked and unticked: {set(self.ticked) & set(self.unticked)}")
        return self


class MarkVocabulary(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    yes_no: YesNoVocabulary
    checkbox: CheckboxVocabulary
    not_applicable: tuple[str, ...]  # a cell saying nothing was chosen (`-`, `해당 없음`)
    counting_units: tuple[str, ...] = ()  # a number before one is whole (`2,335가구`)


@lru_cache(maxsize=1)
def mark_vocabulary() -> MarkVocabulary:
    return MarkVocabulary(**read_yaml(VOCABULARY_PATH))


def _words(words: tuple[str, ...]) -> frozenset[str]:
    return frozenset(unicodedata.normalize("NFKC", w).strip().lower() for w in words)


# The whole answers, lower-cased: `word in YES_WORDS` (review_queue.worklist.targets, mapping.marks).
YES_WORDS = _words(mark_vocabulary().yes_no.answers.yes)
NO_WORDS = _words(mark_vocabulary().yes_no.answers.no)
YES_KO, NO_KO = "예", "아니오"
