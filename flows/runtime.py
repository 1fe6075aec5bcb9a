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
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_RESULTS_PERSIST_BY_DEFAULT": "false",
}


def configure() -> None:
    for key, value in DEFAULTS.items():
        os.environ.setdefault(key, value)
    Path(os.environ["PREFECT_HOME"]).mkdir(parents=True, exist_ok=True)


def tie_prefect_server() -> None:
    """Start Prefect's temporary API server (``SubprocessASGIServer``) through ``flows.lifeline``, so that it ends
    with the process that started it, kill -9 included. Only the server module's own ``subprocess.Popen`` is
    wrapped; every other use of ``subprocess`` is untouched."""
    import subprocess
    import sys
    import types

    from prefect.server.api import server as prefect_server

    if getattr(prefect_server.subprocess, "intake_lifeline", False):
        return
    lifeline = str(Path(__file__).with_name("lifeline.py"))  # run as a script: the flows package is not imported

    def popen(args, *rest, **kwargs):
        return subprocess.Popen([sys.executable, lifeline, "--", *args], *rest, **kwargs)

    wrapped = types.SimpleNamespace(**{k: getattr(subprocess, k) for k in dir(subprocess) if not k.startswith("__")})
    wrapped.Popen, wrapped.intake_lifeline = popen, True
    prefect_server.subprocess = wrapped
