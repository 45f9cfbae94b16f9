"""修改密码: everyone may change their own password; a holder of a password the administrator
issued is sent here first (useradmin.middleware)."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from yingshang.errors import DomainError
from yingshang.useradmin import services
from yingshang.useradmin.middleware import SESSION_KEY
from yingshang.workbench.access import login_required_view


@login_required_view
def password_change(request):
    error = ""
    if request.method == "POST":
        try:
            services.password_change(
                actor=request.user,
                current=request.POST.get("current", ""),
                new=request.POST.get("new", ""),
                repeat=request.POST.get("repeat", ""),
            )
        except DomainError as exc:
            error = exc.message
        else:
            update_session_auth_hash(request, request.user)  # stay logged in here only
            request.session.pop(SESSION_KEY, None)
            messages.success(request, _("密码已修改"))
            return redirect("workbench:home")
    return render(
        request,
        "useradmin/password_change.html",
        {"error": error, "forced": bool(request.session.get(SESSION_KEY))},
    )
