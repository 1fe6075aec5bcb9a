"""Embedded defaults for Prefect's local mode, set before Prefect is imported.

A project-local PREFECT_HOME keeps its SQLite state under ./var; analytics off
because agencies run on closed networks; a generous ephemeral start-up timeout
because a cold start runs migrations (about 20 s on this hardware).
"""

from __future__ import annotations

import os
from pathlib import Path

DEFAULTS = {
    "PREFECT_HOME": str(Path("var") / "prefect"),
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",  # Prefect's client telemetry and its English notice (the operator may set it otherwise)
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_RESULTS_PERSIST_BY_DEFAULT": "false",
}


def configure() -> None:
    for key, value in DEFAULTS.items():
        os.environ.setdefault(key, value)
    Path(os.environ["PREFECT_HOME"]).mkdir(parents=True, exist_ok=True)
