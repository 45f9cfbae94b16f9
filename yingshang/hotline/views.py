"""Pages of the hotline: operator console, queues, order page with actions, KPIs, 通报批评 list,
and the portal's submit / look-up pages."""

import logging
from urllib.parse import urlencode

from django.conf import settings as django_settings
from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yingshang.errors import DomainError
from yingshang.hotline import kpis, rules, selectors, services
from yingshang.hotline.forms import ConsoleForm, LookupForm, PortalSubmitForm
from yingshang.hotline.models import (
    CityFigure,
    Extension,
    KpiConfig,
    ReturnRequest,
    Topic,
    WorkOrder,
)
from yingshang.org import masking, scope
from yingshang.org.models import Unit
from yingshang.org.roles import COUNTYWIDE_ROLES, Role
from yingshang.spreadsheets import xlsx_response
from yingshang.workbench.access import login_required_view, staff_required

log = logging.getLogger(__name__)
CENTRE = (Role.HOTLINE_OPERATOR, Role.SUPERVISOR, Role.ADMIN)
SUPERVISORS = (*COUNTYWIDE_ROLES, Role.HOTLINE_OPERATOR, Role.ADMIN)
UNIT = (Role.DEPT_HANDLER, Role.DEPT_HEAD)
ALL_STAFF = (*CENTRE, *UNIT, Role.LEADER)


# --- optional collaborators (knowledge base, smart dispatch) --------------------------------------
def _knowledge_search(text: str, limit: int = 5) -> list:
    try:
        from yingshang.knowledge.selectors import search
    except ImportError:
        return []
    try:
        return list(search(text, limit=limit))
    except Exception:  # the page must work even if the search fails
        log.exception("knowledge search failed")
        return []


def _suggest_units(text: str) -> list[tuple[object, float]]:
    try:
        from yingshang.hotline.smart_dispatch import suggest
    except ImportError:
        return []
    try:
        return list(suggest(text))[:3]
    except Exception:
        log.exception("dispatch suggestion failed")
        return []


# --- operator console -------------------------------------------------------------------------------
def _firm(uscc: str):
    from yingshang.enterprises.models import Firm

    uscc = (uscc or "").strip().upper()
    if not uscc:
        return None
    firm = Firm.objects.filter(uscc=uscc).first()
    if firm is None:
        raise DomainError(
            "HOTLINE_FIRM_NOT_FOUND",
            _("未找到该统一社会信用代码对应的企业"),
            details={"field": "firm_uscc"},
        )
    return firm


@staff_required(Role.HOTLINE_OPERATOR, Role.ADMIN)
def console(request):
    form = ConsoleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        mode = request.POST.get("mode", "dispatch")
        try:
            with transaction.atomic():
                order = services.register(
                    actor=request.user,
                    content=d["content"],
                    channel=d["channel"],
                    category=d["category"],
                    urgency=d["urgency"],
                    topic=d["topic"],
                    caller_name=d["caller_name"],
                    caller_phone=d["caller_phone"],
                    anonymous=d["anonymous"],
                    confidential=d["confidential"],
                    firm=_firm(d["firm_uscc"]),
                    address=d["address"],
                )
                if mode == "dispatch":
                    unit = d["main_unit"] or (d["topic"].default_unit if d["topic"] else None)
                    if unit is None:
                        raise DomainError(
                            "HOTLINE_UNIT_REQUIRED",
                            _("请选择主办单位"),
                            details={"field": "main_unit"},
                        )
                    services.dispatch(
                        actor=request.user,
                        order=order,
                        main_unit=unit,
                        co_units=d["co_units"],
                        suggested_unit_id=d["suggested_unit"],
                    )
                elif mode == "answer":
                    services.answer_directly(
                        actor=request.user,
                        order=order,
                        reply=d["reply"],
                        article_id=d["article_id"],
                    )
        except DomainError as exc:
            form.add_error(
                exc.details.get("field") if exc.details.get("field") in form.fields else None,
                exc.message,
            )
        else:
            messages.success(request, _("工单 %(n)s 已登记。") % {"n": order.number})
            return redirect("hotline:console")
    recent = (
        selectors.orders(request.user)
        .filter(created_by=request.user)
        .order_by("-registered_at")[:8]
    )
    return render(
        request,
        "hotline/console.html",
        {"form": form, "recent": recent},
        status=400 if request.method == "POST" else 200,
    )


