"""`intake queue`: the review queue from the command line (list, show, and act on items)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

queue_app = typer.Typer(pretty_exceptions_enable=False, help="The review queue (검토 대기열): findings for the reviewers to work through.",
                        no_args_is_help=True, add_completion=False)
console = Console()

ACTOR = typer.Option(None, "--as", envvar="USER", help="Your user name, recorded in the audit trail (default $USER).")
DATABASE = typer.Option(None, "--database-url", help="Store; default INTAKE_DATABASE_URL or sqlite:///var/intake.db.")
SEVERITY_STYLE = {"blocker": "red", "warning": "yellow", "info": "cyan"}


def _call(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call the queue API; a refusal is one Korean line (and an English log line) and exit status 1."""
    from cli.errors import failure_ko, say_error
    from review_queue.worklist import QueueError

    try:
        return function(*args, **kwargs)
    except QueueError as exc:
        say_error(f"거부됨: {failure_ko(exc)}", f"{type(exc).__name__}: {exc}")
        raise typer.Exit(1) from None


def _echo_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _when(value) -> str:
    from handoff.timefmt import kst_label

    return kst_label(value)


def _rule_title(rule_id: str) -> str:
    from checks.catalogue import catalogue

    rule = catalogue().get(rule_id)
    return rule.title if rule else "기타"


def _done(item) -> None:
    console.print(f"#{item.id} → [bold]{item.state_ko}[/bold]")


@queue_app.command("list")
def list_(
    submission: str | None = typer.Option(None, "--submission", "-s", help="Submission id or bundle id."),
    rule: list[str] | None = typer.Option(None, "--rule", help="Rule id, or a prefix with *, e.g. 'document.*'."),
    severity: list[str] | None = typer.Option(None, "--severity", help="blocker, warning or info (repeatable)."),
    state: list[str] | None = typer.Option(None, "--state", help="open, in_review, supplement_requested, resolved, waived."),
    assignee: list[str] | None = typer.Option(None, "--assignee"),
    unassigned: bool = typer.Option(False, "--unassigned", help="Only items assigned to no one."),
    indicator: list[str] | None = typer.Option(None, "--indicator"),
    all_versions: bool = typer.Option(False, "--all-versions", help="Include items of superseded versions."),
    limit: int = typer.Option(500, "--limit"),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    database_url: str | None = DATABASE,
) -> None:
    """Items matching the filters (blockers first) and their counts by state and severity."""
    from review_queue.worklist import count_items, list_items
    from checks.particles import with_particles
    from schemas.vocabulary import SEVERITY_KO, STATE_KO

    filters = dict(submission=submission, rule=rule or None, severity=severity or None, state=state or None,
                   assignee=assignee or None, indicator=indicator or None, unassigned=unassigned,
                   include_superseded=all_versions, url=database_url)
    items = _call(list_items, **filters, limit=limit)
    counts = _call(count_items, **filters)
    if as_json:
        _echo_json({"items": [i.model_dump(mode="json") for i in items], "counts": counts.model_dump()})
        return
    table = Table(title="검토 대기열")
    # The id is what every other queue command takes: never folded away, whatever the terminal's width.
    widest = max((len(f"#{i.id}") for i in items), default=2)
    table.add_column("번호", no_wrap=True, min_width=widest, justify="right")
    table.add_column("제출", no_wrap=True)
    table.add_column("심각도", no_wrap=True)
    table.add_column("상태", no_wrap=True)
    table.add_column("지표", overflow="fold")
    table.add_column("담당", overflow="fold")
    table.add_column("내용", overflow="fold", ratio=1, min_width=16)
    for i in items:
        style = SEVERITY_STYLE.get(i.severity, "")
        table.add_row(f"#{i.id}", f"{i.submission_id}(제{i.version}판)", f"[{style}]{SEVERITY_KO[i.severity]}[/{style}]",
                      i.state_ko, i.indicator or "", i.assignee or "",
                      escape(with_particles(i.message_ko)) + ("" if i.detected else " (미검출)"))
    console.print(table)
    states = ", ".join(f"{STATE_KO[s]} {n}" for s, n in counts.by_state.items() if n)
    severities = ", ".join(f"{SEVERITY_KO[s]} {n}" for s, n in counts.by_severity.items() if n)
    console.print(f"{counts.total}건 — 상태별: {states or '없음'} / 심각도별: {severities or '없음'}")


