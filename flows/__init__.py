"""Prefect flows and tasks: thin orchestration over intake, extractors, mapping and review_queue."""

import os

from flows.runtime import configure, tie_prefect_server

configure()
if not os.environ.get("PREFECT_API_URL"):  # Prefect will start its temporary server: tie it to this process
    tie_prefect_server()
