"""Where per-file tasks run: threads in this process (default), or a Dask cluster when one machine is not enough.

    INTAKE_WORKERS=2                         threads for per-file tasks (extraction itself runs in worker processes)
    INTAKE_DASK_ADDRESS=tcp://127.0.0.1:8786 run per-file tasks on that Dask scheduler (needs `pip install .[dask]`
                                             and a Prefect server: in local mode each Dask worker would start its own)
"""

from __future__ import annotations

from prefect.task_runners import ThreadPoolTaskRunner

from schemas.settings import settings


def task_runner_from_env():
    address = settings().dask_address
    if address:
        from prefect_dask import DaskTaskRunner

        return DaskTaskRunner(address=address)
    return ThreadPoolTaskRunner(max_workers=settings().workers)
