"""Who may do what.

- clerk: takes bundles in (intake desk), sees everything, issues supplement letters; does not decide items;
- reviewer: decides items assigned to them or to no one (resolve, waive, request a supplement, correct a
  value, reopen) and may take an unassigned item;
- admin: accounts and assignment, and everything a reviewer may do, on every item.
Everyone signed in may comment.
"""

from __future__ import annotations

from review_queue.worklist import Item
from web.accounts import User

INTAKE_ROLES = ("clerk", "admin")
LETTER_ROLES = ("clerk", "admin")
ADMIN_ROLES = ("admin",)


def can_decide(user: User, item: Item) -> bool:
    """Act on the item's state or correct its values."""
    if user.role == "admin":
        return True
    return user.role == "reviewer" and item.assignee in (None, user.name)


def can_assign(user: User, item: Item, assignee: str | None) -> bool:
    """Admins assign anyone; a reviewer may only take an unassigned item for themselves."""
    if user.role == "admin":
        return True
    return user.role == "reviewer" and item.assignee is None and assignee == user.name
