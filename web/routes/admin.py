"""Accounts, for the administrator: create, change role, reset password, deactivate."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request

from schemas.vocabulary import USER_ROLES
from web import accounts
from web.accounts import AccountError, User
from web.auth import require
from web.limits import RowId
from web.permissions import ADMIN_ROLES
from web.templating import redirect, render

router = APIRouter(prefix="/admin")
admin = require(*ADMIN_ROLES)


@router.get("/users")
def users_page(request: Request, user: User = Depends(admin)):
    users = accounts.list_users(request.app.state.settings.database_url)
    return render(request, "users.html", users=users, roles=USER_ROLES)


@router.post("/users")
def create(request: Request, name: str = Form(""), role: str = Form(""), password: str = Form(""),
           display_name: str = Form(""), user: User = Depends(admin)):
    try:
        created = accounts.create_user(name, role, password, display_name=display_name,
                                       url=request.app.state.settings.database_url)
    except AccountError as exc:
        return redirect(request, "/admin/users", str(exc), "error")
    return redirect(request, "/admin/users", f"'{created.name}' 계정을 만들었습니다.")


@router.post("/users/{user_id}")
def change(request: Request, user_id: RowId, change: str = Form(""), role: str = Form(""), password: str = Form(""),
           user: User = Depends(admin)):
    url = request.app.state.settings.database_url
    if user_id == user.id and change in ("role", "deactivate"):
        return redirect(request, "/admin/users", "자신의 역할을 바꾸거나 자신의 계정을 막을 수는 없습니다.", "error")
    try:
        if change == "role":
            changed = accounts.set_role(user_id, role, url)
            message = f"'{changed.name}'의 역할을 바꿨습니다."
        elif change == "password":
            changed = accounts.set_password(user_id, password, url)
            message = f"'{changed.name}'의 비밀번호를 바꿨습니다. 그 계정의 로그인은 모두 끝났습니다."
        elif change in ("deactivate", "activate"):
            changed = accounts.set_active(user_id, change == "activate", url)
            message = f"'{changed.name}' 계정을 {'사용하게' if changed.active else '사용하지 못하게'} 했습니다."
        else:
            raise AccountError("알 수 없는 변경입니다")
    except AccountError as exc:
        return redirect(request, "/admin/users", str(exc), "error")
    return redirect(request, "/admin/users", message)
