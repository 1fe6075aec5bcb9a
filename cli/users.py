"""`intake user`: accounts of the web app from the command line (the first administrator is made here)."""

from __future__ import annotations

import sys

import typer

from checks.particles import with_particles
from schemas.vocabulary import USER_ROLE_KO

user_app = typer.Typer(pretty_exceptions_enable=False, help="Accounts of the web app (intake serve): clerks, reviewers, administrators.",
                       no_args_is_help=True, add_completion=False)
DATABASE = typer.Option(None, "--database-url",
                        help="Store; default sqlite:///var/intake.db.")


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    # Asked twice in Korean (Typer's own confirmation prompt and its mismatch message are English).
    for _ in range(3):
        first = typer.prompt("비밀번호 (10자 이상)", hide_input=True)
        if typer.prompt("비밀번호 확인 (한 번 더)", hide_input=True) == first:
            return first
        typer.echo("두 비밀번호가 다릅니다. 다시 입력하십시오.", err=True)
    typer.echo("비밀번호가 세 번 일치하지 않아 그만둡니다.", err=True)
    raise typer.Exit(1)


@user_app.command("add")
def add(
    name: str = typer.Argument(..., help="User name (what the audit trail records)."),
    role: str = typer.Option(..., "--role", help="clerk, reviewer or admin."),
    display_name: str | None = typer.Option(None, "--display-name", help="Name shown in the app, e.g. 김검토."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from stdin's first line."),
    database_url: str | None = DATABASE,
) -> None:
    """Create an account; the password is prompted for (twice) unless --password-stdin."""
    from web.accounts import AccountError, check_name, check_role, create_user

    try:
        check_name(name), check_role(role)
        user = create_user(name, role, _password(password_stdin), display_name=display_name, url=database_url)
    except AccountError as exc:
        typer.echo(f"거부됨: {with_particles(str(exc))}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"계정을 만들었습니다: {user.name} ({USER_ROLE_KO.get(user.role, user.role)})")


@user_app.command("passwd")
def passwd(
    name: str = typer.Argument(...),
    password_stdin: bool = typer.Option(False, "--password-stdin"),
    database_url: str | None = DATABASE,
) -> None:
    """Set a new password (every sign-in of the account ends)."""
    from web.accounts import AccountError, set_password, user_by_name

    user = user_by_name(name, database_url)
    if user is None:
        typer.echo(f"거부됨: '{name}' 사용자가 없습니다", err=True)
        raise typer.Exit(1)
    try:
        set_password(user.id, _password(password_stdin), database_url)
    except AccountError as exc:
        typer.echo(f"거부됨: {with_particles(str(exc))}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"{name}의 비밀번호를 바꾸었습니다 (기존 로그인은 모두 끝났습니다)")


@user_app.command("list")
def list_(database_url: str | None = DATABASE) -> None:
    """Every account with its role."""
    from web.accounts import list_users

    for user in list_users(database_url):
        typer.echo(f"{user.name}\t{USER_ROLE_KO.get(user.role, user.role)}\t{'사용' if user.active else '사용 중지'}\t"
                   f"{user.display_name or ''}")
