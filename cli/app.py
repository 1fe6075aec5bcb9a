"""`intake`: the command line of the evidence-intake pipeline."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import datetime
from pathlib import Path

import typer
from rich.table import Table

from cli.display import console, programme_name, stages, summary_table
from cli.errors import KoreanGroup, usage
from cli.queue import queue_app
from cli.users import user_app
from handoff.timefmt import kst_label
from schemas.vocabulary import BUNDLE_STATE_KO

app = typer.Typer(cls=KoreanGroup, help="Evidence intake for the smart city certification programmes (스마트도시 인증).",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
app.add_typer(queue_app, name="queue")
app.add_typer(user_app, name="user")


@contextmanager
def _orchestrated() -> Iterator[None]:
    """Share one resident Prefect server between commands (flows.resident) instead of a temporary server per
    command; INTAKE_PREFECT_RESIDENT=0 keeps Prefect's temporary server, a set PREFECT_API_URL is used as is.
    The flow runs of the block send heartbeats only to the operator's own server (flows.runtime)."""
    from flows.runtime import without_heartbeats

    operators_server = bool(os.environ.get("PREFECT_API_URL"))
    if os.environ.get("INTAKE_PREFECT_RESIDENT", "1") != "0":
        from flows.resident import attach

        with console.status("Prefect 서버 연결 중"):
            attach()
    with nullcontext() if operators_server else without_heartbeats():
        yield


