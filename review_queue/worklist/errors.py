"""Errors the reviewers' API raises; the web app maps them to 404 / 409 / 422."""

from __future__ import annotations


class QueueError(Exception):
    """Base of every refusal by the review queue."""


class NotFound(QueueError, LookupError):
    pass


class InvalidTransition(QueueError):
    def __init__(self, item_id: int, action: str, state: str, allowed_from: tuple[str, ...]):
        self.item_id, self.action, self.state, self.allowed_from = item_id, action, state, allowed_from
        super().__init__(f"item {item_id} is {state}: cannot {action} "
                         f"(allowed only from {', '.join(allowed_from)})")


class InvalidInput(QueueError, ValueError):
    pass
