"""The pipeline's one function: a received bundle and its extracted documents → a submission with findings.

The Prefect flow (``flows.process``), the web app's uploads (through that flow) and the tests all call
``assess_bundle``; nothing changes the submission after its checks have run.
"""

from __future__ import annotations

from checks import problem_findings, run_checks
from extractors.model import Document
from intake.model import ReceivedBundle
from mapping.submission import map_bundle
from schemas.submission import Bundle, Submission


def extractable_files(bundle: ReceivedBundle) -> list:
    """The files whose documents the pipeline reads, in bundle order (archives are stored, their members read)."""
    return [f for f in bundle.files if not f.expanded]


def assess_bundle(bundle: ReceivedBundle, documents: list[Document], extraction_cached: int = 0) -> Submission:
    """Map the documents (one per ``extractable_files(bundle)``, in that order) and run every check.

    A document extracted earlier under another name (the extraction cache is keyed by content) takes the
    name this bundle gave its file, so no applicant's record shows another's file name.
    """
    files = extractable_files(bundle)
    if len(files) != len(documents):
        raise ValueError(f"{len(documents)} documents for {len(files)} files of bundle {bundle.id}")
    documents = [doc if doc.file == f.name else doc.model_copy(update={"file": f.name})
                 for f, doc in zip(files, documents)]
    header = Bundle(id=bundle.id, channel=bundle.channel, received_at=bundle.received_at, sender=bundle.sender,
                    extraction_cached=extraction_cached)
    mapped = map_bundle(header, documents, sizes={f.name: f.size for f in bundle.files})
    findings = problem_findings(bundle.problems) + run_checks(mapped)
    return mapped.submission.model_copy(update={"findings": findings})
