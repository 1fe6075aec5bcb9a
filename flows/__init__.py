"""Prefect flows and tasks: thin orchestration over intake, extractors, mapping and review_queue."""

from flows.runtime import configure

configure()
