"""Staff pages of the full credit file: penalties (recorded by the deciding unit or the credit
administrator), praise (红名单), the 信用修复 review queue, the dishonest list's notice and
objection steps, and the two rule tables. Every write goes through credit.records / repair."""

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from yingshang.credit import publicity, records, repair, sanctions, selectors
from yingshang.credit.defaults import ensure_defaults
from yingshang.credit.models import (
    DishonestListing,
    Penalty,
    Praise,
    PublicityRule,
    RepairApplication,
    SanctionRule,
    Severity,
)
from yingshang.credit.scopes import RECORDERS, is_credit_admin
from yingshang.errors import DomainError, InvalidInput
from yingshang.org import identifiers, scope
from yingshang.org.models import Unit
from yingshang.org.roles import Role
from yingshang.workbench.access import staff_required

READERS = (Role.SUPERVISOR, Role.ADMIN, Role.LEADER, *RECORDERS)
ADMINS = (Role.SUPERVISOR, Role.ADMIN)


def _page(request, qs, per_page: int = 30):
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


def parse_date(raw: str, field: str, label: str):
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(
            "CREDIT_DATE_INVALID",
            _("%(f)s格式应为 年-月-日") % {"f": label},
            details={"field": field},
        ) from None


def recordable_units(user):
    g = scope.grants(user)
    qs = scope.visible_to(user, Unit).filter(is_active=True).order_by("code")
    return qs if is_credit_admin(g) else qs.filter(pk__in=g.units(*RECORDERS))


def _unit(user, raw):
    try:
        return recordable_units(user).get(pk=int(raw))
    except (ValueError, TypeError, Unit.DoesNotExist):
        raise InvalidInput("CREDIT_UNIT_REQUIRED", _("请选择处罚/认定机关")) from None


# --- penalties --------------------------------------------------------------------------------
@staff_required(*READERS)
def penalty_list(request):
    q = request.GET.get("q", "").strip()[:60]
    status = request.GET.get("status", "")
    qs = scope.visible_to(request.user, Penalty).select_related("unit")
    if q:
        qs = qs.filter(
            Q(subject_name__icontains=q)
            | Q(subject_code=identifiers.normalize(q))
            | Q(decision_number__icontains=q)
        )
    if status in Penalty.Status.values:
        qs = qs.filter(status=status)
    return render(
        request,
        "credit/staff/penalties.html",
        {
            "page": _page(request, qs.order_by("-decided_on", "-pk")),
            "q": q,
            "status": status,
            "statuses": Penalty.Status.choices,
            "can_add": recordable_units(request.user).exists(),
        },
    )


@staff_required(*ADMINS, *RECORDERS)
def penalty_new(request):
    fields = (
        "kind",
        "identifier",
        "unit",
        "decision_number",
        "decided_on",
        "severity",
        "legal_basis",
        "facts",
        "content",
    )
    values = dict.fromkeys(fields, "")
    values.update(kind="firm", severity=Severity.GENERAL, types=[])
    error = None
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in fields}
        values["types"] = request.POST.getlist("types")
        try:
            penalty = records.penalty_record(
                actor=request.user,
                subject_of=selectors.find_subject_of(
                    kind=values["kind"], identifier=values["identifier"]
                ),
                unit=_unit(request.user, values["unit"]),
                decision_number=values["decision_number"],
                decided_on=parse_date(values["decided_on"], "decided_on", _("处罚决定日期")),
                types=values["types"],
                legal_basis=values["legal_basis"],
                severity=values["severity"],
                facts=values["facts"],
                content=values["content"],
            )
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("已录入处罚决定 %(no)s") % {"no": penalty.decision_number})
            return redirect("credit:penalty", pk=penalty.pk)
    return render(
        request,
        "credit/staff/penalty_new.html",
        {
            "values": values,
            "error": error,
            "units": recordable_units(request.user),
            "rules": sorted(publicity.rules_by_code().values(), key=lambda r: (r.order, r.code)),
            "severities": Severity.choices,
        },
    )