@staff_required(Role.HOTLINE_OPERATOR, Role.ADMIN)
def console_assist(request, part: str):
    """htmx partials of the console: caller history, duplicates, knowledge, dispatch suggestion."""
    q = request.GET
    if part == "history":
        rows = selectors.caller_history(request.user, q.get("caller_phone", ""))
        return render(
            request, "hotline/_history.html", {"rows": rows, "phone": q.get("caller_phone", "")}
        )
    if part == "duplicates":
        rows = selectors.duplicates(
            request.user,
            phone=q.get("caller_phone", ""),
            content=q.get("content", ""),
            address=q.get("address", ""),
        )
        return render(request, "hotline/_duplicates.html", {"rows": rows})
    if part == "knowledge":
        text = (q.get("content", "") or "").strip()
        return render(
            request,
            "hotline/_knowledge.html",
            {"articles": _knowledge_search(text) if len(text) >= 2 else []},
        )
    if part == "suggest":
        text = (q.get("content", "") or "").strip()
        suggestions = _suggest_units(text) if len(text) >= 4 else []
        topic = None
        if q.get("topic", "").isdigit():
            topic = Topic.objects.filter(pk=q["topic"]).select_related("default_unit").first()
        return render(
            request, "hotline/_suggest.html", {"suggestions": suggestions, "topic": topic}
        )
    raise Http404


# --- lists -----------------------------------------------------------------------------------------
def _rows(user, qs):
    g = scope.grants(user)
    now = timezone.now()
    return [
        {
            "o": o,
            "caller": rules.caller(g, o, full=False),
            "overdue": bool(o.due_at and o.due_at < now and o.status != "closed"),
        }
        for o in qs
    ]


