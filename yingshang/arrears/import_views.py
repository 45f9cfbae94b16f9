"""The 清欠台账 import pages: upload → preview with row-level errors → apply all or nothing."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yingshang.arrears import ledger_io
from yingshang.arrears.models import ImportBatch
from yingshang.errors import DomainError
from yingshang.org import scope
from yingshang.org.roles import Role
from yingshang.workbench.access import staff_required


@staff_required(Role.SUPERVISOR)
def upload(request):
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            return render(
                request, "arrears/import.html", {"error": _("请选择要上传的Excel文件")}, status=400
            )
        try:
            batch, result = ledger_io.preview(actor=request.user, upload=upload)
        except DomainError as exc:
            return render(request, "arrears/import.html", {"error": exc.message}, status=exc.status)
        return render(request, "arrears/import.html", {"batch": batch, "result": result})
    return render(request, "arrears/import.html", {})


@require_POST
@staff_required(Role.SUPERVISOR)
def apply(request, pk):
    batch = scope.get_for(request.user, ImportBatch, pk)
    try:
        result = ledger_io.apply(actor=request.user, batch=batch)
    except DomainError as exc:
        return render(request, "arrears/import.html", {"error": exc.message}, status=exc.status)
    if result.errors:
        batch.refresh_from_db()
        return render(
            request,
            "arrears/import.html",
            {
                "batch": batch,
                "result": result,
                "error": _("台账中有%(n)s行有误，未导入任何数据，请修改后重新上传")
                % {"n": len(result.errors)},
            },
            status=400,
        )
    messages.success(request, _("已导入%(n)s条清欠记录") % {"n": result.rows})
    return redirect("arrears:list")
