"""The review queue's refusals on the page: the Korean sentence of the refusal's code, the English one in the log."""

from __future__ import annotations

import logging

from review_queue.worklist import QueueError

log = logging.getLogger(__name__)


def queue_error_ko(exc: QueueError) -> str:
    log.info("queue refused: %s: %s", type(exc).__name__, exc)
    return exc.ko
