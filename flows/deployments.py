"""Scheduled ingestion: served from this process (`intake watch`) or deployed to a Prefect server's work pool.

With a server (see README): `intake deploy --pool intake …` registers the deployments from
this checkout; `prefect worker start --pool intake` on each machine then runs them.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flows.ingest import ingest_folder, ingest_mailbox

ROOT = Path(__file__).resolve().parents[1]


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


def deploy_to_pool(pool: str, drop: Path | None, imap_url: str | None, out_root: Path, every: int) -> list[str]:
    """Register the ingest deployments (code from this checkout) on the server at PREFECT_API_URL."""
    from prefect import flow

    ids = []
    for _, name, entrypoint, params in _parameters(drop, imap_url, out_root):
        remote = flow.from_source(source=str(ROOT), entrypoint=entrypoint)
        ids.append(str(remote.deploy(name=name, work_pool_name=pool, interval=timedelta(seconds=every),
                                     parameters=params, print_next_steps=False)))
    return ids
