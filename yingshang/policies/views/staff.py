"""Staff pages: the calendar (policies, items, weekly reviews, digest), the review queue of
applications, 免申即享 and the delivery figures."""

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yingshang import workflow
from yingshang.errors import DomainError
from yingshang.org import scope
from yingshang.org.models import Unit
from yingshang.policies import rules, selectors, services
from yingshang.policies.actions import APPLICATION_ACTIONS, DONE, POLICY_ACTIONS, REVIEW_ACTIONS
from yingshang.policies.models import (
    Application,
    ApplicationMaterial,
    Policy,
    PolicyItem,
    PolicyReview,
    Tag,
)
from yingshang.policies.scopes import OFFICE, STAFF, WORKERS, may_create
from yingshang.policies.services import entitled
from yingshang.policies.services.calendar import week_of
from yingshang.policies.services.common import db_id
from yingshang.workbench.access import staff_required
from yingshang.workcal import periods

POLICY_FIELDS = (
    "title",
    "issuer",
    "document_number",
    "level",
    "issued_on",
    "effective_on",
    "expires_on",
    "applies_from",
    "applies_until",
    "summary",
    "interpretation",
)
ITEM_FIELDS = (
    "code",
    "title",
    "description",
    "rule",
    "amount",
    "rate",
    "cap",
    "basis_label",
    "budget",
    "opens_on",
    "closes_on",
    "review_days",
    "pay_days",
)


def _units(user):
    g = scope.grants(user)
    qs = (
        scope.visible_to(user, Unit).filter(is_active=True).exclude(kind__in=["section", "village"])
    )
    if g.has(OFFICE, "admin"):
        return qs
    return qs.filter(pk__in=g.units(*WORKERS))


def _tag_groups():
    groups: dict[str, list[Tag]] = {}
    for tag in Tag.objects.all():
        groups.setdefault(tag.get_kind_display(), []).append(tag)
    return groups


@staff_required(*STAFF)
def policy_list(request):
    q = request.GET.get("q", "")[:100]
    tag = request.GET.get("tag", "")[:30]
    status = request.GET.get("status", "")
    qs = selectors.policies(request.user, q=q, tags=[tag] if tag else [], status=status)
    page = Paginator(qs.prefetch_related("tags").order_by("-issued_on", "-id"), 30).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "policies/staff_list.html",
        {
            "page": page,
            "q": q,
            "tag": tag,
            "status": status,
            "statuses": Policy.Status.choices,
            "tag_groups": _tag_groups(),
            "may_create": bool(may_create(scope.grants(request.user))),
            "week": week_of(periods.today()),
        },
    )


@staff_required(*STAFF)
def policy_new(request):
    error, posted = "", {}
    if request.method == "POST":
        posted = request.POST
        try:
            policy = services.policy_create(
                actor=request.user,
                owner_unit=request.POST.get("owner_unit"),
                tags=request.POST.getlist("tags"),
                **{f: request.POST.get(f, "") for f in POLICY_FIELDS},
            )
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, _("已登记为草稿，核对后请发布。"))
            return redirect("policies:staff_detail", pk=policy.pk)
    return render(
        request,
        "policies/policy_form.html",
        {
            "error": error,
            "posted": posted,
            "units": _units(request.user),
            "levels": Policy.Level.choices,
            "tag_groups": _tag_groups(),
            "chosen": set(posted.getlist("tags")) if posted else set(),
        },
        status=400 if error else 200,
    )


def _policy_context(request, policy, **extra):
    can = scope.abilities(request.user, policy)
    items = list(scope.visible_to(request.user, PolicyItem).filter(policy=policy))
    figures = [(i, selectors.item_figures(request.user, i)) for i in items]
    return {
        "p": policy,
        "can": can,
        "buttons": POLICY_ACTIONS.buttons(can),
        "reason_for": {n: workflow.reason(can, n) for n in POLICY_ACTIONS.names},
        "items": figures,
        "total": selectors.delivery(request.user, policy=policy),
        "reviews": scope.visible_to(request.user, PolicyReview).filter(policy=policy)[:12],
        "units": scope.visible_to(request.user, Unit)
        .filter(is_active=True)
        .exclude(kind__in=["section", "village"]),
        "levels": Policy.Level.choices,
        "tag_groups": _tag_groups(),
        "chosen": {f"{t.kind}:{t.code}" for t in policy.tags.all()},
        "facts": rules.FACTS.values(),
        "error": "",
        "error_for": "",
        "posted": {},
        **extra,
    }


