"""`intake`: the command line of the evidence-intake pipeline."""

from __future__ import annotations

import json
import logging
import os
from collections import Counter
from datetime import datetime
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from cli.queue import queue_app
from cli.users import user_app
from schemas.vocabulary import DOCUMENT_ROLE_KO, SEVERITIES

app = typer.Typer(help="Evidence intake for the smart city certification programmes (스마트도시 인증).",
                  no_args_is_help=True, add_completion=False)
app.add_typer(queue_app, name="queue")
app.add_typer(user_app, name="user")
console = Console()


def _orchestrator() -> None:
    """Share one resident Prefect server between commands (flows.resident) instead of a temporary server per
    command; INTAKE_PREFECT_RESIDENT=0 keeps Prefect's temporary server, a set PREFECT_API_URL is used as is."""
    if os.environ.get("INTAKE_PREFECT_RESIDENT", "1") != "0":
        from flows.resident import attach

        with console.status("Prefect 서버 연결 중"):
            attach()


def _parse_time(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"not an ISO time with offset, e.g. 2025-09-22T14:05+09:00: {value}") from exc
    if when.tzinfo is None:
        raise typer.BadParameter("give the UTC offset, e.g. +09:00 for KST")
    return when


@app.command()
def process(
    bundle: Path = typer.Argument(..., exists=True, help="An .eml file, a USB .zip, or a folder."),
    out: Path = typer.Option(..., "--out", help="Directory for submission.json."),
    received_at: str | None = typer.Option(None, help="Receipt time for post or hand delivery (ISO, with +09:00)."),
    database_url: str | None = typer.Option(None, help="Store; default INTAKE_DATABASE_URL or sqlite:///var/intake.db."),
) -> None:
    """Process one bundle end to end and write OUT/submission.json."""
    when = _parse_time(received_at)
    _orchestrator()
    from flows.process import process_bundle

    with console.status(f"처리 중: {bundle.name}"):
        submission = process_bundle(bundle, out, when, database_url)
    _summary_table([(bundle.name, submission)])
    if submission.bundle.received_at is None:
        console.print("[yellow]접수 시각이 입력되지 않았습니다[/yellow]: 우편·방문 접수는 --received-at "
                      "2025-09-23T11:30+09:00 처럼 접수 시각을 넣어 다시 처리하십시오 (제출 기한 확인에 필요).")
    console.print(f"[green]written[/green] {out / 'submission.json'}")


@app.command("prefect-stop")
def prefect_stop() -> None:
    """Stop the resident Prefect server now (it also stops by itself after INTAKE_PREFECT_IDLE_SECONDS unused)."""
    from flows.resident import stop

    console.print("Prefect 서버를 멈췄습니다." if stop() else "실행 중인 Prefect 서버가 없습니다.")


@app.command()
def extract(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="Any evidence file: PDF, DOCX, XLSX, HWP, HWPX, image."),
    out: Path = typer.Option(..., "--out", help="Directory for document.json and the figures."),
) -> None:
    """Run the extractor that fits FILE (chosen by content) and write OUT/document.json and the figures as files."""
    from checks import document_findings
    from extractors.document_record import document_record
    from extractors.registry import extract_bounded, shutdown

    with console.status(f"추출 중: {file.name}"):
        doc = extract_bounded(file.name, file.read_bytes())
    shutdown()
    out.mkdir(parents=True, exist_ok=True)
    record = document_record(doc, out / "figures")
    record["findings"] = [f.model_dump(mode="json", exclude_none=True) for f in document_findings(doc)]
    (out / "document.json").write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    console.print(f"{file.name}: {doc.media_type}, {record['pages'] or 0} pages, {len(doc.tables)} tables, "
                  f"{len(doc.figures)} figures, text from {doc.text_source}"
                  + (f" — [red]판독 불가[/red]: {record['findings'][0]['params']['reason']}" if not doc.readable else ""))
    console.print(f"[green]written[/green] {out / 'document.json'}")


@app.command("process-samples")
def process_samples(
    out: Path = typer.Option(Path("out"), "--out", help="Results go to OUT/<bundle id>/submission.json."),
    database_url: str | None = typer.Option(None, help="Store; default INTAKE_DATABASE_URL or sqlite:///var/intake.db."),
) -> None:
    """Generate the sample bundles and process every one of them."""
    _orchestrator()
    from flows.process import process_bundle
    from samples.make_samples import build_all

    with console.status("샘플 번들 생성 중"):
        built = build_all()
    results = []
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("번들 처리", total=len(built))
        for spec, path in built:
            progress.update(task, description=f"번들 처리: {path.name}")
            when = None if spec["channel"] == "email" else datetime.fromisoformat(spec["received_at"])
            results.append((path.name, process_bundle(path, out / spec["id"], when, database_url)))
            progress.advance(task)
    _summary_table(results)
    console.print(f"results under [bold]{out}/[/bold]")


