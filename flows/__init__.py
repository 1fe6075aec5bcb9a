"""Prefect flows and tasks: thin orchestration over intake, extractors, mapping and review_queue."""

from flows.runtime import configure, tie_prefect_server_when_imported

configure()
tie_prefect_server_when_imported()  # Prefect's temporary server, if one is started, ends with this process
