"""Embedded defaults for Prefect's local mode, set before Prefect is imported.

A project-local PREFECT_HOME keeps its SQLite state under ./var; analytics off
because agencies run on closed networks; a generous ephemeral start-up timeout
because a cold start runs migrations (about 20 s on this hardware).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def without_heartbeats() -> Iterator[None]:
    """Flow runs a command runs itself, against its own server (resident or temporary), without Prefect's heartbeat
    thread. Heartbeats let a server notice a flow run whose process died; here that process is the clerk's command,
    and the bundle's state in the store says how far it got. Every run's end waited for the thread's one-second
    sleep (half a second per bundle on average, about a tenth of a cached bundle's run)."""
    from prefect.settings import temporary_settings

    with temporary_settings(updates={"flows.heartbeat_frequency": None}):
        yield


PREFECT_SERVER_MODULE = "prefect.server.api.server"


def tie_prefect_server() -> None:
    """Start Prefect's temporary API server (``SubprocessASGIServer``) through ``flows.lifeline``, so that it ends
    with the process that started it, kill -9 included. Only the server module's own ``subprocess.Popen`` is
    wrapped; every other use of ``subprocess`` is untouched. Imports Prefect's server module (seconds)."""
    import importlib

    _wrap_popen(importlib.import_module(PREFECT_SERVER_MODULE))


def tie_prefect_server_when_imported() -> None:
    """``tie_prefect_server`` at the moment Prefect imports its server module, if it ever does: a command that
    uses a resident or an operator's server never pays for that import."""
    import importlib.abc
    import importlib.util
    import sys

    if PREFECT_SERVER_MODULE in sys.modules:
        _wrap_popen(sys.modules[PREFECT_SERVER_MODULE])
        return

    class AfterImport(importlib.abc.MetaPathFinder):
        def find_spec(self, fullname, path, target=None):
            if fullname != PREFECT_SERVER_MODULE:
                return None
            sys.meta_path.remove(self)
            spec = importlib.util.find_spec(fullname)
            if spec is None or spec.loader is None:
                return spec
            run = spec.loader.exec_module

            def exec_module(module):
                run(module)
                _wrap_popen(module)

            spec.loader.exec_module = exec_module
            return spec

    sys.meta_path.insert(0, AfterImport())


def _wrap_popen(prefect_server) -> None:
    import subprocess
    import sys
    import types

    if getattr(prefect_server.subprocess, "intake_lifeline", False):
        return
    lifeline = str(Path(__file__).with_name("lifeline.py"))  # run as a script: the flows package is not imported

    def popen(args, *rest, **kwargs):
        return subprocess.Popen([sys.executable, lifeline, "--", *args], *rest, **kwargs)

    wrapped = types.SimpleNamespace(**{k: getattr(subprocess, k) for k in dir(subprocess) if not k.startswith("__")})
    wrapped.Popen, wrapped.intake_lifeline = popen, True
    prefect_server.subprocess = wrapped
