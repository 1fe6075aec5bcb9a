"""What the `intake` command shows: the per-bundle summary table and the stages of processing, in Korean."""

from __future__ import annotations

from collections import Counter
from contextlib import contextmanager
from collections.abc import Iterator

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from schemas import load_programme
from schemas.vocabulary import DOCUMENT_ROLE_KO, SEVERITIES, SEVERITY_KO, STAGE_KO

console = Console()
COLUMNS = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())


def programme_name(programme_id: str | None) -> str:
    if not programme_id:
        return "판별 불가"
    try:
        return load_programme(programme_id).title
    except (OSError, KeyError, ValueError):
        return programme_id


def stage_text(stage: str, done: int, total: int) -> str:
    """`파일 내용 추출 중 (3/5)`: a stage of flows.process with its counts."""
    words = STAGE_KO.get(stage, stage)
    if stage == "extracting" and total:
        return f"{words} ({done}/{total})"
    if stage == "storing":
        return f"{words} (파일 {total}개)"
    if stage == "assessing":
        return f"{words} (문서 {total}개)"
    if stage == "recording":
        return f"{words} (검토 사항 {done}건)"
    return words


@contextmanager
def stages(bundles: int, label: str) -> Iterator[tuple[callable, callable]]:
    """A bar over the bundles and a line for the stage the current one is in.

    Yields ``(entry_shown(name, done), progress(stage, done, total))``: the second is the hook the
    flow is handed (flows.process.Progress)."""
    with Progress(*COLUMNS, console=console, transient=False) as bar:
        overall = bar.add_task(label, total=bundles)
        current = bar.add_task("대기 중", total=None)

        def entry_shown(name: str, done: bool) -> None:
            bar.update(overall, description=f"{label}: {name}")
            if done:
                bar.advance(overall)

        def progress(stage: str, done: int, total: int) -> None:
            if stage == "extracting" and total:
                bar.update(current, description=stage_text(stage, done, total), completed=done, total=total)
            else:
                bar.update(current, description=stage_text(stage, done, total), completed=0, total=None)

        yield entry_shown, progress
        bar.update(current, description="완료", completed=1, total=1)


def summary_table(results: list) -> None:
    table = Table(title="처리 결과 (번들별)")
    table.add_column("번들 / 신청기관", no_wrap=True)
    table.add_column("인증 사업", overflow="fold")
    table.add_column("역할별 문서", no_wrap=True)
    table.add_column("매핑", justify="right")
    table.add_column("검토 사항", no_wrap=True)
    for name, submission in results:
        roles = Counter(f.role for f in submission.bundle.files)
        severities = Counter(f.severity for f in submission.findings)
        mapped = len(submission.indicators) + len(submission.service.self_scores if submission.service else {})
        table.add_row(f"{name}\n{submission.applicant.name or '미확인'}", programme_name(submission.programme),
                      "\n".join(f"{DOCUMENT_ROLE_KO.get(role, role)} {n}" for role, n in sorted(roles.items())),
                      str(mapped), "\n".join(f"{SEVERITY_KO[s]} {severities[s]}" for s in SEVERITIES))
    table.caption = "매핑: 정량지표 값(도시) 또는 자체평가 점수(서비스)의 수"
    console.print(table)