@queue_app.command()
def show(item_id: int = typer.Argument(...), as_json: bool = typer.Option(False, "--json"),
         database_url: str | None = DATABASE) -> None:
    """One item with its comments, its audit trail and the corrections of its indicator."""
    from checks.catalogue import where_ko
    from checks.particles import with_particles
    from review_queue.worklist import allowed_actions, get_item
    from schemas.vocabulary import ACTION_KO, SEVERITY_KO
    from web.templating import FIELD_KO

    item = _call(get_item, item_id, url=database_url)
    if as_json:
        _echo_json(item.model_dump(mode="json") | {"allowed_actions": allowed_actions(item.state)})
        return
    console.print(f"[bold]#{item.id}[/bold] {_rule_title(item.rule)} ({SEVERITY_KO[item.severity]}) — "
                  f"[bold]{item.state_ko}[/bold]", highlight=False)
    console.print(escape(f"제출 {item.submission_id}(제{item.version}판) {item.applicant or ''} (번들 {item.bundle_id})"
                         + (" — 이후 판으로 대체됨" if item.superseded else "")), highlight=False)
    console.print(escape(with_particles(item.message_ko)), highlight=False)
    where = where_ko(item.source, col=True, unknown="") if item.source else None
    for label, value in (("지표", item.indicator), ("위치", where or None), ("담당", item.assignee),
                         ("처리 메모", item.resolution_note), ("보완 요청", item.supplement_note),
                         ("종결", f"{item.closed_by} {_when(item.closed_at)}" if item.closed_by else None)):
        if value:
            console.print(escape(f"  {label}: {value}"), highlight=False)
    if not item.detected:
        console.print("  (최근 처리에서 더 이상 발견되지 않음)")
    _table("의견", ("언제", "누가", "내용"), [(_when(c.created_at), _actor(c.actor), c.text) for c in item.comments])
    _table("변경 이력", ("언제", "누가", "항목", "이전", "이후", "메모"),
           [(_when(a.at), _actor(a.actor), FIELD_KO.get(a.field, a.field), _audit_value(a.field, a.before),
             _audit_value(a.field, a.after), a.note or "") for a in item.audit])
    _table("값 보정", ("언제", "누가", "구성", "추출값", "보정값", "메모"),
           [(_when(c.created_at), _actor(c.actor), c.component or "", _short(c.original_value),
             "(취소)" if c.withdrawn else _short(c.value), c.note or "") for c in item.corrections])
    console.print(f"가능한 처리: {', '.join(ACTION_KO.get(a, a) for a in allowed_actions(item.state)) or '없음'}")


def _actor(name: str | None) -> str:
    from review_queue.worklist.changes import PIPELINE

    return "자동 처리" if name == PIPELINE else name or ""


def _audit_value(field: str, value: Any) -> str:
    from schemas.vocabulary import SEVERITY_KO, STATE_KO

    words = {"state": STATE_KO, "severity": SEVERITY_KO}.get(field, {})
    return words.get(value, _short(value)) if isinstance(value, str) else _short(value)


def _short(value: Any) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "…"


def _table(title: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    if not rows:
        return
    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*(escape(str(c)) for c in row))
    console.print(table)


@queue_app.command()
def start(item_id: int, actor: str | None = ACTOR, database_url: str | None = DATABASE) -> None:
    """Start reviewing an item (open or supplement_requested → in_review)."""
    from review_queue.worklist import start_review

    _done(_call(start_review, item_id, actor=actor, url=database_url))