def _summary_table(results: list) -> None:
    table = Table(title="처리 결과 (per bundle)")
    table.add_column("bundle / applicant", no_wrap=True)
    table.add_column("programme", no_wrap=True)
    table.add_column("documents by role", no_wrap=True)
    table.add_column("mapped", justify="right")
    table.add_column("findings", no_wrap=True)
    for name, submission in results:
        roles = Counter(f.role for f in submission.bundle.files)
        severities = Counter(f.severity for f in submission.findings)
        mapped = len(submission.indicators) + len(submission.service.self_scores if submission.service else {})
        table.add_row(f"{name}\n{submission.applicant.name or '?'}", submission.programme or "?",
                      "\n".join(f"{DOCUMENT_ROLE_KO.get(role, role)} {n}" for role, n in sorted(roles.items())),
                      str(mapped), "\n".join(f"{s} {severities[s]}" for s in SEVERITIES))
    table.caption = "mapped: indicators (city) or self-scores (service)"
    console.print(table)


@app.command()
def ingest(
    path: Path = typer.Argument(None, exists=True, help="One bundle: an .eml/.msg, a USB .zip/.7z, or a folder."),
    drop: Path = typer.Option(None, "--drop", exists=True, file_okay=False, help="A drop folder: every entry is a bundle."),
    imap: str = typer.Option(None, "--imap", help="Poll a mailbox once: imap://user:password@host:port/INBOX"),
    received_at: str | None = typer.Option(None, help="Receipt time for post or hand delivery (ISO, with +09:00)."),
    out: Path = typer.Option(Path("out"), "--out", help="Results go to OUT/<bundle>/submission.json."),
    database_url: str | None = typer.Option(None, help="Store; default INTAKE_DATABASE_URL or sqlite:///var/intake.db."),
) -> None:
    """Take bundles in: store every byte once, then process each (already processed bundles are skipped)."""
    if sum(x is not None for x in (path, drop, imap)) != 1:
        raise typer.BadParameter("give exactly one of PATH, --drop DIR or --imap URL")
    _orchestrator()
    from flows.ingest import drop_entries, ingest_mailbox, process_entries

    if imap:
        with console.status("메일함 확인 중"):
            report = ingest_mailbox(imap, out, database_url)
        console.print(f"taken {len(report['taken_uids'])} messages, processed {len(report['processed'])}, "
                      f"failed {len(report['failed'])}")
        return
    entries = drop_entries(drop) if drop else [(path, _parse_time(received_at))]
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        bar = progress.add_task("번들 접수", total=len(entries))

        def show(entry: Path, done: bool) -> None:
            progress.update(bar, description=f"번들 접수: {entry.name}")
            if done:
                progress.advance(bar)

        report = process_entries(entries, out, database_url, None, on_entry=show)
    for entry, reason in report.failed.items():
        console.print(f"[red]처리 실패[/red] {Path(entry).name}: {reason}")
    if report.submissions:
        _summary_table(list(report.submissions.items()))
    console.print(f"{len(report.processed)} processed, {len(report.skipped)} already processed before")


@app.command()
def watch(
    drop: Path = typer.Option(None, "--drop", file_okay=False, help="Drop folder the clerks copy USB bundles into."),
    imap: str = typer.Option(None, "--imap", help="Mailbox to poll: imap://user:password@host:port/INBOX"),
    every: int = typer.Option(300, "--every", help="Seconds between runs."),
    out: Path = typer.Option(Path("out"), "--out"),
) -> None:
    """Run the ingest flows on a schedule from this process (Prefect serve; stop with Ctrl-C)."""
    from flows.deployments import serve_here

    if drop is None and imap is None:
        raise typer.BadParameter("give --drop DIR, --imap URL, or both")
    serve_here(drop, imap, out, every)


@app.command()
def deploy(
    pool: str = typer.Option(..., "--pool", help="Work pool on the Prefect server (PREFECT_API_URL)."),
    drop: Path = typer.Option(None, "--drop", file_okay=False),
    imap: str = typer.Option(None, "--imap"),
    every: int = typer.Option(300, "--every"),
    out: Path = typer.Option(Path("out"), "--out"),
) -> None:
    """Register the ingest flows as scheduled deployments on a Prefect server, run by its workers."""
    from flows.deployments import deploy_to_pool

    for deployment_id in deploy_to_pool(pool, drop, imap, out, every):
        console.print(f"deployment {deployment_id} on pool {pool}")


@app.command()
def verify(store_dir: Path = typer.Option(None, "--store", help="Raw store root; default var/store.")) -> None:
    """Re-check the fixity of everything in the raw store (every bag's manifest and every object's hash)."""
    from intake.rawstore import RawStore

    raw = RawStore(store_dir)
    with console.status("보관 파일 무결성 검사 중"):
        problems = raw.verify()
    bags = len([p for p in raw.bags.glob("*") if not p.name.startswith(".")]) if raw.bags.exists() else 0
    if problems:
        for problem in problems:
            console.print(f"[red]FAIL[/red] {problem}")
        raise typer.Exit(1)
    console.print(f"[green]OK[/green] {bags} bags verified under {raw.root}")


