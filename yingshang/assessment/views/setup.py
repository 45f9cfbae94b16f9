"""Staff pages that feed the rankings: schemes (and their versions), bonus/penalty items, and
the lists with their follow-up."""

import datetime as dt

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from yingshang import workflow
from yingshang.assessment import registry, selectors, services
from yingshang.assessment.actions import ADJUSTMENT_ACTIONS, LISTING_ACTIONS, SCHEME_ACTIONS
from yingshang.assessment.models import (
    PERIOD_KINDS,
    Adjustment,
    Listing,
    Scheme,
    SchemeGroup,
    SchemeMetric,
)
from yingshang.assessment.scopes import FOLLOWERS, VIEWERS, manages
from yingshang.errors import DomainError, InvalidInput
from yingshang.org import scope
from yingshang.org.models import Unit
from yingshang.org.roles import Role
from yingshang.workbench.access import staff_required

SEERS = (Role.SUPERVISOR, Role.LEADER, Role.ADMIN)


def _status(exc: DomainError) -> int:
    return exc.status if exc.status in (400, 403, 409) else 409


@staff_required(*SEERS)
def schemes(request):
    return render(
        request,
        "assessment/schemes.html",
        {
            "schemes": selectors.schemes(request.user),
            "may_manage": bool(manages(scope.grants(request.user))),
        },
    )


def _metric_rows(post, base: Scheme | None) -> list[dict]:
    current = {m.code: m for m in base.metrics.all()} if base else {}
    rows = []
    for m in registry.discover().values():
        have = current.get(m.code)
        rows.append(
            {
                "metric": m,
                "module": _app_label(m.module),
                "weight": post.get(f"weight_{m.code}", have.weight if have else ""),
                "direction": post.get(
                    f"direction_{m.code}", have.direction if have else m.direction
                ),
                "normalisation": post.get(
                    f"normalisation_{m.code}", have.normalisation if have else m.normalisation
                ),
                "min_sample": post.get(
                    f"min_sample_{m.code}", have.min_sample if have else m.min_sample
                ),
            }
        )
    return rows


def _app_label(label: str) -> str:
    from django.apps import apps

    try:
        return str(apps.get_app_config(label).verbose_name)
    except LookupError:
        return label


def _group_rows(post, base: Scheme | None) -> list[dict]:
    current = {g.unit_kind: g for g in base.groups.all()} if base else {}
    out = []
    for kind, label in SchemeGroup.Kind.choices:
        have = current.get(kind)
        out.append(
            {
                "kind": kind,
                "label": label,
                "on": (f"group_{kind}" in post) if post else (have is not None or not base),
                "name": post.get(f"group_name_{kind}", have.name if have else label),
            }
        )
    return out


def _parsed(post):
    metrics = [
        {
            "code": m.code,
            "weight": post.get(f"weight_{m.code}"),
            "direction": post.get(f"direction_{m.code}"),
            "normalisation": post.get(f"normalisation_{m.code}"),
            "min_sample": post.get(f"min_sample_{m.code}") or 0,
        }
        for m in registry.discover().values()
        if (post.get(f"weight_{m.code}") or "").strip() not in ("", "0")
    ]
    groups = [
        {"unit_kind": kind, "name": post.get(f"group_name_{kind}", "")}
        for kind in SchemeGroup.Kind.values
        if f"group_{kind}" in post
    ]
    try:
        effective = dt.date.fromisoformat(post.get("effective_from", ""))
        praise_top = int(post.get("praise_top") or 0)
        talk_after = int(post.get("talk_after") or 2)
    except ValueError:
        raise InvalidInput(
            "ASSESSMENT_BAD_DATE", _("生效日期、表扬名次或约谈次数格式不正确")
        ) from None
    return metrics, groups, effective, praise_top, talk_after


@staff_required(Role.SUPERVISOR, Role.ADMIN)
def scheme_new(request):
    base = None
    if (request.GET.get("from") or request.POST.get("from") or "").isdigit():
        base = scope.get_for(
            request.user, Scheme, int(request.GET.get("from") or request.POST.get("from"))
        )
    post = request.POST if request.method == "POST" else {}
    error, status = "", 200
    if request.method == "POST":
        try:
            metrics, groups, effective, praise_top, talk_after = _parsed(post)
            common = {
                "actor": request.user,
                "name": post.get("name", ""),
                "effective_from": effective,
                "metrics": metrics,
                "groups": groups,
                "praise_top": praise_top,
                "ladder": "ladder" in post,
                "talk_after": talk_after,
                "note": post.get("note", ""),
            }
            if base is not None:
                scheme = services.scheme_revise(scheme=base, **common)
            else:
                scheme = services.scheme_create(
                    code=post.get("code", ""), period_kind=post.get("period_kind", ""), **common
                )
        except DomainError as exc:
            error, status = exc.message, _status(exc)
        else:
            messages.success(request, _("考核方案已保存为草稿，启用后生效。"))
            return redirect("assessment:scheme", pk=scheme.pk)
    return render(
        request,
        "assessment/scheme_form.html",
        {
            "base": base,
            "post": post,
            "metric_rows": _metric_rows(post, base),
            "group_rows": _group_rows(post, base),
            "period_kinds": PERIOD_KINDS,
            "directions": SchemeMetric.Direction.choices,
            "normalisations": SchemeMetric.Normalisation.choices,
            "error": error,
        },
        status=status,
    )


