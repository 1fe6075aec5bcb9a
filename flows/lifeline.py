"""Run a command that ends with the process that started it: ``python -m flows.lifeline -- COMMAND…``.

Prefect's temporary API server (uvicorn) is started with ``subprocess.Popen`` by whichever thread first
needs it; nothing ends it when that process is killed (kill -9, OOM), so it outlived every killed ``intake``.
Prefect's server module is made to start it through this lifeline (``flows.runtime.tie_prefect_server``):
the lifeline starts the command with PR_SET_PDEATHSIG (the command dies if the lifeline dies), watches its
own parent, and when that parent is gone (its parent id changes) stops the command — SIGTERM, then SIGKILL
after five seconds — and exits. A SIGTERM to the lifeline (Prefect's own ``stop()``) is passed on the same way.
Standard library only: it starts fast and imports nothing of the pipeline.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time

PR_SET_PDEATHSIG = 1  # linux/prctl.h
GRACE_SECONDS = 5.0


def die_with_parent(sig: int = signal.SIGKILL) -> None:
    """For ``preexec_fn``: the child gets ``sig`` when the thread that started it ends (Linux only)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the watch loop below still ends the command
        pass


def _stop(child: subprocess.Popen) -> int:
    if child.poll() is None:
        child.terminate()
        try:
            child.wait(GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            child.kill()
    return child.wait()


def main(argv: list[str]) -> int:
    command = argv[argv.index("--") + 1:] if "--" in argv else argv
    parent = os.getppid()
    child = subprocess.Popen(command, preexec_fn=die_with_parent)  # noqa: S603,PLW1509 - our own command line
    stopping: list[int] = []
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, lambda number, _frame: stopping.append(number))
    while child.poll() is None:
        if stopping or os.getppid() != parent:
            return _stop(child)
        time.sleep(0.25)
    return child.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
