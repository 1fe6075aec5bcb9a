"""The one settings object: read from INTAKE_* variables, validated, defaults as the README says."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from schemas.settings import Settings


def test_defaults_are_the_embedded_ones(monkeypatch):
    for name in ("INTAKE_DATABASE_URL", "INTAKE_STORE_DIR", "INTAKE_WORKERS", "INTAKE_EXTRACT_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    s = Settings()
    assert s.database_url == "sqlite:///var/intake.db"
    assert s.store_dir == Path("var/store") and s.incoming_dir == Path("var/incoming")
    assert (s.workers, s.extract_seconds, s.extract_memory_mb, s.web_secure_cookies) == (2, 300, 3072, "auto")
    assert s.extract_tag is None  # untagged: no concurrency-slot request per extraction on the resident server


def test_environment_with_the_prefix_is_read_and_checked(monkeypatch):
    monkeypatch.setenv("INTAKE_STORE_DIR", "/srv/intake/store")
    monkeypatch.setenv("INTAKE_WORKERS", "4")
    monkeypatch.setenv("WORKERS", "9")  # without the prefix: not ours
    s = Settings()
    assert (s.store_dir, s.workers, s.incoming_dir) == (Path("/srv/intake/store"), 4, Path("/srv/intake/incoming"))
    monkeypatch.setenv("INTAKE_WORKERS", "0")
    with pytest.raises(ValidationError):
        Settings()
    monkeypatch.setenv("INTAKE_WORKERS", "2")
    monkeypatch.setenv("INTAKE_WEB_SECURE_COOKIES", "sometimes")
    with pytest.raises(ValidationError):
        Settings()
