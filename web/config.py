"""The web app's configuration: ``intake serve``'s options over the pipeline's settings (``schemas.settings``).

The app is handed the pipeline: ``processor`` runs one saved upload (the CLI passes the ``process_bundle``
flow; tests pass a stand-in), so the web app never imports the flows above it.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from schemas.settings import VAR, settings

SECURE_CHOICES = ("auto", "always", "never")


def _secret_from_file(path: Path) -> str:
    """A random signing key kept beside the store, created on first start (readable by the owner only)."""
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(key + "\n")
    return key


@dataclass
class Settings:
    database_url: str = field(default_factory=lambda: settings().database_url)
    store_root: Path = field(default_factory=lambda: settings().store_dir)
    out_root: Path = Path("out")
    secret: str = ""
    secure_cookies: str = "auto"
    hsts_seconds: int = 0  # Strict-Transport-Security: max-age, 0 for none (INTAKE_WEB_HSTS_SECONDS)
    session_hours: float = 12.0
    upload_max_bytes: int = 512 * 1024**2
    # Runs one saved upload: (entry, out_dir, received_at, database_url, store_root); raises when it failed.
    # None: uploads are saved and wait (the intake desk says so) until an app with a processor starts.
    processor: Callable[..., Any] | None = None
    start_worker: bool = True

    def __post_init__(self) -> None:
        if self.secure_cookies not in SECURE_CHOICES:
            raise ValueError(f"secure_cookies must be one of {', '.join(SECURE_CHOICES)}")
        self.store_root = Path(self.store_root)
        self.out_root = Path(self.out_root)
        if not self.secret:
            self.secret = settings().web_secret or _secret_from_file(VAR / "web-secret")

    @property
    def incoming(self) -> Path:
        """Where browser uploads are saved: the store's incoming folder (as the mailbox flow's incoming/mail)."""
        return self.store_root.parent / "incoming" / "web"

    @classmethod
    def from_env(cls, **overrides: Any) -> "Settings":
        values: dict[str, Any] = {
            "secure_cookies": settings().web_secure_cookies,
            "hsts_seconds": settings().web_hsts_seconds,
            "session_hours": settings().web_session_hours,
            "upload_max_bytes": int(settings().web_upload_mb * 1024**2),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)