@staff_required(*STAFF)
def policy_detail(request, pk):
    policy = scope.get_for(request.user, Policy, pk)
    return render(request, "policies/staff_detail.html", _policy_context(request, policy))


@staff_required(*STAFF)
@require_POST
def policy_act(request, pk, action):
    policy = scope.get_for(request.user, Policy, pk)
    data = POLICY_ACTIONS.form_data(action, request.POST)
    if action == "update":
        data["tags"] = request.POST.getlist("tags")
    try:
        POLICY_ACTIONS.execute(action, actor=request.user, obj=policy, data=data)
    except DomainError as exc:
        policy = scope.get_for(request.user, Policy, pk)
        ctx = _policy_context(
            request, policy, error=exc.message, error_for=action, posted=request.POST
        )
        return render(request, "policies/staff_detail.html", ctx, status=exc.status)
    messages.success(request, DONE[action])
    return redirect("policies:staff_detail", pk=pk)


@staff_required(*STAFF)
@require_POST
def item_new(request, pk):
    policy = scope.get_for(request.user, Policy, pk)
    materials = [m.strip() for m in request.POST.get("materials", "").splitlines() if m.strip()]
    try:
        services.item_create(
            actor=request.user,
            policy=policy,
            review_unit=request.POST.get("review_unit"),
            materials=materials,
            proactive=request.POST.get("proactive") == "on",
            **{
                f: request.POST.get(f, "")
                for f in ITEM_FIELDS
                if f not in ("review_days", "pay_days")
            },
            review_days=int(request.POST.get("review_days") or 10)
            if (request.POST.get("review_days") or "10").isdigit()
            else 0,
            pay_days=int(request.POST.get("pay_days") or 15)
            if (request.POST.get("pay_days") or "15").isdigit()
            else 0,
        )
    except DomainError as exc:
        ctx = _policy_context(
            request, policy, error=exc.message, error_for="item", posted=request.POST
        )
        return render(request, "policies/staff_detail.html", ctx, status=exc.status)
    messages.success(request, _("兑现事项已增加。"))
    return redirect("policies:staff_detail", pk=pk)


def _item_context(request, item, **extra):
    can = scope.abilities(request.user, item)
    total, found = (0, [])
    if can.get("grant") or scope.grants(request.user).sees_all:
        total, found = entitled.matches(item, limit=200)
    apps = selectors.applications(request.user, item=item).order_by("-submitted_at")[:100]
    return {
        "item": item,
        "can": can,
        "figures": selectors.item_figures(request.user, item),
        "budget_left": selectors.budget_left(item),
        "apps": apps,
        "matches": found,
        "match_total": total,
        "error": "",
        **extra,
    }


@staff_required(*STAFF)
def item_detail(request, pk):
    item = scope.get_for(
        request.user, PolicyItem, pk, queryset=PolicyItem.objects.select_related("policy")
    )
    return render(request, "policies/item_detail.html", _item_context(request, item))


