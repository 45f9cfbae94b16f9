"""Work-order lists, the order page and its actions (one view for every button, driven by
hotline.actions), attachments."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yingshang.errors import DomainError
from yingshang.hotline import rules, selectors
from yingshang.hotline.actions import FORM_NAMES, ORDER_ACTIONS
from yingshang.hotline.models import Topic, WorkOrder, WorkOrderAttachment
from yingshang.hotline.views._common import (
    ALL_STAFF,
    UNIT,
    attachment_response,
    rows,
    suggest_units,
)
from yingshang.org import scope
from yingshang.org.models import Unit
from yingshang.paging import CappedPaginator
from yingshang.spreadsheets import xlsx_response
from yingshang.workbench.access import staff_required

CENTRE_QUEUES = {
    "registered": _("待派单"),
    "review": _("待审核"),
    "callback": _("待回访"),
    "extensions": _("延期待批"),
    "returns": _("退单待认定"),
    "overdue": _("已超期"),
    "all": _("全部"),
}


@staff_required(*ALL_STAFF)
def order_list(request):
    queue = request.GET.get("queue", "all")
    qs = selectors.centre_queue(request.user, queue if queue in CENTRE_QUEUES else "all")
    text = request.GET.get("q", "").strip()
    if text:
        qs = qs.filter(Q(number__icontains=text) | Q(content__icontains=text))
    status = request.GET.get("status", "")
    if status in WorkOrder.Status.values:
        qs = qs.filter(status=status)
    if request.GET.get("unit", "").isdigit():  # the overview's per-unit links
        qs = qs.filter(main_unit_id=int(request.GET["unit"]))
    if request.GET.get("firm", "").isdigit():  # the firm page's (一企一档) link
        qs = qs.filter(firm_id=int(request.GET["firm"]))
    if request.GET.get("export"):
        g = scope.grants(request.user)

        def export_rows():
            for o in qs.iterator(chunk_size=2000):
                c = rules.caller(g, o, full=False)
                yield [
                    o.number,
                    o.get_channel_display(),
                    o.get_category_display(),
                    o.get_status_display(),
                    c["name"],
                    c["phone"],
                    o.main_unit.name if o.main_unit_id else "",
                    o.registered_at,
                    o.due_at,
                    o.content[:200],
                ]

        return xlsx_response(
            "工单.xlsx",
            "工单",
            [
                "工单编号",
                "渠道",
                "类别",
                "状态",
                "诉求人",
                "电话",
                "主办单位",
                "登记时间",
                "时限",
                "诉求内容",
            ],
            export_rows(),
        )
    page = CappedPaginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "hotline/order_list.html",
        {
            "page": page,
            "rows": rows(request.user, page.object_list),
            "queues": CENTRE_QUEUES,
            "queue": queue,
            "query": urlencode({k: v for k, v in request.GET.items() if k != "page"}),
            "statuses": WorkOrder.Status.choices,
        },
    )


@staff_required(*UNIT)
def unit_queue(request):
    queue = request.GET.get("queue", "to_sign")
    if queue not in selectors.QUEUES and queue not in selectors.CO_QUEUES:
        queue = "to_sign"
    now = timezone.now()
    qs = (
        selectors.co_queue(request.user, queue)
        if queue in selectors.CO_QUEUES
        else selectors.unit_queue(request.user, queue, now)
    )
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "hotline/unit_queue.html",
        {
            "page": page,
            "rows": rows(request.user, page.object_list),
            "queue": queue,
            "queues": selectors.QUEUES,
            "counts": selectors.queue_counts(request.user, now),
            "co_queues": selectors.CO_QUEUES,
            "co_counts": selectors.co_queue_counts(request.user),
            "query": f"queue={queue}",
        },
    )


# --- the order page ----------------------------------------------------------------------------------
def _history(order, caller_hidden: bool) -> list:
    """The order's audit history for the staff page. When the caller is hidden from this user
    (confidential/anonymous), the events the caller's own account wrote (a portal submission
    and its files while logged in) show "诉求人" instead of the account's name."""
    from yingshang.audit import selectors as audit_selectors

    events = list(audit_selectors.timeline(order))
    caller_id = order.created_by_id
    if caller_hidden and caller_id is not None:
        from yingshang.org.models import User

        is_citizen = User.objects.filter(pk=caller_id, kind__in=["person", "firm"]).exists()
        for e in events:
            e.caller_hidden = is_citizen and e.actor_id == caller_id
    return events


