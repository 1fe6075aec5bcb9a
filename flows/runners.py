"""Where per-file tasks run: threads in this process (default), or Dask when one process is not enough.

    INTAKE_WORKERS=2                         threads for per-file tasks (extraction itself runs in worker processes)
    INTAKE_DASK_ADDRESS=tcp://127.0.0.1:8786 run per-file tasks on that Dask scheduler
    INTAKE_DASK_ADDRESS=local                a Dask LocalCluster started for each flow run (INTAKE_WORKERS processes,
                                             one thread each)

Dask needs `pip install .[dask]` and a Prefect server (the resident one of the CLI, or PREFECT_API_URL): without
one, every Dask worker would start its own temporary Prefect server.
"""

from __future__ import annotations

from prefect.task_runners import ThreadPoolTaskRunner

from schemas.settings import settings

LOCAL = "local"


def task_runner_from_env():
    address = settings().dask_address
    if address:
        from prefect_dask import DaskTaskRunner

        if address == LOCAL:
            import dask

            # the per-file task hands its file to the bounded extraction processes: a Dask worker must be allowed
            # child processes (non-daemonic)
            dask.config.set({"distributed.worker.daemon": False})
            return DaskTaskRunner(cluster_class="distributed.LocalCluster",
                                  cluster_kwargs={"n_workers": settings().workers, "threads_per_worker": 1,
                                                  "processes": True, "dashboard_address": None})
        return DaskTaskRunner(address=address)
    return ThreadPoolTaskRunner(max_workers=settings().workers)
