"""How the `intake` command fails: one Korean line for the clerk, one English log line for the operator.

``KoreanGroup`` runs every command in Click's non-standalone mode and turns what escapes into that pair:
usage errors exit with status 2, refusals and failures with 1, and no traceback reaches the terminal.
"""

from __future__ import annotations

import logging
import re
import sys
from typing import Any

from rich.console import Console
from typer import Abort
from typer._click import exceptions as click  # Typer carries its own copy of Click's exceptions
from typer.core import TyperGroup

from checks.particles import with_particles

log = logging.getLogger("intake.cli")
errors = Console(stderr=True, highlight=False)
USAGE_EXIT, FAILURE_EXIT = 2, 1


class KoreanUsageError(click.UsageError):
    """A usage error whose message is already the Korean line for the clerk; ``log_en`` is the operator's."""

    def __init__(self, message_ko: str, log_en: str):
        super().__init__(message_ko)
        self.log_en = log_en


def usage(message_ko: str, log_en: str) -> KoreanUsageError:
    return KoreanUsageError(message_ko, log_en)


def say_error(message_ko: str, log_en: str | None = None) -> None:
    """The clerk's one Korean line on stderr, and the operator's English log line when there is one."""
    errors.print(f"[red]오류[/red]: {with_particles(message_ko)}", soft_wrap=True)
    if log_en:
        log.error(log_en)


def _quoted(text: str) -> str | None:
    found = re.findall(r"'([^']*)'", text)
    return found[-1] if found else None


def _usage_ko(exc: click.UsageError) -> str:
    command = exc.ctx.command_path if exc.ctx else "intake"
    hint = f" ('{command} --help'로 사용법을 확인하십시오)"
    if isinstance(exc, KoreanUsageError):
        return exc.message
    if isinstance(exc, click.MissingParameter):
        name = (exc.param.opts[0] if exc.param and exc.param.opts and exc.param.param_type_name == "option"
                else (exc.param.name or "").upper() if exc.param else "")
        return f"필요한 값이 없습니다: {name}{hint}"
    if isinstance(exc, click.NoSuchOption):
        return f"'{exc.option_name}'은(는) 없는 옵션입니다{hint}"
    if isinstance(exc, click.BadParameter):
        param = exc.param
        name = (param.opts[0] if param.param_type_name == "option" else (param.name or "").upper()) if param else ""
        if re.match(r"(path|file|directory) '", exc.message, re.IGNORECASE):
            return f"{name}: 경로 '{_quoted(exc.message) or ''}'을(를) 찾을 수 없거나 쓸 수 없습니다"
        return f"{name} 값이 올바르지 않습니다{hint}"
    if "No such command" in exc.message:
        return f"'{_quoted(exc.message) or ''}'은(는) 없는 명령입니다{hint}"
    return f"명령의 형식이 맞지 않습니다{hint}"


def failure_ko(exc: BaseException) -> str:
    """The Korean line for what a command raised (the review queue's refusals, files, anything else)."""
    from review_queue.worklist import NotFound, QueueError

    if isinstance(exc, NotFound):
        return f"{exc.ko} ('intake status'로 번호를 확인하십시오)" if exc.code == "no_submission" else exc.ko
    if isinstance(exc, QueueError):
        return exc.ko
    if isinstance(exc, PermissionError):
        return f"'{exc.filename or ''}'에 쓸 권한이 없습니다"
    if isinstance(exc, (FileNotFoundError, NotADirectoryError, IsADirectoryError, FileExistsError)):
        return f"경로 '{exc.filename or ''}'을(를) 쓰거나 읽을 수 없습니다"
    if isinstance(exc, OSError):
        return f"파일을 읽거나 쓰지 못했습니다 ({exc.filename or '경로 미상'})"
    return "처리하지 못했습니다. 운영자에게 아래 기록을 전달하십시오"


class KoreanGroup(TyperGroup):
    """The top-level group of `intake`: every error as one Korean line plus an English log line."""

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        try:
            result = super().main(args=args, prog_name=prog_name, complete_var=complete_var,
                                  standalone_mode=False, **extra)
        except click.UsageError as exc:
            try:
                line = _usage_ko(exc)
            except Exception:  # noqa: BLE001 - a usage error must still read as one line
                line = "명령의 형식이 맞지 않습니다 ('intake --help'로 사용법을 확인하십시오)"
            say_error(line, f"usage error: {getattr(exc, 'log_en', None) or exc.format_message()}")
            sys.exit(USAGE_EXIT)
        except Abort:
            say_error("중단했습니다.")
            sys.exit(FAILURE_EXIT)
        except click.ClickException as exc:
            say_error("명령을 실행하지 못했습니다", f"{type(exc).__name__}: {exc.format_message()}")
            sys.exit(exc.exit_code or FAILURE_EXIT)
        except Exception as exc:  # noqa: BLE001 - the command line's last line of defence, logged in English
            say_error(failure_ko(exc), f"{type(exc).__name__}: {exc}")
            sys.exit(FAILURE_EXIT)
        if not standalone_mode:
            return result
        sys.exit(result if isinstance(result, int) else 0)
