"""The pipeline's settings: one typed object read once from the environment (``INTAKE_`` prefix).

    INTAKE_DATABASE_URL          the store's database (default sqlite:///var/intake.db; PostgreSQL by URL)
    INTAKE_STORE_DIR             the raw store (default var/store)
    INTAKE_WORKERS               threads for per-file tasks (extraction itself runs in worker processes)
    INTAKE_DASK_ADDRESS          run per-file tasks on that Dask scheduler (with a Prefect server)
    INTAKE_EXTRACT_SECONDS       time bound of one file's extraction (default 300)
    INTAKE_EXTRACT_MEMORY_MB     memory bound of one file's extraction (default 3072)
    INTAKE_EXTRACT_TAG           Prefect tag of the extraction tasks, for a server's concurrency limit (default none)
    INTAKE_OCR_MIN_CONFIDENCE    OCR confidence below which a read value is flagged (default 70)
    INTAKE_WEB_SECRET            key that signs the web app's cookies; default: a random key in var/web-secret
    INTAKE_WEB_SECURE_COOKIES    auto (Secure when the request came over https), always, never
    INTAKE_WEB_SESSION_HOURS     how long a sign-in lasts (default 12)
    INTAKE_WEB_UPLOAD_MB         the largest upload accepted, all files together (default 512)

Entry points (the CLI's options) override single values with ``settings().model_copy(update=…)``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

VAR = Path("var")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="INTAKE_", extra="ignore", frozen=True)

    database_url: str = f"sqlite:///{VAR / 'intake.db'}"
    store_dir: Path = VAR / "store"
    workers: int = Field(2, ge=1)
    dask_address: str | None = None
    extract_seconds: float = Field(300, gt=0)
    extract_memory_mb: int = Field(3072, gt=0)
    # A tagged task asks the server for its tag's concurrency slots first: on the resident server's SQLite the
    # extraction tasks of a bundle asking at once met `database is locked` (503) and waited 2 s for a retry
    extract_tag: str | None = None
    ocr_min_confidence: float = Field(70, ge=0, le=100)
    web_secret: str | None = None
    web_secure_cookies: Literal["auto", "always", "never"] = "auto"
    web_hsts_seconds: int = 0  # Strict-Transport-Security max-age when served over https (0: not sent)
    web_session_hours: float = Field(12, gt=0)
    web_upload_mb: float = Field(512, gt=0)

    @property
    def incoming_dir(self) -> Path:
        """Where received files wait before a bundle is made of them (mail, uploads): beside the store."""
        return self.store_dir.parent / "incoming"


@lru_cache(maxsize=1)
def settings() -> Settings:
    """The settings of this process, read from the environment the first time they are asked for."""
    return Settings()