@staff_required(*READERS)
def penalty_detail(request, pk: int):
    penalty = scope.get_for(request.user, Penalty, pk)
    error = None
    if request.method == "POST":
        try:
            records.penalty_void(
                actor=request.user, penalty=penalty, reason=request.POST.get("reason", "")
            )
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("处罚记录已作废（保留在历史中）"))
            return redirect("credit:penalty", pk=pk)
    names = dict(PublicityRule.objects.values_list("code", "name"))
    return render(
        request,
        "credit/staff/penalty.html",
        {
            "penalty": penalty,
            "types": [names.get(c, c) for c in penalty.types],
            "abilities": scope.abilities(request.user, penalty),
            "repairs": penalty.repairs.order_by("-pk"),
            "error": error,
        },
    )


# --- praise -----------------------------------------------------------------------------------
@staff_required(*READERS)
def praise_list(request):
    error = None
    if request.method == "POST":
        try:
            praise = scope.get_for(request.user, Praise, request.POST.get("pk"))
            records.praise_void(
                actor=request.user, praise=praise, reason=request.POST.get("reason", "")
            )
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("已作废（保留在历史中）"))
            return redirect("credit:praises")
    page = _page(
        request,
        scope.visible_to(request.user, Praise)
        .select_related("subject__firm", "subject__person", "unit")
        .order_by("-decided_on", "-pk"),
    )
    for p in page:
        p.abilities = scope.abilities(request.user, p)
    return render(
        request,
        "credit/staff/praises.html",
        {"page": page, "error": error, "can_add": recordable_units(request.user).exists()},
    )


@staff_required(*ADMINS, *RECORDERS)
def praise_new(request):
    fields = (
        "kind",
        "identifier",
        "unit",
        "praise_kind",
        "title",
        "document_number",
        "decided_on",
        "valid_until",
        "legal_basis",
    )
    values = dict.fromkeys(fields, "")
    values.update(kind="firm", praise_kind=Praise.Kind.RED_LIST)
    error = None
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in fields}
        try:
            records.praise_add(
                actor=request.user,
                subject_of=selectors.find_subject_of(
                    kind=values["kind"], identifier=values["identifier"]
                ),
                unit=_unit(request.user, values["unit"]),
                kind=values["praise_kind"],
                title=values["title"],
                document_number=values["document_number"],
                decided_on=parse_date(values["decided_on"], "decided_on", _("认定日期")),
                valid_until=parse_date(values["valid_until"], "valid_until", _("有效期")),
                legal_basis=values["legal_basis"],
            )
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("已录入"))
            return redirect("credit:praises")
    return render(
        request,
        "credit/staff/praise_new.html",
        {
            "values": values,
            "error": error,
            "units": recordable_units(request.user),
            "kinds": Praise.Kind.choices,
        },
    )


# --- 信用修复 review --------------------------------------------------------------------------
@staff_required(*READERS)
def repair_queue(request):
    status = request.GET.get("status", "submitted")
    qs = scope.visible_to(request.user, RepairApplication).select_related(
        "subject__firm", "subject__person", "penalty", "listing"
    )
    if status in RepairApplication.Status.values:
        qs = qs.filter(status=status)
    unit = request.GET.get("unit", "")
    if unit.isdigit():  # the assessment's drill-down (credit/metrics.py)
        qs = qs.filter(unit_id=int(unit))
    return render(
        request,
        "credit/staff/repairs.html",
        {
            "page": _page(request, qs.order_by("due_at", "-pk")),
            "status": status,
            "statuses": RepairApplication.Status.choices,
        },
    )


REVIEW = {
    "return": repair.repair_return,
    "accept": repair.repair_accept,
    "refuse": repair.repair_refuse,
}


