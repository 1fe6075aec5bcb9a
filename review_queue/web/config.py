"""The web app's settings: from ``intake serve``'s options, else the environment, else defaults.

    INTAKE_DATABASE_URL         the store (default sqlite:///var/intake.db)
    INTAKE_STORE_DIR            the raw store (default var/store); uploads go to its sibling incoming/web/
    INTAKE_WEB_SECRET           key that signs the cookies; default: a random key kept in var/web-secret (0600)
    INTAKE_WEB_SECURE_COOKIES   auto (Secure when the request came over https), always, never
    INTAKE_WEB_SESSION_HOURS    how long a sign-in lasts (default 12)
    INTAKE_WEB_UPLOAD_MB        the largest upload accepted, all files together (default 512)
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from intake.rawstore import default_root
from review_queue.store import default_url

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
    database_url: str = field(default_factory=default_url)
    store_root: Path = field(default_factory=default_root)
    out_root: Path = Path("out")
    secret: str = ""
    secure_cookies: str = "auto"
    session_hours: float = 12.0
    upload_max_bytes: int = 512 * 1024**2
    # Runs one saved upload: (entry, out_dir, received_at, database_url, store_root) -> submission id or None.
    # None: flows.process.process_bundle (the flow the CLI runs); tests put a stand-in here.
    processor: Callable[..., Any] | None = None
    start_worker: bool = True

    def __post_init__(self) -> None:
        if self.secure_cookies not in SECURE_CHOICES:
            raise ValueError(f"secure_cookies must be one of {', '.join(SECURE_CHOICES)}")
        self.store_root = Path(self.store_root)
        self.out_root = Path(self.out_root)
        if not self.secret:
            self.secret = os.environ.get("INTAKE_WEB_SECRET") or _secret_from_file(Path("var") / "web-secret")

    @property
    def incoming(self) -> Path:
        """Where browser uploads are saved: the store's incoming folder (as the mailbox flow's incoming/mail)."""
        return self.store_root.parent / "incoming" / "web"

    @classmethod
    def from_env(cls, **overrides: Any) -> "Settings":
        values: dict[str, Any] = {
            "secure_cookies": os.environ.get("INTAKE_WEB_SECURE_COOKIES", "auto"),
            "session_hours": float(os.environ.get("INTAKE_WEB_SESSION_HOURS", "12")),
            "upload_max_bytes": int(float(os.environ.get("INTAKE_WEB_UPLOAD_MB", "512")) * 1024**2),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)
