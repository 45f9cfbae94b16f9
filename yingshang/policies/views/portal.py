"""Portal pages: the public policy calendar with search, a policy and its items, the weekly
digest; for firm accounts the subscription, applying and their applications."""

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yingshang import workflow
from yingshang.errors import DomainError
from yingshang.org import scope
from yingshang.policies import selectors, services
from yingshang.policies import transitions as t
from yingshang.policies.actions import APPLICATION_ACTIONS, DONE
from yingshang.policies.models import Application, Digest, Policy, PolicyItem, Subscription, Tag
from yingshang.policies.services import delivery as deliveries
from yingshang.policies.services.calendar import week_of
from yingshang.workbench.access import login_required_view
from yingshang.workcal import periods


def _tag_groups():
    groups: dict[str, list[Tag]] = {}
    for tag in Tag.objects.all():
        groups.setdefault(tag.get_kind_display(), []).append(tag)
    return groups


def portal_list(request):
    q = request.GET.get("q", "")[:100]
    tags = [t[:30] for t in request.GET.getlist("tag") if t][:10]
    qs = selectors.policies(request.user, q=q, tags=tags, status=t.PUBLISHED)
    page = Paginator(qs.prefetch_related("tags").order_by("-issued_on", "-id"), 20).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "policies/portal_list.html",
        {
            "page": page,
            "q": q,
            "tags": set(tags),
            "tag_groups": _tag_groups(),
            "items": selectors.open_items(request.user)
            .filter(proactive=False)
            .order_by("closes_on")[:10],
        },
    )


def portal_detail(request, pk):
    policy = scope.get_for(request.user, Policy, pk)
    if policy.status != t.PUBLISHED:
        raise Http404
    items = scope.visible_to(request.user, PolicyItem).filter(
        policy=policy, status=PolicyItem.Status.ACTIVE
    )
    return render(
        request,
        "policies/portal_detail.html",
        {
            "p": policy,
            "items": items,
            "today": periods.today(),
            "in_force": selectors.in_force(policy),
        },
    )


def portal_digest(request, week):
    try:
        day = week_of(dt.date.fromisoformat(week))
    except ValueError:
        raise Http404 from None
    digest = scope.visible_to(request.user, Digest).filter(week=day).first()
    if digest is None:
        raise Http404
    return render(
        request,
        "policies/portal_digest.html",
        {
            "digest": digest,
            "policies": digest.policies.order_by("-published_at"),
            "items": digest.items.select_related("policy").order_by("closes_on"),
        },
    )


def _firm_only(request):
    if request.user.kind != "firm" or not request.user.firm_id:
        return render(request, "policies/firm_only.html", status=403)
    return None


@login_required_view
def subscribe(request):
    refused = _firm_only(request)
    if refused:
        return refused
    sub = Subscription.objects.filter(user=request.user).first()
    error = ""
    if request.method == "POST":
        try:
            services.subscription_set(
                actor=request.user,
                tags=request.POST.getlist("tags"),
                by_sms=request.POST.get("by_sms") == "on",
                by_email=request.POST.get("by_email") == "on",
                active=request.POST.get("active", "on") == "on",
            )
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, _("订阅已保存，每周一将按您选择的标签推送政策周报。"))
            return redirect("policies:subscribe")
    chosen = {f"{t.kind}:{t.code}" for t in sub.tags.all()} if sub else set()
    return render(
        request,
        "policies/subscribe.html",
        {"sub": sub, "chosen": chosen, "tag_groups": _tag_groups(), "error": error},
    )


@login_required_view
def apply(request, pk):
    refused = _firm_only(request)
    if refused:
        return refused
    item = scope.get_for(
        request.user, PolicyItem, pk, queryset=PolicyItem.objects.select_related("policy")
    )
    error, field = "", ""
    if request.method == "POST":
        try:
            app = services.application_submit(
                actor=request.user,
                item=item,
                basis=request.POST.get("basis", ""),
                note=request.POST.get("note", ""),
                files={k: request.FILES.getlist(k) for k in request.FILES},
            )
        except DomainError as exc:
            error, field = exc.message, exc.details.get("field", "")
        else:
            messages.success(
                request,
                _("申报已提交，申请编号 %(n)s。审核单位将在 %(d)s 个工作日内审核。")
                % {"n": app.number, "d": item.review_days},
            )
            return redirect("policies:mine")
    check = deliveries.eligibility(item, request.user.firm)
    return render(
        request,
        "policies/apply.html",
        {
            "item": item,
            "check": check,
            "error": error,
            "field": field,
            "posted": request.POST,
            "left": selectors.budget_left(item),
            "materials": list(enumerate(item.materials)),
        },
        status=400 if error else 200,
    )


@login_required_view
def mine(request):
    refused = _firm_only(request)
    if refused:
        return refused
    rows = []
    for app in selectors.applications(request.user, firm=request.user.firm).select_related(
        "payment"
    ):
        can = scope.abilities(request.user, app)
        rows.append((app, can, {n: workflow.reason(can, n) for n in ("resubmit", "cancel")}))
    return render(
        request,
        "policies/mine.html",
        {"rows": rows, "digests": Digest.objects.order_by("-week")[:4]},
    )


@login_required_view
@require_POST
def mine_act(request, pk, action):
    if action not in ("resubmit", "cancel"):
        raise Http404
    app = scope.get_for(request.user, Application, pk)
    exc = APPLICATION_ACTIONS.post(action, request, app)
    if exc is not None:
        messages.error(request, exc.message)
    else:
        messages.success(request, DONE[action])
    return redirect("policies:mine")
