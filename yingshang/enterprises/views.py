"""The staff pages of the firm register (一企一档): the list with search and Excel export, one
page per firm with its profile and every module's panel, create/edit/注销 for the 营商办, and
the Excel import (upload → preview with row-level errors → confirm). Writes go through
enterprises.services / enterprises.imports; what is shown comes from enterprises.scopes."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from yingshang.enterprises import accounts, imports, industries, panels, selectors, services
from yingshang.enterprises.forms import FirmForm, ImportForm, LegalRepForm, StatusForm
from yingshang.enterprises.models import Firm, FirmImport
from yingshang.enterprises.scopes import sees_firm
from yingshang.errors import DomainError
from yingshang.org import scope
from yingshang.org.roles import STAFF_ROLES
from yingshang.workbench.access import staff_required

EDITORS = services.EDITOR_ROLES


def _form_error(form, exc: DomainError) -> None:
    field = exc.details.get("field")
    form.add_error(field if field in form.fields else None, exc.message)


@staff_required(*STAFF_ROLES)
def firm_list(request):
    params = {k: request.GET.get(k, "").strip() for k in ("q", "industry", "size", "status")}
    qs = selectors.firms_for(request.user, **params)
    if request.GET.get("export") == "xlsx":
        return imports.export_response(qs)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "enterprises/staff/list.html",
        {
            "page": page,
            "params": params,
            "query": urlencode({k: v for k, v in params.items() if v}),
            "sections": industries.choices(),
            "sizes": Firm.Size.choices,
            "statuses": Firm.Status.choices,
            "can_edit": services.can_edit(request.user),
        },
    )


@staff_required(*STAFF_ROLES)
def firm_page(request, pk: int):
    firm = Firm.objects.select_related("merged_into").filter(pk=pk).first()
    if firm is None or not sees_firm(scope.grants(request.user), firm.pk):
        raise Http404  # outside the reader's scope: as if it did not exist
    can_edit = services.can_edit(request.user)
    return render(
        request,
        "enterprises/staff/firm.html",
        {
            "firm": firm,
            "panels": panels.panels_for(firm, request.user),
            "accounts": accounts.accounts_of(firm) if can_edit else None,
            "history": [(e, selectors.action_label(e.action)) for e in selectors.history(firm)[:20]]
            if can_edit
            else None,
            "can_edit": can_edit,
        },
    )


@staff_required(*EDITORS)
def firm_create(request):
    form = FirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            firm = services.firm_create(
                actor=request.user, uscc=form.cleaned_data["uscc"], **form.profile()
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("已登记企业：%(name)s") % {"name": firm.name})
            return redirect("enterprises:firm", pk=firm.pk)
    return render(
        request,
        "enterprises/staff/edit.html",
        {"form": form, "firm": None, "sections": industries.choices()},
        status=400 if form.errors else 200,
    )


@staff_required(*EDITORS)
def firm_edit(request, pk: int):
    firm = scope.get_for(request.user, Firm, pk)
    initial = {k: getattr(firm, k) for k in services.PROFILE_FIELDS}
    form = FirmForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.firm_update(
                actor=request.user,
                firm=firm,
                reason=form.cleaned_data.get("reason", ""),
                **form.profile(),
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("企业信息已保存"))
            return redirect("enterprises:firm", pk=firm.pk)
    return render(
        request,
        "enterprises/staff/edit.html",
        {"form": form, "firm": firm, "sections": industries.choices()},
        status=400 if form.errors else 200,
    )


@staff_required(*EDITORS)
def firm_status(request, pk: int):
    firm = scope.get_for(request.user, Firm, pk)
    form = StatusForm(request.POST or None, initial={"status": firm.status})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            target = None
            if d["merged_into"]:
                target = Firm.objects.filter(uscc=d["merged_into"]).first()
                if target is None:
                    raise DomainError(
                        "FIRM_NOT_FOUND",
                        _("未找到该统一社会信用代码对应的企业"),
                        details={"field": "merged_into"},
                    )
            services.firm_set_status(
                actor=request.user,
                firm=firm,
                status=d["status"],
                reason=d["reason"],
                merged_into=target,
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("企业登记状态已更新"))
            return redirect("enterprises:firm", pk=firm.pk)
    return render(
        request,
        "enterprises/staff/status.html",
        {"form": form, "firm": firm},
        status=400 if form.errors else 200,
    )


@staff_required(*EDITORS)
def legal_rep_transfer(request, pk: int):
    """变更法定代表人: another active account of the firm becomes its legal representative's."""
    firm = scope.get_for(request.user, Firm, pk)
    current = [a for a in accounts.accounts_of(firm) if a.active]
    choices = [
        (a.pk, f"{a.user.display_name}（{a.get_role_display()}）")
        for a in current
        if a.role != a.Role.LEGAL_REP
    ]
    form = LegalRepForm(request.POST or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            account = accounts.legal_rep_change(
                actor=request.user,
                firm=firm,
                account_id=d["account"],
                real_name=d["real_name"],
                mobile=d["mobile"],
                password=d["password"],
                reason=d["reason"],
                revoke_previous=d["revoke_previous"],
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request,
                _("已将%(name)s的账号设为法定代表人账号") % {"name": account.user.display_name},
            )
            return redirect("enterprises:firm", pk=firm.pk)
    return render(
        request,
        "enterprises/staff/legal_rep.html",
        {
            "form": form,
            "firm": firm,
            "current": next((a for a in current if a.role == a.Role.LEGAL_REP), None),
        },
        status=400 if form.errors else 200,
    )


@staff_required(*EDITORS)
def import_upload(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    error = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = imports.preview(actor=request.user, file=upload, file_name=upload.name)
        except DomainError as exc:
            error = exc
        else:
            return redirect("enterprises:import_preview", pk=job.pk)
    recent = scope.visible_to(request.user, FirmImport).order_by("-pk")[:10]
    return render(
        request,
        "enterprises/staff/import.html",
        {"form": form, "error": error, "recent": recent, "columns": imports.export_headers()},
        status=error.status if error else (400 if form.errors else 200),
    )


@staff_required(*EDITORS)
def import_preview(request, pk: int):
    job = scope.get_for(request.user, FirmImport, pk)
    error = None
    if request.method == "POST":
        try:
            if request.POST.get("action") == "discard":
                imports.discard(actor=request.user, job=job)
                messages.info(request, _("已放弃本次导入，未写入任何数据"))
                return redirect("enterprises:import")
            job = imports.apply(actor=request.user, job=job)
        except DomainError as exc:
            error = exc
        else:
            messages.success(
                request,
                _("导入完成：新增%(c)d家，更新%(u)d家")
                % {"c": job.created_count, "u": job.updated_count},
            )
            return redirect("enterprises:import_preview", pk=job.pk)
    codes = [r.get("uscc") for r in job.rows if r.get("uscc")]
    known = set(Firm.objects.filter(uscc__in=codes).values_list("uscc", flat=True))
    return render(
        request,
        "enterprises/staff/import_preview.html",
        {"job": job, "error": error, "rows": job.rows[:200], "known": known},
        status=error.status if error else 200,
    )
