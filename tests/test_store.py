"""The store on SQLite and on a real PostgreSQL (started by .ci/run; INTAKE_TEST_POSTGRES_URL)."""

from __future__ import annotations

from review_queue.store import list_submissions, record_submission
from schemas.submission import Bundle, Finding, Submission


def _submission(bundle_id: str, n_findings: int) -> Submission:
    findings = [Finding(rule="indicator.missing", severity="blocker", indicator=f"A-1-{i + 1}", message_ko="누락")
                for i in range(n_findings)]
    return Submission(programme="city-2025", bundle=Bundle(id=bundle_id, channel="usb"), findings=findings)


def test_reprocessing_a_bundle_replaces_its_findings(database_url):
    first = record_submission(_submission("usb-1", 3), database_url)
    again = record_submission(_submission("usb-1", 2), database_url)
    other = record_submission(_submission("usb-2", 1), database_url)
    assert first == again != other
    rows = {r["bundle_id"]: r for r in list_submissions(database_url)}
    assert rows["usb-1"]["open_findings"] == 2 and rows["usb-2"]["open_findings"] == 1
    assert len(rows) == 2
