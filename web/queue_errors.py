"""The review queue's refusals (English, for the operator's log) said in Korean for the page."""

from __future__ import annotations

import logging
import re

from review_queue.worklist import InvalidInput, InvalidTransition, NotFound, QueueError
from schemas.vocabulary import STATE_KO
from web.templating import ACTION_KO

log = logging.getLogger(__name__)

# InvalidInput messages (review_queue.worklist) → Korean, by their wording
INPUT_KO = [
    (re.compile(r"^not a number: (.*)$"), "숫자가 아닙니다: {0}"),
    (re.compile(r"^not a yes/no value: (\S+)"), "예/아니오 값이 아닙니다: {0} (예, 아니오, O, X 중 하나)"),
    (re.compile(r"^a count must be a whole number ≥ 0: (.*)$"), "건수는 0 이상의 정수여야 합니다: {0}"),
    (re.compile(r"^(\S+): a self-score is between 0 and (\S+), not (.*)$"), "{0}의 자체평가 점수는 0~{1}점이어야 합니다 (입력 {2})"),
    (re.compile(r"^(\S+) has no component '?([^',]+)'?"), "{0}에는 구성 요소 {1}이(가) 없습니다"),
    (re.compile(r"^(\S+) has no components$"), "{0}에는 구성 요소가 없습니다"),
    (re.compile(r"^qualitative sub-area (\S+) has no components$"), "정성지표 {0}에는 구성 요소가 없습니다"),
    (re.compile(r"^'?([^' ]+)'? is neither an indicator code"), "{0}은(는) 이 프로그램의 지표나 정성지표가 아닙니다"),
    (re.compile(r"^'?([^' ]+)'? is not a sub-item of"), "{0}은(는) 이 프로그램의 평가 항목이 아닙니다"),
    (re.compile(r"^waiving an item needs a reason$"), "예외 인정에는 사유가 필요합니다"),
    (re.compile(r"^a comment needs text$"), "의견 내용을 입력하십시오"),
    (re.compile(r"has no correction to withdraw$"), "되돌릴 보정이 없습니다"),
    (re.compile(r"^the submission's programme is unknown"), "프로그램을 판별하지 못한 제출 건의 값은 보정할 수 없습니다"),
]


def queue_error_ko(exc: QueueError) -> str:
    """One Korean sentence for the page; the English original goes to the log."""
    log.info("queue refused: %s: %s", type(exc).__name__, exc)
    if isinstance(exc, NotFound):
        return "그런 제출 건이 없습니다" if "submission" in str(exc) else "그런 검토 항목이 없습니다"
    if isinstance(exc, InvalidTransition):
        allowed = ", ".join(STATE_KO.get(s, s) for s in exc.allowed_from)
        return (f"#{exc.item_id} 항목은 지금 '{STATE_KO.get(exc.state, exc.state)}' 상태라 "
                f"'{ACTION_KO.get(exc.action, exc.action)}' 처리를 할 수 없습니다 (가능한 상태: {allowed})")
    if isinstance(exc, InvalidInput):
        text = str(exc)
        for pattern, korean in INPUT_KO:
            if match := pattern.search(text):
                return korean.format(*match.groups())
    return "요청을 처리할 수 없습니다"
