"""The portal side of the credit file: the public 信用公示 page (no login), and for a firm or
person their own records with 信用修复 applications (apply, follow, resubmit when returned)
and objections to a notified listing. Writes go through credit.repair / credit.records."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from yingshang.audit.models import AuditEvent
from yingshang.credit import public, records, repair, selectors
from yingshang.credit.models import (
    DishonestListing,
    Penalty,
    RepairApplication,
    RepairMaterial,
)
from yingshang.errors import DomainError
from yingshang.org import scope
from yingshang.workbench.access import login_required_view

MATERIAL_FIELDS = [(k.value, k.label) for k in RepairMaterial.Kind]


def public_page(request):
    """信用公示: penalties inside their publicity period, and the dishonest list in force."""
    tab = "listings" if request.GET.get("tab") == "listings" else "penalties"
    q = request.GET.get("q", "").strip()[:60]
    cursor = request.GET.get("after", "")[:40]
    reader = public.listings if tab == "listings" else public.penalties
    rows, more = reader(q=q, cursor=cursor)
    return render(
        request,
        "credit/public.html",
        {"tab": tab, "q": q, "rows": rows, "more": more, "first": not cursor},
    )


def _my_subject(user):
    return selectors.subject_for(user.firm if user.kind == "firm" and user.firm_id else user)


def _record(kind: str, pk: int, user):
    model = {"penalty": Penalty, "listing": DishonestListing}.get(kind)
    if model is None:
        raise Http404
    record = scope.get_for(user, model, pk)
    subject = _my_subject(user)
    if subject is None or record.subject_id != subject.pk:
        raise Http404  # only one's own records are repaired from the portal
    return record


def _files(request) -> dict:
    return {k: request.FILES.getlist(f"material_{k}") for k, _label in MATERIAL_FIELDS}


@login_required_view
def repair_apply(request, kind: str, pk: int):
    record = _record(kind, pk, request.user)
    error, statement = None, ""
    if request.method == "POST":
        statement = request.POST.get("statement", "")
        try:
            app = repair.repair_apply(
                actor=request.user, record=record, statement=statement, files=_files(request)
            )
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("信用修复申请已提交，编号 %(no)s") % {"no": app.number})
            return redirect("credit:repair_mine", pk=app.pk)
    return render(
        request,
        "credit/repair_apply.html",
        {
            "record": record,
            "kind": kind,
            "error": error,
            "statement": statement,
            "fields": MATERIAL_FIELDS,
        },
    )


def history(obj):
    label = f"credit.{obj._meta.model_name}"
    return AuditEvent.objects.filter(object_type=label, object_id=str(obj.pk)).order_by("seq")


@login_required_view
def repair_mine(request, pk: int):
    app = scope.get_for(request.user, RepairApplication, pk)
    error = None
    if request.method == "POST":
        try:
            if request.POST.get("action") == "withdraw":
                repair.repair_withdraw(actor=request.user, application=app)
                messages.success(request, _("已撤回"))
            else:
                repair.repair_resubmit(
                    actor=request.user,
                    application=app,
                    files=_files(request),
                    statement=request.POST.get("statement", ""),
                )
                messages.success(request, _("已补充材料并重新提交"))
        except DomainError as exc:
            error = exc
        else:
            return redirect("credit:repair_mine", pk=app.pk)
    return render(
        request,
        "credit/repair_mine.html",
        {
            "app": app,
            "abilities": scope.abilities(request.user, app),
            "materials": app.materials.order_by("round", "pk"),
            "events": history(app),
            "error": error,
            "fields": MATERIAL_FIELDS,
        },
    )


@login_required_view
def listing_object(request, pk: int):
    listing = _record("listing", pk, request.user)
    error, text = None, ""
    if request.method == "POST":
        text = request.POST.get("objection", "")
        try:
            records.listing_object(actor=request.user, listing=listing, objection=text)
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("异议已提交，信用管理部门将处理并告知结果"))
            return redirect("credit:mine")
    return render(
        request, "credit/listing_object.html", {"listing": listing, "error": error, "text": text}
    )


@login_required_view
def material(request, pk: int):
    """A repair material file, for whoever sees the application (the firm, the reviewers)."""
    m = scope.get_for(request.user, RepairMaterial, pk)
    try:
        handle = m.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    inline = m.content_type.startswith("image/") or m.content_type == "application/pdf"
    response = FileResponse(
        handle, content_type=m.content_type, as_attachment=not inline, filename=m.original_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
