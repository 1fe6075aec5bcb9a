"""Times as the committee and the clerks read them: Korea Standard Time, labelled (`2025-09-23 11:30 (KST)`)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

KST = timezone(timedelta(hours=9), "KST")


def kst_label(value: datetime | str | None, unknown: str = "") -> str:
    """``value`` (aware, naive UTC as the store hands it back, or ISO text) in KST with its label."""
    if value is None or value == "":
        return unknown
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return f"{value.astimezone(KST):%Y-%m-%d %H:%M} (KST)"


def now_kst_label() -> str:
    return kst_label(datetime.now(timezone.utc))
