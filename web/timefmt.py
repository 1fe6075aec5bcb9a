"""Times as the agency reads them: Korea Standard Time (UTC+9, no daylight saving)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

KST = timezone(timedelta(hours=9), "KST")


def aware(value: datetime) -> datetime:
    """SQLite hands back naive times; the store keeps UTC."""
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def kst(value: datetime | str | None, seconds: bool = False, label: bool = True) -> str:
    """``2025-09-23 11:30 (KST)``: the label says which clock, as every time shown to the agency does."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    shown = aware(value).astimezone(KST).strftime("%Y-%m-%d %H:%M" + (":%S" if seconds else ""))
    return f"{shown} (KST)" if label else shown


def parse_local(value: str | None) -> datetime | None:
    """A ``datetime-local`` form value (2025-09-23T11:30) taken as KST; one with an offset is kept as given."""
    value = (value or "").strip()
    if not value:
        return None
    when = datetime.fromisoformat(value)
    return when if when.tzinfo else when.replace(tzinfo=KST)