@staff_required(*SEERS)
def scheme_detail(request, pk: int, error: str = "", status: int = 200):
    scheme = scope.get_for(request.user, Scheme, pk)
    abilities = scope.abilities(request.user, scheme)
    known = registry.discover()
    return render(
        request,
        "assessment/scheme.html",
        {
            "scheme": scheme,
            "metrics": [(m, known.get(m.code)) for m in scheme.metrics.all()],
            "versions": Scheme.objects.filter(code=scheme.code).order_by("-version"),
            "buttons": [
                (a, ok)
                for a, ok in SCHEME_ACTIONS.buttons(abilities)
                if a.name in SCHEME_ACTIONS.table.allowed(scheme.status)
            ],
            "may_manage": bool(manages(scope.grants(request.user))),
            "error": error,
        },
        status=status,
    )


@staff_required(Role.SUPERVISOR, Role.ADMIN)
def scheme_action(request, pk: int, action: str):
    if request.method != "POST" or action not in SCHEME_ACTIONS.by_name:
        raise Http404
    scheme = scope.get_for(request.user, Scheme, pk)
    try:
        SCHEME_ACTIONS.execute(
            action,
            actor=request.user,
            obj=scheme,
            data=SCHEME_ACTIONS.form_data(action, request.POST),
        )
    except DomainError as exc:
        return scheme_detail(request, pk, error=exc.message, status=_status(exc))
    messages.success(request, _("操作已完成。"))
    return redirect("assessment:scheme", pk=pk)


@staff_required(*VIEWERS)
def adjustments(request):
    g = scope.grants(request.user)
    error, status = "", 200
    if request.method == "POST":
        if not manages(g):
            raise Http404
        p = request.POST
        try:
            try:
                occurred = dt.date.fromisoformat(p.get("occurred_on", ""))
            except ValueError:
                raise InvalidInput("ASSESSMENT_BAD_DATE", _("请填写发生日期")) from None
            services.adjustment_add(
                actor=request.user,
                unit_id=int(p["unit"]) if p.get("unit", "").isdigit() else 0,
                kind=p.get("kind", ""),
                occurred_on=occurred,
                points=p.get("points", ""),
                reason=p.get("reason", ""),
                evidence=request.FILES.get("evidence"),
            )
        except DomainError as exc:
            error, status = exc.message, _status(exc)
        else:
            messages.success(request, _("加减分事项已登记。"))
            return redirect("assessment:adjustments")
    return render(
        request,
        "assessment/adjustments.html",
        {
            "items": selectors.adjustments(request.user, request.GET)[:300],
            "units": scope.visible_to(request.user, Unit)
            .filter(is_active=True, kind__in=SchemeGroup.Kind.values)
            .order_by("kind", "sort_order"),
            "kinds": Adjustment.Kind.choices,
            "may_manage": bool(manages(g)),
            "error": error,
            "post": request.POST,
        },
        status=status,
    )


@staff_required(Role.SUPERVISOR, Role.ADMIN)
def adjustment_action(request, pk: int, action: str):
    if request.method != "POST" or action not in ADJUSTMENT_ACTIONS.by_name:
        raise Http404
    item = scope.get_for(request.user, Adjustment, pk)
    exc = ADJUSTMENT_ACTIONS.post(action, request, item)
    if exc is not None:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已作废。"))
    return redirect("assessment:adjustments")


@staff_required(*VIEWERS)
def adjustment_evidence(request, pk: int):
    item = scope.get_for(request.user, Adjustment, pk)
    if not item.evidence:
        raise Http404
    return FileResponse(item.evidence.open("rb"), as_attachment=True, filename=item.evidence_name)


@staff_required(*VIEWERS)
def listings(request):
    rows = []
    for listing in selectors.listings(request.user, request.GET)[:300]:
        abilities = scope.abilities(request.user, listing)
        rows.append(
            {
                "listing": listing,
                "may_follow": bool(abilities.get("followup"))
                and listing.status == Listing.Status.PENDING,
                "why_not": workflow.reason(abilities, "followup"),
            }
        )
    return render(
        request,
        "assessment/listings.html",
        {
            "rows": rows,
            "kinds": Listing.Kind.choices,
            "statuses": Listing.Status.choices,
            "params": request.GET,
            "error": request.GET.get("error", ""),
        },
    )


@staff_required(*FOLLOWERS)
def listing_action(request, pk: int, action: str):
    if request.method != "POST" or action not in LISTING_ACTIONS.by_name:
        raise Http404
    listing = scope.get_for(request.user, Listing, pk)
    exc = LISTING_ACTIONS.post(action, request, listing)
    if exc is not None:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("落实情况已记录。"))
    return redirect("assessment:listings")


@staff_required(*VIEWERS)
def listing_minutes(request, pk: int):
    listing = scope.get_for(request.user, Listing, pk)
    if not listing.minutes:
        raise Http404
    return FileResponse(
        listing.minutes.open("rb"), as_attachment=True, filename=listing.minutes_name
    )
