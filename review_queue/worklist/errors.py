"""Errors the reviewers' API raises; the web app maps them to 404 / 409 / 422.

Each refusal is a code from ``review_queue/refusals.yaml`` with its fields: ``str(exc)`` is the English
sentence for the operator's log and the API, ``exc.ko`` the Korean one for the reviewer's page and the CLI.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any


from checks.particles import with_particles
from schemas.vocabulary import ACTION_KO, STATE_KO
from schemas.yaml_data import read_yaml

REFUSALS_PATH = Path(__file__).parents[1] / "refusals.yaml"


@cache
def refusals() -> dict[str, dict[str, str]]:
    return read_yaml(REFUSALS_PATH)


class QueueError(Exception):
    """Base of every refusal by the review queue: a catalogue code and the fields its sentences name."""

    def __init__(self, code: str, **fields: Any):
        self.code, self.fields = code, fields
        super().__init__(refusals()[code]["en"].format(**fields))

    @property
    def ko(self) -> str:
        return with_particles(refusals()[self.code]["ko"].format(**self.fields))


class NotFound(QueueError, LookupError):
    pass


class InvalidTransition(QueueError):
    def __init__(self, item_id: int, action: str, state: str, allowed_from: tuple[str, ...]):
        self.item_id, self.action, self.state, self.allowed_from = item_id, action, state, allowed_from
        super().__init__("wrong_state", item_id=item_id, state=state, action=action, allowed=", ".join(allowed_from),
                         state_ko=STATE_KO.get(state, state), action_ko=ACTION_KO.get(action, action),
                         allowed_ko=", ".join(STATE_KO.get(s, s) for s in allowed_from))


class InvalidInput(QueueError, ValueError):
    pass