@queue_app.command()
def resolve(item_id: int, note: str | None = typer.Option(None, "--note", help="How it was settled."),
            actor: str | None = ACTOR, database_url: str | None = DATABASE) -> None:
    """Mark an item resolved."""
    from review_queue.worklist import resolve as resolve_item

    _done(_call(resolve_item, item_id, actor=actor, note=note, url=database_url))


@queue_app.command()
def waive(item_id: int, reason: str = typer.Option(..., "--reason", help="Why the problem is accepted (required)."),
          actor: str | None = ACTOR, database_url: str | None = DATABASE) -> None:
    """Waive an item: the problem stands but is accepted."""
    from review_queue.worklist import waive as waive_item

    _done(_call(waive_item, item_id, actor=actor, reason=reason, url=database_url))


@queue_app.command()
def supplement(item_id: int, note: str | None = typer.Option(None, "--note", help="What the applicant must supply."),
               actor: str | None = ACTOR, database_url: str | None = DATABASE) -> None:
    """Ask the applicant for a supplement (보완 요청)."""
    from review_queue.worklist import request_supplement

    _done(_call(request_supplement, item_id, actor=actor, note=note, url=database_url))


@queue_app.command()
def reopen(item_id: int, note: str | None = typer.Option(None, "--note"), actor: str | None = ACTOR,
           database_url: str | None = DATABASE) -> None:
    """Put an item back to open."""
    from review_queue.worklist import reopen as reopen_item

    _done(_call(reopen_item, item_id, actor=actor, note=note, url=database_url))


@queue_app.command()
def assign(item_id: int, assignee: str = typer.Argument(..., help="User name; '-' for no one."),
           actor: str | None = ACTOR, database_url: str | None = DATABASE) -> None:
    """Assign an item to a reviewer."""
    from review_queue.worklist import assign as assign_item

    item = _call(assign_item, item_id, actor=actor, assignee=None if assignee == "-" else assignee, url=database_url)
    console.print(f"#{item.id} 담당: {item.assignee or '없음'}")


@queue_app.command()
def comment(item_id: int, text: str, actor: str | None = ACTOR, database_url: str | None = DATABASE) -> None:
    """Add a comment to an item."""
    from review_queue.worklist import comment as add_comment

    note = _call(add_comment, item_id, actor=actor, text=text, url=database_url)
    console.print(f"#{item_id} 의견 추가 ({note.actor})")


@queue_app.command()
def correct(
    submission: str = typer.Argument(..., help="Submission id or bundle id."),
    indicator: str = typer.Argument(..., help="An indicator code, qualitative sub-area or service sub-item, as the programme schema names it."),
    value: str = typer.Argument(..., help="The value as it should read: 12, 3.5, 12.3%, 예/아니오, a stage …"),
    component: str | None = typer.Option(None, "--component", help="A lettered component (A, B …) instead of the value."),
    note: str | None = typer.Option(None, "--note", help="Where the right value was found."),
    withdraw: bool = typer.Option(False, "--withdraw", help="Withdraw the correction (VALUE is then ignored)."),
    actor: str | None = ACTOR,
    database_url: str | None = DATABASE,
) -> None:
    """Record a reviewer's corrected value; the extracted value is kept beside it."""
    from review_queue.worklist import correct_value, withdraw_correction

    if withdraw:
        row = _call(withdraw_correction, submission, indicator, actor=actor, component=component, note=note,
                    url=database_url)
        console.print(f"{row.indicator}{'/' + row.component if row.component else ''}: 보정 취소 → 추출값 "
                      f"{_short(row.original_value)}")
        return
    row = _call(correct_value, submission, indicator, value, actor=actor, component=component, note=note,
                url=database_url)
    console.print(f"{row.indicator}{'/' + row.component if row.component else ''}: {_short(row.original_value) or '(없음)'} → "
                  f"[bold]{_short(row.value)}[/bold] ({row.actor})")


@queue_app.command()
def effective(submission: str, database_url: str | None = DATABASE) -> None:
    """The submission JSON with the reviewers' corrections applied (what exports use)."""
    from review_queue.worklist import effective_record

    _echo_json(_call(effective_record, submission, url=database_url))
