"""Scheduled ingestion: served from this process (`intake watch`) or deployed to a Prefect server's work pool.

With a server (see README): `intake deploy --pool intake …` registers, from this checkout,

- ``process_bundle/bundle``: one bundle (no schedule; run by the fan-out below or by hand);
- ``dispatch_folder/drop-folder`` (with ``--drop``): every ``--every`` seconds, each bundle of the drop folder not
  processed before becomes its own run of ``process_bundle/bundle``, so the pool's workers take bundles in parallel;
- ``ingest_mailbox/mailbox`` (with ``--imap``).

`prefect worker start --pool intake` on each machine then runs them (Prefect 3: ``Flow.from_source(...).deploy``
with a process work pool; the workers need this checkout at the same path, the same store and database).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from prefect import flow

from flows.ingest import _slug, already_processed, drop_entries, ingest_folder, ingest_mailbox

ROOT = Path(__file__).resolve().parents[1]
BUNDLE_DEPLOYMENT = "process_bundle/bundle"


@flow(name="dispatch_folder")
def dispatch_folder(drop: Path, out_root: Path = Path("out"), database_url: str | None = None,
                    store_root: Path | None = None, deployment: str = BUNDLE_DEPLOYMENT) -> list[str]:
    """Each bundle in ``drop`` not processed before, as its own run of ``deployment`` (scheduled now, not awaited):
    the ids of the flow runs started."""
    from prefect.deployments import run_deployment

    started = []
    for entry, received_at in drop_entries(Path(drop)):
        if already_processed(entry, database_url):
            continue
        parameters = {"path": str(entry), "out_dir": str(Path(out_root) / _slug(entry.stem)),
                      "received_at": received_at.isoformat() if received_at else None,
                      "database_url": database_url, "store_root": str(store_root) if store_root else None}
        run = run_deployment(deployment, parameters=parameters, timeout=0, as_subflow=False)
        started.append(str(run.id))
    return started


def _parameters(drop: Path | None, imap_url: str | None, out_root: Path) -> list[tuple]:
    plans = []
    if drop is not None:
        plans.append((ingest_folder, "drop-folder", "flows/ingest.py:ingest_folder",
                      {"drop": str(Path(drop).resolve()), "out_root": str(out_root.resolve())}))
    if imap_url:
        plans.append((ingest_mailbox, "mailbox", "flows/ingest.py:ingest_mailbox",
                      {"imap_url": imap_url, "out_root": str(out_root.resolve())}))
    return plans


def serve_here(drop: Path | None, imap_url: str | None, out_root: Path, every: int) -> None:
    """Run the ingest flows every ``every`` seconds from this process (no separate worker needed)."""
    from prefect import serve

    deployments = [f.to_deployment(name=name, interval=timedelta(seconds=every), parameters=params)
                   for f, name, _, params in _parameters(drop, imap_url, out_root)]
    serve(*deployments)


def deploy_to_pool(pool: str, drop: Path | None, imap_url: str | None, out_root: Path, every: int | None) -> list[str]:
    """Register the deployments (code from this checkout) on the server at PREFECT_API_URL; ``every`` None: no
    schedule (runs started by hand or by a test)."""
    from prefect import flow as remote_flow

    interval = timedelta(seconds=every) if every else None
    plans = [("process_bundle", "bundle", "flows/process.py:process_bundle", {}, None)]
    if drop is not None:
        plans.append(("dispatch_folder", "drop-folder", "flows/deployments.py:dispatch_folder",
                      {"drop": str(Path(drop).resolve()), "out_root": str(out_root.resolve())}, interval))
    if imap_url:
        plans.append(("ingest_mailbox", "mailbox", "flows/ingest.py:ingest_mailbox",
                      {"imap_url": imap_url, "out_root": str(out_root.resolve())}, interval))
    ids = []
    for _, name, entrypoint, params, schedule in plans:
        remote = remote_flow.from_source(source=str(ROOT), entrypoint=entrypoint)
        ids.append(str(remote.deploy(name=name, work_pool_name=pool, interval=schedule, parameters=params,
                                     print_next_steps=False)))
    return ids