@staff_required(*STAFF)
@require_POST
def item_grant(request, pk):
    item = scope.get_for(
        request.user, PolicyItem, pk, queryset=PolicyItem.objects.select_related("policy")
    )
    try:
        app = entitled.grant(
            actor=request.user,
            item=item,
            firm_id=request.POST.get("firm", ""),
            reason=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        return render(
            request,
            "policies/item_detail.html",
            _item_context(request, item, error=exc.message),
            status=exc.status,
        )
    messages.success(request, _("已按免申即享核定，申请编号 %(n)s，待拨付。") % {"n": app.number})
    return redirect("policies:item", pk=pk)


@staff_required(*STAFF)
@require_POST
def item_withdraw(request, pk):
    item = scope.get_for(
        request.user, PolicyItem, pk, queryset=PolicyItem.objects.select_related("policy")
    )
    try:
        services.item_withdraw(actor=request.user, item=item, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        return render(
            request,
            "policies/item_detail.html",
            _item_context(request, item, error=exc.message),
            status=exc.status,
        )
    messages.success(request, _("兑现事项已撤回。"))
    return redirect("policies:item", pk=pk)


@staff_required(*STAFF)
def review_list(request):
    overdue = request.GET.get("overdue") == "1"
    try:
        day = week_of(dt.date.fromisoformat(request.GET.get("week", "")))
    except ValueError:
        day = week_of(periods.today())
    qs = selectors.reviews(request.user, week=None if overdue else day, overdue=overdue)
    if db_id(request.GET.get("unit")) is not None:
        qs = qs.filter(unit_id=db_id(request.GET.get("unit")))
    if request.GET.get("status") in PolicyReview.Status.values:
        qs = qs.filter(status=request.GET["status"])
    rows = [
        (r, scope.abilities(request.user, r)) for r in qs.order_by("status", "due_at", "pk")[:300]
    ]
    return render(
        request,
        "policies/reviews.html",
        {
            "rows": rows,
            "week": day,
            "overdue": overdue,
            "conclusions": PolicyReview.Conclusion.choices,
            "may_generate": scope.grants(request.user).has(OFFICE, *WORKERS),
        },
    )


@staff_required(*STAFF)
@require_POST
def review_act(request, pk, action):
    review = scope.get_for(request.user, PolicyReview, pk)
    try:
        REVIEW_ACTIONS.execute(
            action,
            actor=request.user,
            obj=review,
            data=REVIEW_ACTIONS.form_data(action, request.POST),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, DONE[action])
    return redirect(f"{reverse('policies:reviews')}?week={review.week.isoformat()}")


@staff_required(*STAFF)
@require_POST
def week_run(request):
    """Open this week's reviews and send the digest now (the Monday job does the same)."""
    g = scope.grants(request.user)
    if not g.has(OFFICE, *WORKERS):
        raise Http404
    services.reviews_open()
    digest = services.digest_generate(actor=request.user)
    messages.success(
        request,
        _("本周政策周报已生成：%(s)s 家订阅企业，%(m)s 条消息。")
        % {"s": digest.subscribers, "m": digest.messages},
    )
    return redirect("policies:reviews")


@staff_required(*STAFF)
def queue(request):
    status = request.GET.get("status", "")
    qs = selectors.applications(request.user, status=status, unit=request.GET.get("unit", ""))
    if db_id(request.GET.get("firm")) is not None:
        qs = qs.filter(firm_id=db_id(request.GET.get("firm")))
    page = Paginator(qs.order_by("due_at", "-submitted_at"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "policies/queue.html",
        {"page": page, "status": status, "statuses": Application.Status.choices},
    )


def _app_context(request, app, **extra):
    can = scope.abilities(request.user, app)
    return {
        "a": app,
        "can": can,
        "buttons": APPLICATION_ACTIONS.buttons(can),
        "reason_for": {n: workflow.reason(can, n) for n in APPLICATION_ACTIONS.names},
        "files": app.files.all(),
        "days": selectors.days_to_payment(app),
        "payment": getattr(app, "payment", None) if app.status == "paid" else None,
        "error": "",
        "error_for": "",
        "posted": {},
        "today": periods.today(),
        **extra,
    }


APP_QS = Application.objects.select_related("item", "item__policy", "firm")


@staff_required(*STAFF)
def application_detail(request, pk):
    app = scope.get_for(request.user, Application, pk, queryset=APP_QS)
    return render(request, "policies/application.html", _app_context(request, app))


@staff_required(*STAFF)
@require_POST
def application_act(request, pk, action):
    app = scope.get_for(request.user, Application, pk, queryset=APP_QS)
    exc = APPLICATION_ACTIONS.post(action, request, app)
    if exc is not None:
        app = scope.get_for(request.user, Application, pk, queryset=APP_QS)
        ctx = _app_context(request, app, error=exc.message, error_for=action, posted=request.POST)
        return render(request, "policies/application.html", ctx, status=exc.status)
    messages.success(request, DONE[action])
    return redirect("policies:application", pk=pk)


def material_file(request, pk):
    """A material of an application, for whoever may see the application (staff or the firm)."""
    if not request.user.is_authenticated:
        raise Http404
    found = scope.visible_to(request.user, ApplicationMaterial).filter(pk=pk).first()
    if found is None:
        raise Http404
    try:
        handle = found.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle, as_attachment=True, filename=found.original_name, content_type=found.content_type
    )


@staff_required(*STAFF)
def delivery(request):
    return render(
        request,
        "policies/delivery.html",
        {
            "rows": selectors.delivery_by_policy(request.user),
            "total": selectors.delivery(request.user),
        },
    )