def _detail_context(request, order, **extra):
    g = scope.grants(request.user)
    caller = rules.caller(g, order, full=True)
    co_units = list(order.co_unit_links.select_related("unit", "opinion_by").order_by("id"))
    my_co = set(rules.co_unit_ids(g, order))
    abilities = rules.abilities(g, order)
    ctx = {
        "order": order,
        "ab": abilities,
        "caller": caller,
        "hide_fields": "caller_name,caller_phone" if caller["hidden"] else "",
        "history": _history(order, caller["hidden"]),
        "hidden_fields": {"caller_name", "caller_phone"} if caller["hidden"] else set(),
        "co_units": co_units,
        "co_missing": [c for c in co_units if not c.opinion],
        "my_co_units": [c for c in co_units if c.unit_id in my_co],
        "is_co_unit": bool(my_co),
        "extensions": order.extensions.select_related("requested_by", "decided_by"),
        "returns": order.returns.select_related("unit"),
        "supervisions": order.supervisions.all(),
        "attachments": order.attachments.all(),
        "duplicates": scope.visible_to(request.user, WorkOrder)
        .filter(merged_into=order)
        .only("pk", "number"),
        "may_attach": order.status != "closed" and bool(abilities["attach"]),
        "reclassifications": order.reclassifications.select_related("old_topic", "new_topic"),
        "units": scope.visible_to(request.user, Unit)
        .filter(is_active=True, kind__in=["department", "town"])
        .order_by("sort_order", "id"),
        "topics": Topic.objects.filter(is_active=True).select_related("parent"),
        "categories": WorkOrder.Category.choices,
        "suggestions": suggest_units(order.content) if order.status == "registered" else [],
        "posted": {},
    }
    ctx.update(extra)
    return ctx


@staff_required(*ALL_STAFF)
def order_detail(request, pk: int):
    order = scope.get_for(
        request.user,
        WorkOrder,
        pk,
        queryset=WorkOrder.objects.select_related("main_unit", "topic", "firm", "merged_into"),
    )
    return render(request, "hotline/order_detail.html", _detail_context(request, order))


def _form(post):
    """The posted form with the names the page used before the action registry read as the
    schema's."""
    post = post.copy()
    for old, new in FORM_NAMES.items():
        if old in post and new not in post:
            post.setlist(new, post.getlist(old))
    return post


@require_POST
@staff_required(*ALL_STAFF)
def order_action(request, pk: int, action: str):
    order = scope.get_for(request.user, WorkOrder, pk)
    if action not in ORDER_ACTIONS.by_name:
        raise Http404
    u = request.user
    try:
        ORDER_ACTIONS.execute(
            action,
            actor=u,
            obj=order,
            data=ORDER_ACTIONS.form_data(action, _form(request.POST)),
            files=request.FILES,
        )
    except DomainError as exc:
        if exc.status == 404:  # a row the form names does not exist (or is not this order's)
            raise Http404(exc.message) from None
        messages.error(request, exc.message)
        order.refresh_from_db()
        return render(
            request,
            "hotline/order_detail.html",
            _detail_context(request, order, posted={"action": action, **request.POST.dict()}),
            status=exc.status if exc.status in (400, 403, 409) else 409,
        )
    messages.success(request, _("操作已完成。"))
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    # a unit that returned the order no longer sees it
    if not scope.visible_to(u, WorkOrder).filter(pk=order.pk).exists():
        return redirect("hotline:queue")
    return redirect("hotline:order_detail", pk=order.pk)


@staff_required(*ALL_STAFF)
def attachment_download(request, pk: int, att: int):
    order = scope.get_for(request.user, WorkOrder, pk)
    item = scope.get_for(
        request.user,
        WorkOrderAttachment,
        att,
        queryset=WorkOrderAttachment.objects.filter(order=order),
    )
    return attachment_response(item)