def _parse_time(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError as exc:
        raise usage(f"--received-at 값 '{value}'은(는) 시각이 아닙니다. 예: 2025-09-22T14:05+09:00",
                    f"--received-at {value!r} is not an ISO time") from exc
    if when.tzinfo is None:
        raise usage("--received-at에 시간대를 붙이십시오. 예: 2025-09-22T14:05+09:00 (KST)",
                    "--received-at without a UTC offset")
    return when


def _refuse_empty(path: Path) -> None:
    """A folder with no file in it (or only system files) is no bundle: refused before anything is stored."""
    from intake.archives import is_junk

    if path.is_dir() and not any(p.is_file() and not is_junk(p.relative_to(path).as_posix()) for p in path.rglob("*")):
        raise usage(f"'{path}'은(는) 빈 폴더라 접수할 번들이 아닙니다 (제출 파일이 든 폴더, 메일 또는 압축 파일을 지정하십시오)",
                    f"{path} is an empty folder, not a bundle")


@app.command()
def process(
    bundle: Path = typer.Argument(..., exists=True, help="An .eml file, a USB .zip, or a folder."),
    out: Path = typer.Option(..., "--out", help="Directory for submission.json."),
    received_at: str | None = typer.Option(None, help="Receipt time for post or hand delivery (ISO, with +09:00)."),
    database_url: str | None = typer.Option(None, help="Store; default INTAKE_DATABASE_URL or sqlite:///var/intake.db."),
) -> None:
    """Process one bundle end to end and write OUT/submission.json."""
    when = _parse_time(received_at)
    _refuse_empty(bundle)
    with _orchestrated():
        from flows.process import process_bundle, reporting

        with stages(1, "번들 처리") as (entry_shown, progress), reporting(progress):
            entry_shown(bundle.name, False)
            submission = process_bundle(bundle, out, when, database_url)
            entry_shown(bundle.name, True)
    summary_table([(bundle.name, submission)])
    if submission.bundle.received_at is None:
        console.print("[yellow]접수 시각이 입력되지 않았습니다[/yellow]: 우편·방문 접수는 --received-at "
                      "2025-09-23T11:30+09:00 처럼 접수 시각을 넣어 다시 처리하십시오 (제출 기한 확인에 필요).")
    console.print(f"[green]저장했습니다[/green]: {out / 'submission.json'}")


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
    from extractors.registry import extract_bounded, shutdown, start_workers

    start_workers()  # the workers' start overlaps the imports below
    from checks import document_findings
    from extractors.document_record import document_record

    data = file.read_bytes()
    with console.status(f"추출 중: {file.name}"):
        doc = extract_bounded(file.name, data, pictures=True)  # a long PDF's figures rendered in its reading pass
        out.mkdir(parents=True, exist_ok=True)
        record = document_record(doc, out / "figures", source=data)  # the others' on the workers now
    shutdown()
    record["findings"] = [f.model_dump(mode="json", exclude_none=True) for f in document_findings(doc)]
    (out / "document.json").write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    source_ko = {"text_layer": "문서의 글자", "ocr": "OCR 판독", "mixed": "글자와 OCR 판독", "none": "없음"}
    console.print(f"{file.name}: {record['pages'] or 0}쪽, 표 {len(doc.tables)}개, "
                  f"그림 {len(doc.figures)}개, 텍스트 출처 {source_ko.get(doc.text_source, doc.text_source)}"
                  + (f" — [red]판독 불가[/red]: {record['findings'][0]['params']['reason']}" if not doc.readable else ""))
    console.print(f"[green]저장했습니다[/green]: {out / 'document.json'}")


@app.command("process-samples")
def process_samples(
    out: Path = typer.Option(Path("out"), "--out", help="Results go to OUT/<bundle id>/submission.json."),
    database_url: str | None = typer.Option(None, help="Store; default INTAKE_DATABASE_URL or sqlite:///var/intake.db."),
) -> None:
    """Generate the sample bundles and process every one of them."""
    with _orchestrated():
        from flows.process import process_bundle, reporting
        from samples.make_samples import build_all

        with console.status("샘플 번들 생성 중"):
            built = build_all()
        results = []
        with stages(len(built), "번들 처리") as (entry_shown, progress), reporting(progress):
            for spec, path in built:
                entry_shown(path.name, False)
                when = None if spec["channel"] == "email" else datetime.fromisoformat(spec["received_at"])
                results.append((path.name, process_bundle(path, out / spec["id"], when, database_url)))
                entry_shown(path.name, True)
    summary_table(results)
    console.print(f"결과 위치: [bold]{out}/[/bold]")


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
        raise usage("번들 경로, --drop 폴더, --imap 주소 중 하나만 지정하십시오", "ingest needs exactly one of PATH, --drop, --imap")
    if path is not None:
        _refuse_empty(path)
    with _orchestrated():
        from flows.ingest import drop_entries, ingest_mailbox, process_entries

        if imap:
            with console.status("메일함 확인 중"):
                report = ingest_mailbox(imap, out, database_url)
            console.print(f"메일 {len(report['taken_uids'])}통을 가져와 {len(report['processed'])}건 처리, "
                          f"{len(report['failed'])}건 실패")
            return
        entries = drop_entries(drop) if drop else [(path, _parse_time(received_at))]
        with stages(len(entries), "번들 접수") as (entry_shown, progress):
            report = process_entries(entries, out, database_url, None,
                                     on_entry=lambda entry, done: entry_shown(entry.name, done), progress=progress)
    for entry, reason in report.failed.items():
        console.print(f"[red]처리 실패[/red] {Path(entry).name}: 운영 기록을 확인하십시오")
        logging.getLogger("intake.cli").error("bundle %s failed: %s", entry, reason)
    if report.submissions:
        summary_table(list(report.submissions.items()))
    console.print(f"새로 처리 {len(report.processed)}건, 이미 처리되어 건너뜀 {len(report.skipped)}건"
                  + (f", 실패 {len(report.failed)}건" if report.failed else ""))


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
        raise usage("--drop 폴더나 --imap 주소를 지정하십시오 (둘 다도 됩니다)", "watch needs --drop or --imap")
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
        console.print(f"배포 {deployment_id} 등록 (작업 풀 {pool})")


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
            console.print(f"[red]손상[/red] {problem}")
        raise typer.Exit(1)
    console.print(f"[green]정상[/green]: 번들 {bags}개의 보관 파일을 확인했습니다 ({raw.root})")


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
            raise usage("JSON으로 내보낼 제출 번호를 지정하십시오 (intake status로 확인)", "export --format json needs a SUBMISSION")
        from handoff.export import export_record

        record = export_record(submission, database_url)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        console.print(f"[green]저장했습니다[/green]: {out} (지표 {len(record['indicators'])}개, "
                      f"검토 항목 {len(record['review_items'])}건, 보정 {len(record['corrections'])}건)")
    elif fmt == "xlsx":
        if not programme:
            raise usage("위원회 통합 문서(xlsx)에는 --programme 을 지정하십시오", "export --format xlsx needs --programme")
        from handoff.workbook import write_workbook
        from schemas import programme_ids

        if programme not in programme_ids():
            raise usage(f"인증 사업 '{programme}'은(는) 없습니다. 가능한 값: {', '.join(programme_ids())}",
                        f"unknown programme {programme!r}")
        console.print(f"[green]저장했습니다[/green]: {write_workbook(programme, out, database_url)}")
    else:
        raise usage("--format 은 json 또는 xlsx 입니다", f"unknown export format {fmt!r}")


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
    pdf, docx_path = write_report(record, out, database_url)
    console.print(f"[green]저장했습니다[/green]: {pdf}, {docx_path}")


@app.command()
def schema(out: Path = typer.Option(None, help="Where to write it; default schemas/submission.schema.json.")) -> None:
    """Regenerate the JSON Schemas (submission.json and the scoring export) from the pydantic models."""
    from schemas.export import write_export_schema
    from schemas.submission import SCHEMA_PATH, write_json_schema

    console.print(f"저장했습니다: {write_json_schema(out or SCHEMA_PATH)}")
    if out is None:
        console.print(f"저장했습니다: {write_export_schema()}")


@app.command()
def status(as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
           database_url: str | None = typer.Option(None, help="Store; default INTAKE_DATABASE_URL or sqlite:///var/intake.db.")) -> None:
    """Bundles with their processing state, and submissions with their versions."""
    from review_queue.store import list_bundles, list_submissions

    from handoff.delivery import delivery_ko, entered_deliveries

    bundles, submissions = list_bundles(database_url), list_submissions(database_url)
    if as_json:
        typer.echo(json.dumps({"bundles": bundles, "submissions": submissions}, ensure_ascii=False, indent=2))
        return
    entered = entered_deliveries(database_url)
    table = Table(title="접수 번들")
    for column in ("번들", "접수 경로", "접수 시각", "파일 수", "상태"):
        table.add_column(column, overflow="fold", no_wrap=column in ("번들", "접수 시각", "상태"))
    for b in bundles:
        table.add_row(b["id"], delivery_ko(b["id"], b["channel"], entered), kst_label(b["received_at"], "미기록"),
                      str(b["files"]), BUNDLE_STATE_KO.get(b["state"], b["state"]))
    console.print(table)
    table = Table(title="제출 현황")
    for column in ("번호", "인증 사업", "신청기관", "판", "대체한 판", "접수 시각", "미처리 검토 사항"):
        table.add_column(column, overflow="fold", no_wrap=column in ("번호", "판", "접수 시각"))
    for r in submissions:
        table.add_row(str(r["id"]), programme_name(r["programme"]), r["applicant"] or "미확인", f"제{r['version']}판",
                      f"{r['superseded_by']}번" if r["superseded_by"] else "", kst_label(r["received_at"], "미기록"),
                      f"{r['open_findings']}건")
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
    console.print(f"웹 화면: http://{host}:{port}/ (보관소 {settings.store_root}, 데이터베이스 {settings.database_url})")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")


def main() -> None:
    # The operator's English log lines: on stderr, each marked as a log line so no clerk takes it for the message.
    logging.basicConfig(level=logging.WARNING, format="[log] %(levelname)s %(name)s: %(message)s")
    app()


if __name__ == "__main__":
    main()
