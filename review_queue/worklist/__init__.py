"""The persistent review queue: one item per finding, worked through by reviewers.

States: open, in_review, supplement_requested (still needing attention) and resolved, waived (closed);
the actions start_review, resolve, waive, request_supplement and reopen move between them
(``changes.ACTIONS``); assign and comment work in every state.
Items are kept across re-processing by a stable identity (``identity.py``) and reconciled by
``review_queue.store.record_submission`` (``reconcile.py``). The API below is what the CLI
(``intake queue``) and the web app call.
"""

from review_queue.worklist.api import (
                                    allowed_actions,
                                    assign,
                                    audit_trail,
                                    comment,
                                    count_items,
                                    get_item,
                                    list_items,
                                    reopen,
                                    request_supplement,
                                    resolve,
                                    start_review,
                                    waive,
)
from review_queue.worklist.changes import ACTIONS, PIPELINE
from review_queue.worklist.corrections import correct_value, effective_record, list_corrections, withdraw_correction
from review_queue.worklist.errors import InvalidInput, InvalidTransition, NotFound, QueueError
from review_queue.worklist.reconcile import NOTE_BACK, NOTE_GONE
from review_queue.worklist.views import AuditEntry, Comment, Correction, Counts, Item, ItemDetail

__all__ = ["ACTIONS", "NOTE_BACK", "NOTE_GONE", "PIPELINE", "AuditEntry", "Comment", "Correction", "Counts", "InvalidInput",
           "InvalidTransition", "Item", "ItemDetail", "NotFound", "QueueError", "allowed_actions", "assign",
           "audit_trail", "comment", "correct_value", "count_items", "effective_record", "get_item", "list_corrections",
           "list_items", "reopen", "request_supplement", "resolve", "start_review", "waive", "withdraw_correction"]