@staff_required(*READERS)
def repair_detail(request, pk: int):
    app = scope.get_for(request.user, RepairApplication, pk)
    error, reason = None, ""
    if request.method == "POST":
        action, reason = request.POST.get("action", ""), request.POST.get("reason", "")
        try:
            if action not in REVIEW:
                raise InvalidInput("REPAIR_ACTION_INVALID", _("请选择审核结果"))
            REVIEW[action](actor=request.user, application=app, reason=reason)
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("已办理"))
            return redirect("credit:repair", pk=pk)
    return render(
        request,
        "credit/staff/repair.html",
        {
            "app": app,
            "abilities": scope.abilities(request.user, app),
            "materials": app.materials.order_by("round", "pk"),
            "error": error,
            "reason": reason,
        },
    )


# --- the dishonest list: notice and objection ---------------------------------------------------
@staff_required(*ADMINS)
def listing_notice(request):
    values = {"kind": "firm", "identifier": "", "reason": "", "legal_basis": "", "unit": ""}
    error = None
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in values}
        try:
            unit = (
                scope.visible_to(request.user, Unit).filter(pk=values["unit"]).first()
                if values["unit"].isdigit()
                else None
            )
            listing = records.listing_notice(
                actor=request.user,
                subject_of=selectors.find_subject_of(
                    kind=values["kind"], identifier=values["identifier"]
                ),
                reason=values["reason"],
                legal_basis=values["legal_basis"],
                unit=unit,
            )
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("已告知，异议期满后方可列入"))
            return redirect("credit:listing_step", pk=listing.pk)
    return render(
        request,
        "credit/staff/listing_notice.html",
        {
            "values": values,
            "error": error,
            "units": scope.visible_to(request.user, Unit).filter(is_active=True).order_by("code"),
        },
    )


@staff_required(*READERS)
def listing_step(request, pk: int):
    listing = scope.get_for(request.user, DishonestListing, pk)
    error = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "confirm":
                records.listing_confirm(actor=request.user, listing=listing)
            elif action in ("uphold", "reject"):
                records.listing_rule_objection(
                    actor=request.user,
                    listing=listing,
                    upheld=action == "uphold",
                    ruling=request.POST.get("ruling", ""),
                )
            else:
                raise InvalidInput("LISTING_ACTION_INVALID", _("请选择操作"))
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("已办理"))
            return redirect("credit:listing_step", pk=pk)
    return render(
        request,
        "credit/staff/listing_step.html",
        {"listing": listing, "abilities": scope.abilities(request.user, listing), "error": error},
    )


# --- rules --------------------------------------------------------------------------------------
@staff_required(*READERS)
def rules(request):
    error = None
    if request.method == "POST":
        try:
            if request.POST.get("table") == "publicity":
                rule = PublicityRule.objects.filter(pk=request.POST.get("pk") or 0).first()
                if rule is None:
                    raise InvalidInput("RULE_NOT_FOUND", _("规则不存在"))
                records.publicity_rule_update(
                    actor=request.user,
                    rule=rule,
                    min_months=request.POST.get("min_months"),
                    max_months=request.POST.get("max_months"),
                    legal_basis=request.POST.get("legal_basis", ""),
                    active=request.POST.get("active") == "on",
                )
            else:
                records.sanction_rule_set(
                    actor=request.user,
                    record_kind=request.POST.get("record_kind", ""),
                    benefit=request.POST.get("benefit", ""),
                    active=request.POST.get("active") == "on",
                    legal_basis=request.POST.get("legal_basis", ""),
                )
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("规则已更新，已记入审计日志"))
            return redirect("credit:rules")
    if not SanctionRule.objects.exists() or not PublicityRule.objects.exists():
        ensure_defaults()  # a flushed database: the seeded tables are back
    current = {(r.record_kind, r.benefit): r for r in SanctionRule.objects.all()}
    matrix = [
        (
            kind,
            label,
            [
                (code, blabel, current.get((kind, code)))
                for code, blabel in sanctions.BENEFITS.items()
            ],
        )
        for kind, label in SanctionRule.RecordKind.choices
    ]
    return render(
        request,
        "credit/staff/rules.html",
        {
            "publicity_rules": PublicityRule.objects.all(),
            "matrix": matrix,
            "error": error,
            "can_edit": is_credit_admin(scope.grants(request.user)),
        },
    )