CENTRE_QUEUES = {
    "registered": _("待派单"),
    "review": _("待审核"),
    "callback": _("待回访"),
    "extensions": _("延期待批"),
    "returns": _("退单待认定"),
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
    if request.GET.get("export"):
        g = scope.grants(request.user)

        def rows():
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
            rows(),
        )
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "hotline/order_list.html",
        {
            "page": page,
            "rows": _rows(request.user, page.object_list),
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
            "rows": _rows(request.user, page.object_list),
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
    ctx = {
        "order": order,
        "ab": rules.abilities(g, order),
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
        "may_attach": order.status != "closed" and (rules.is_centre(g) or rules.handles(g, order)),
        "reclassifications": order.reclassifications.select_related("old_topic", "new_topic"),
        "units": Unit.objects.filter(is_active=True, kind__in=["department", "town"]).order_by(
            "sort_order", "id"
        ),
        "topics": Topic.objects.filter(is_active=True).select_related("parent"),
        "categories": WorkOrder.Category.choices,
        "suggestions": _suggest_units(order.content) if order.status == "registered" else [],
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


def _bool(value):
    return {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}.get(
        str(value).lower()
    )


def _unit_from(request, key="main_unit"):
    value = request.POST.get(key, "")
    return Unit.objects.filter(pk=value, is_active=True).first() if value.isdigit() else None


@require_POST
@staff_required(*ALL_STAFF)
def order_action(request, pk: int, action: str):
    order = scope.get_for(request.user, WorkOrder, pk)
    p = request.POST
    u = request.user
    try:
        if action == "dispatch":
            co = Unit.objects.filter(pk__in=[x for x in p.getlist("co_units") if x.isdigit()])
            services.dispatch(
                actor=u,
                order=order,
                main_unit=_unit_from(request),
                co_units=list(co),
                note=p.get("note", ""),
                suggested_unit_id=int(p["suggested_unit"])
                if p.get("suggested_unit", "").isdigit()
                else None,
            )
        elif action == "answer_directly":
            article_id = int(p["article_id"]) if p.get("article_id", "").isdigit() else None
            services.answer_directly(
                actor=u, order=order, reply=p.get("reply", ""), article_id=article_id
            )
        elif action == "sign":
            services.sign(actor=u, order=order)
        elif action == "return":
            services.return_order(actor=u, order=order, reason=p.get("reason", ""))
        elif action == "rule_return":
            ret = ReturnRequest.objects.get(pk=p.get("return_id"), order=order)
            services.rule_return(
                actor=u,
                return_request=ret,
                justified=_bool(p.get("justified")) is True,
                note=p.get("note", ""),
            )
        elif action == "ask_extension":
            services.ask_extension(
                actor=u, order=order, days=p.get("days"), reason=p.get("reason", "")
            )
        elif action == "decide_extension":
            ext = Extension.objects.get(pk=p.get("extension_id"), order=order)
            services.decide_extension(
                actor=u,
                extension=ext,
                approve=_bool(p.get("approve")) is True,
                note=p.get("note", ""),
            )
        elif action == "reply":
            services.reply(actor=u, order=order, text=p.get("text", ""))
        elif action == "review_reply":
            services.review_reply(
                actor=u,
                order=order,
                approve=_bool(p.get("approve")) is True,
                note=p.get("note", ""),
            )
        elif action == "callback":
            services.record_callback(
                actor=u,
                order=order,
                resolved=_bool(p.get("resolved", "")),
                satisfied=_bool(p.get("satisfied", "")),
                note=p.get("note", ""),
            )
        elif action == "redo":
            services.redo(actor=u, order=order, reason=p.get("reason", ""))
        elif action == "close":
            services.close(actor=u, order=order, note=p.get("note", ""))
        elif action == "merge":
            target = scope.get_for(u, WorkOrder, p.get("into", "").strip(), field="number")
            services.merge(actor=u, order=order, into=target, reason=p.get("reason", ""))
        elif action == "reclassify":
            topic = (
                Topic.objects.filter(pk=p.get("topic")).first()
                if p.get("topic", "").isdigit()
                else None
            )
            services.reclassify(
                actor=u,
                order=order,
                category=p.get("category", ""),
                topic=topic,
                reason=p.get("reason", ""),
            )
        elif action in ("supervise", "urge"):
            services.supervise(actor=u, order=order, kind=action, note=p.get("note", ""))
        elif action == "co_opinion":
            unit_id = p.get("unit_id", "")
            services.co_opinion_submit(
                actor=u,
                order=order,
                opinion=p.get("opinion", ""),
                unit_id=int(unit_id) if unit_id.isdigit() else None,
            )
        elif action == "attach":
            if "file" not in request.FILES:
                raise DomainError("HOTLINE_ATTACH_MISSING", _("请选择要上传的文件"), status=400)
            services.attach(actor=u, order=order, upload=request.FILES["file"])
        else:
            raise Http404
    except (ReturnRequest.DoesNotExist, Extension.DoesNotExist, ValueError):
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, exc.message)
        order.refresh_from_db()
        return render(
            request,
            "hotline/order_detail.html",
            _detail_context(request, order, posted={"action": action, **p.dict()}),
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


# --- KPIs --------------------------------------------------------------------------------------------
def _period(request) -> str:
    period = request.GET.get("period", "")
    try:
        kpis.month_bounds(period)
        return period
    except (ValueError, TypeError):
        return timezone.localdate().strftime("%Y-%m")


@staff_required(*SUPERVISORS)
def kpi_page(request):
    period = _period(request)
    start, end = kpis.month_bounds(period)
    result = kpis.compute(scope.visible_to(request.user, WorkOrder), start, end)
    ranked = [r for r in result["rows"] if not r.insufficient]
    option = {
        "tooltip": {},
        "grid": {"left": 120, "right": 20, "top": 20, "bottom": 30},
        "xAxis": {"type": "value", "max": 100},
        "yAxis": {"type": "category", "data": [r.unit_name for r in ranked][::-1]},
        "series": [
            {
                "type": "bar",
                "name": _("综合得分"),
                "data": [float(r.score or 0) for r in ranked][::-1],
            }
        ],
    }
    codes = ["sign_timely", "on_time", "response", "resolution", "satisfaction", "redo", "return"]
    return render(
        request,
        "hotline/kpis.html",
        {
            "period": period,
            "result": result,
            "option": option,
            "codes": codes,
            "labels": kpis.METRIC_LABELS,
            "ranked": ranked,
            "chart_height": max(200, 60 + 28 * len(ranked)),
            "config": result["config"],
        },
    )


@staff_required(*SUPERVISORS)
def kpi_orders(request):
    period = _period(request)
    start, end = kpis.month_bounds(period)
    metric = request.GET.get("metric", "")
    part = "numerator" if request.GET.get("part") == "numerator" else "denominator"
    unit_id = int(request.GET["unit"]) if request.GET.get("unit", "").isdigit() else None
    if metric not in kpis.METRIC_LABELS:
        raise Http404
    qs = kpis.drilldown(
        scope.visible_to(request.user, WorkOrder).select_related("main_unit", "topic"),
        unit_id=unit_id,
        metric=metric,
        part=part,
        start=start,
        end=end,
    ).order_by("-dispatched_at", "-id")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    unit = Unit.objects.filter(pk=unit_id).first() if unit_id else None
    return render(
        request,
        "hotline/kpi_orders.html",
        {
            "page": page,
            "rows": _rows(request.user, page.object_list),
            "metric_label": kpis.METRIC_LABELS[metric],
            "part": part,
            "unit": unit,
            "period": period,
            "total": page.paginator.count,
            "query": urlencode({k: v for k, v in request.GET.items() if k != "page"}),
        },
    )


@staff_required(*SUPERVISORS)
def criticism(request):
    units, orders = selectors.criticism_list(request.user)
    return render(
        request,
        "hotline/criticism.html",
        {"units": units, "rows": _rows(request.user, orders[:200])},
    )


@staff_required(Role.SUPERVISOR, Role.ADMIN, Role.HOTLINE_OPERATOR)
def city_figures(request):
    error = ""
    if request.method == "POST":
        from decimal import Decimal, InvalidOperation

        from yingshang import audit

        p = request.POST
        try:
            kpis.month_bounds(p.get("period", ""))
            value = Decimal(p.get("value", ""))
        except (ValueError, InvalidOperation):
            error = _("请填写正确的周期（如2026-11）和数值")
        else:
            if not p.get("metric", "").strip():
                error = _("请填写指标名称")
            else:
                with transaction.atomic():
                    fig, _created = CityFigure.objects.update_or_create(
                        period=p["period"],
                        metric=p["metric"].strip()[:40],
                        defaults={
                            "value": value,
                            "rank": int(p["rank"]) if p.get("rank", "").isdigit() else None,
                            "note": p.get("note", "")[:200],
                            "recorded_by": request.user,
                        },
                    )
                    audit.record(
                        actor=request.user,
                        action="hotline.city_figure",
                        obj=fig,
                        after={
                            "period": fig.period,
                            "metric": fig.metric,
                            "value": fig.value,
                            "rank": fig.rank,
                        },
                    )
                messages.success(request, _("已记录。"))
                return redirect("hotline:city_figures")
    return render(
        request,
        "hotline/city_figures.html",
        {"figures": CityFigure.objects.all()[:200], "error": error, "posted": request.POST},
        status=400 if error else 200,
    )


# --- portal ------------------------------------------------------------------------------------------
IP_LIMIT, IP_WINDOW = 5, 3600
PHONE_LIMIT, PHONE_WINDOW = 3, 86400
LOOKUP_LIMIT, LOOKUP_WINDOW = 20, 3600


def _client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _hit(key: str, window: int) -> int:
    if cache.add(key, 1, window):
        return 1
    try:
        return cache.incr(key)
    except ValueError:
        cache.set(key, 1, window)
        return 1


def _peek(key: str) -> int:
    return cache.get(key) or 0


def _is_citizen(user) -> bool:
    return user.is_authenticated and getattr(user, "kind", "staff") in ("person", "firm")


def portal_submit(request):
    initial = {}
    if _is_citizen(request.user):
        initial = {"caller_name": request.user.display_name, "caller_phone": request.user.mobile}
    form = PortalSubmitForm(request.POST or None, initial=initial)
    files = request.FILES.getlist("files") if request.method == "POST" else []
    file_error = ""
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        ip_key = f"hotline:rl:ip:{_client_ip(request)}"
        phone_key = f"hotline:rl:phone:{d['caller_phone']}"
        if d["website"]:  # honeypot filled: a bot; answer as if accepted, store nothing
            return render(request, "hotline/portal_done.html", {"order": None})
        if _peek(ip_key) >= IP_LIMIT or _peek(phone_key) >= PHONE_LIMIT:
            form.add_error(
                None,
                _(
                    "提交过于频繁：同一网络每小时最多提交%(i)d件，同一手机号每天最多提交%(p)d件。"
                    "请稍后再试；情况紧急请直接拨打12345。"
                )
                % {"i": IP_LIMIT, "p": PHONE_LIMIT},
            )
            return render(request, "hotline/portal_submit.html", _submit_context(form), status=429)
        try:
            order = services.register_with_files(
                actor=request.user if request.user.is_authenticated else None,
                files=files,
                content=d["content"],
                channel=WorkOrder.Channel.WEB,
                category=d["category"],
                topic=d["topic"],
                caller_name=d["caller_name"],
                caller_phone=d["caller_phone"],
                confidential=d["confidential"],
                address=d["address"],
            )
        except DomainError as exc:
            if exc.details.get("field") == "files":
                file_error = exc.message
            else:
                form.add_error(None, exc.message)
        else:
            _hit(ip_key, IP_WINDOW)
            _hit(phone_key, PHONE_WINDOW)
            return render(
                request,
                "hotline/portal_done.html",
                {
                    "order": order,
                    "phone": masking.mask_phone(order.caller_phone),
                    "files": order.attachments.count(),
                    "mine": _is_citizen(request.user),
                },
            )
    return render(
        request,
        "hotline/portal_submit.html",
        _submit_context(form, file_error, reselect=bool(files)),
        status=400 if request.method == "POST" else 200,
    )


def _submit_context(form, file_error: str = "", *, reselect: bool = False) -> dict:
    from yingshang.uploads import EVIDENCE

    return {
        "form": form,
        "file_error": file_error,
        # a browser never keeps chosen files across a failed submission: say so
        "reselect": reselect and not file_error,
        "max_files": services.PORTAL_MAX_FILES,
        "max_mb": django_settings.UPLOAD_MAX_BYTES // (1024 * 1024),
        "file_types": "、".join(dict.fromkeys(EVIDENCE.values())),
    }


def portal_lookup(request):
    form = LookupForm(request.POST or None)
    order = None
    if request.method == "POST" and form.is_valid():
        key = f"hotline:rl:lookup:{_client_ip(request)}"
        if _hit(key, LOOKUP_WINDOW) > LOOKUP_LIMIT:
            form.add_error(None, _("查询过于频繁，请一小时后再试。"))
            return render(request, "hotline/portal_lookup.html", {"form": form}, status=429)
        number = form.cleaned_data["number"].strip().upper()
        phone = form.cleaned_data["phone"].strip()
        # not a list: exactly one order, and only with the phone given when it was submitted
        order = (
            WorkOrder.objects.select_related("main_unit")
            .filter(number=number, caller_phone=phone)
            .first()
        )
        if order is None:
            form.add_error(None, _("未找到该工单，请核对工单编号和手机号码。"))
        elif request.POST.get("rate") in ("1", "0"):
            try:
                order = services.portal_rate(order=order, satisfied=request.POST["rate"] == "1")
                messages.success(request, _("感谢您的评价！"))
            except DomainError as exc:
                messages.error(request, exc.message)
    status = (
        404 if request.method == "POST" and order is None and form.is_bound and form.errors else 200
    )
    return render(
        request,
        "hotline/portal_lookup.html",
        {
            "form": form,
            "order": order,
            "phone": masking.mask_phone(order.caller_phone) if order else "",
        },
        status=status,
    )


# --- portal: 我的诉求 -----------------------------------------------------------------------------
def _rated_ids(orders) -> set[int]:
    try:
        from yingshang.ratings.models import Rating
    except ImportError:
        return set()
    ids = [o.pk for o in orders if o.status == WorkOrder.Status.CLOSED]
    if not ids:
        return set()
    return set(Rating.objects.filter(work_order_id__in=ids).values_list("work_order_id", flat=True))


def _rating_link(order, rated: set[int]) -> str:
    """The ratings app's signed one-click link (好差评) for a closed order not rated yet."""
    if (
        order.status != WorkOrder.Status.CLOSED
        or order.close_kind == WorkOrder.CloseKind.MERGED
        or order.pk in rated
    ):
        return ""
    try:
        from yingshang.ratings import services as rating_services
        from yingshang.ratings import targets
        from yingshang.ratings.models import Point
    except ImportError:
        return ""
    return rating_services.invitation_link(targets.for_work_order(order), Point.WORKORDER)


def _mine_row(order, rated: set[int]) -> dict:
    open_ = order.status not in (WorkOrder.Status.AWAITING_CALLBACK, WorkOrder.Status.CLOSED)
    return {
        "o": order,
        "status": selectors.public_status(order),
        "due": order.handle_due_at if open_ else None,
        "reply": order.reply if selectors.reply_is_public(order) else "",
        "rate_url": _rating_link(order, rated),
        "rated": order.pk in rated,
    }


@login_required_view
def portal_mine(request):
    """我的诉求: the orders this person/firm account submitted (rule: selectors.my_orders)."""
    orders = list(selectors.my_orders(request.user)[:200])
    rated = _rated_ids(orders)
    return render(
        request,
        "hotline/portal_mine.html",
        {"rows": [_mine_row(o, rated) for o in orders], "citizen": _is_citizen(request.user)},
    )


def _my_order(request, pk: int) -> WorkOrder:
    return scope.get_for(request.user, WorkOrder, pk, queryset=selectors.my_orders(request.user))


@login_required_view
def portal_mine_detail(request, pk: int):
    order = _my_order(request, pk)
    rated = _rated_ids([order])
    return render(
        request,
        "hotline/portal_mine_detail.html",
        {
            **_mine_row(order, rated),
            "phone": masking.mask_phone(order.caller_phone),
            "timeline": selectors.public_timeline(order),
            # only the files the person added: staff files (site photos…) are internal
            "files": order.attachments.filter(uploaded_by=request.user).order_by("id"),
        },
    )


def _attachment_download(item):
    """A work-order attachment as a download (never rendered inline); 404 if its file is gone."""
    from django.http import FileResponse

    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=item.name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required_view
def portal_mine_file(request, pk: int, att: int):
    order = _my_order(request, pk)
    item = order.attachments.filter(pk=att, uploaded_by=request.user).first()
    if item is None:
        raise Http404
    return _attachment_download(item)


# --- settings: time limits and KPI weights --------------------------------------------------------
@staff_required(Role.SUPERVISOR, Role.ADMIN)
def settings_page(request):
    from yingshang.hotline.models import LimitRule

    error, posted = "", {}
    if request.method == "POST":
        p = request.POST
        posted = p.dict()
        try:
            if p.get("form") == "kpi":
                services.kpi_config_save(
                    actor=request.user,
                    weight_response=p.get("weight_response"),
                    weight_resolution=p.get("weight_resolution"),
                    weight_satisfaction=p.get("weight_satisfaction"),
                    min_sample=p.get("min_sample"),
                )
            else:
                rule = (
                    LimitRule.objects.filter(pk=p["rule"]).first()
                    if p.get("rule", "").isdigit()
                    else None
                )
                services.limit_rule_save(
                    actor=request.user,
                    rule=rule,
                    purpose=p.get("purpose", ""),
                    category=p.get("category", ""),
                    urgency=p.get("urgency", ""),
                    amount=p.get("amount", ""),
                    unit=p.get("unit", ""),
                    same_day=bool(p.get("same_day")),
                    is_active=bool(p.get("is_active")),
                    note=p.get("note", ""),
                )
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, _("已保存。"))
            return redirect("hotline:settings")
    return render(
        request,
        "hotline/settings.html",
        {
            "rules": LimitRule.objects.order_by("purpose", "category", "urgency"),
            "config": KpiConfig.get(),
            "purposes": LimitRule.Purpose.choices,
            "categories": WorkOrder.Category.choices,
            "urgencies": WorkOrder.Urgency.choices,
            "units": LimitRule._meta.get_field("unit").choices,
            "error": error,
            "posted": posted,
        },
        status=400 if error else 200,
    )


@staff_required(*ALL_STAFF)
def attachment_download(request, pk: int, att: int):
    from yingshang.hotline.models import WorkOrderAttachment

    order = scope.get_for(request.user, WorkOrder, pk)
    item = scope.get_for(
        request.user,
        WorkOrderAttachment,
        att,
        queryset=WorkOrderAttachment.objects.filter(order=order),
    )
    return _attachment_download(item)