@app.command()
def export(
    submission: str = typer.Argument(None, help="Submission id (intake status) or bundle id, for --format json."),
    fmt: str = typer.Option("json", "--format", help="json (one submission) or xlsx (a programme's cohort)."),
    programme: str = typer.Option(None, "--programme", help="Programme id (schemas/programmes/*.yaml), for --format xlsx."),
    out: Path = typer.Option(..., "--out", help="File to write."),
    database_url: str | None = typer.Option(None, help="Store; default INTAKE_DATABASE_URL or sqlite:///var/intake.db."),
) -> None:
    """Hand structured data to scoring: a submission's record (JSON) or the committee workbook (XLSX)."""
    if fmt == "json":
        if not submission:
            raise typer.BadParameter("give the SUBMISSION to export as JSON")
        from handoff.export import export_record

        record = export_record(submission, database_url)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        console.print(f"[green]written[/green] {out} ({len(record['indicators'])} indicators, "
                      f"{len(record['review_items'])} review items, {len(record['corrections'])} corrections)")
    elif fmt == "xlsx":
        if not programme:
            raise typer.BadParameter("give --programme for the committee workbook")
        from handoff.workbook import write_workbook

        console.print(f"[green]written[/green] {write_workbook(programme, out, database_url)}")
    else:
        raise typer.BadParameter("--format is json or xlsx")


@app.command()
def report(
    submission: str = typer.Argument(..., help="Submission id (intake status) or bundle id."),
    out: Path = typer.Option(..., "--out", help="Directory for the PDF and DOCX."),
    database_url: str | None = typer.Option(None, help="Store; default INTAKE_DATABASE_URL or sqlite:///var/intake.db."),
) -> None:
    """Write the preliminary check report (예비검토 결과) as a Korean PDF and DOCX."""
    from handoff.export import export_record
    from handoff.report import write_report

    record = export_record(submission, database_url)
    items = record["review_items"]
    pdf, docx_path = write_report(record, items, record["submission_id"], out, record["version"])
    console.print(f"[green]written[/green] {pdf} and {docx_path}")


@app.command()
def schema(out: Path = typer.Option(None, help="Where to write it; default schemas/submission.schema.json.")) -> None:
    """Regenerate the JSON Schemas (submission.json and the scoring export) from the pydantic models."""
    from schemas.export import write_export_schema
    from schemas.submission import SCHEMA_PATH, write_json_schema

    console.print(f"written {write_json_schema(out or SCHEMA_PATH)}")
    if out is None:
        console.print(f"written {write_export_schema()}")


@app.command()
def status(as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
           database_url: str | None = typer.Option(None, help="Store; default INTAKE_DATABASE_URL or sqlite:///var/intake.db.")) -> None:
    """Bundles with their processing state, and submissions with their versions."""
    from review_queue.store import list_bundles, list_submissions

    bundles, submissions = list_bundles(database_url), list_submissions(database_url)
    if as_json:
        typer.echo(json.dumps({"bundles": bundles, "submissions": submissions}, ensure_ascii=False, indent=2))
        return
    table = Table(title="접수 번들")
    for column in ("bundle", "channel", "received", "files", "state", "detail"):
        table.add_column(column)
    for b in bundles:
        table.add_row(b["id"], b["channel"], b["received_at"] or "?", str(b["files"]), b["state"], b["detail"] or "")
    console.print(table)
    table = Table(title="제출 현황")
    for column in ("id", "programme", "applicant", "version", "superseded by", "received", "open findings"):
        table.add_column(column)
    for r in submissions:
        table.add_row(str(r["id"]), r["programme"] or "?", r["applicant"] or "?", str(r["version"]),
                      str(r["superseded_by"] or ""), r["received_at"] or "", str(r["open_findings"]))
    console.print(table)


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (the agency's proxy in front for TLS)."),
    port: int = typer.Option(8000, "--port"),
    database_url: str | None = typer.Option(None, help="Store; default INTAKE_DATABASE_URL or sqlite:///var/intake.db."),
    store_dir: Path = typer.Option(None, "--store", help="Raw store root; default INTAKE_STORE_DIR or var/store."),
    out: Path = typer.Option(Path("out"), "--out", help="Uploads' results go to OUT/upload-<n>/submission.json."),
    secure_cookies: str | None = typer.Option(None, "--secure-cookies",
                                       help="auto (Secure over https), always, never; default INTAKE_WEB_SECURE_COOKIES or auto."),
) -> None:
    """Run the reviewers' web app (sign-in, intake desk, queue, items, supplement letters)."""
    import uvicorn

    from flows.process import process_saved_upload
    from web.app import create_app
    from web.config import Settings

    settings = Settings.from_env(database_url=database_url, store_root=store_dir, out_root=out,
                                 secure_cookies=secure_cookies, processor=process_saved_upload)
    console.print(f"serving on http://{host}:{port}/ (store {settings.store_root}, database {settings.database_url})")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app()


if __name__ == "__main__":
    main()
