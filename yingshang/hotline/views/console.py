"""The operator console: register (and dispatch or answer) a call, with its htmx helpers."""

import logging

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from yingshang.errors import DomainError
from yingshang.hotline import selectors, services
from yingshang.hotline.forms import ConsoleForm
from yingshang.hotline.models import Topic
from yingshang.hotline.views._common import suggest_units
from yingshang.knowledge.selectors import search as knowledge_search
from yingshang.org.roles import Role
from yingshang.workbench.access import staff_required

log = logging.getLogger(__name__)


def _knowledge_search(text: str, limit: int = 5) -> list:
    try:
        return list(knowledge_search(text, limit=limit))
    except Exception:  # the page must work even if the search fails
        log.exception("knowledge search failed")
        return []


def _firm(uscc: str):
    from yingshang.enterprises.selectors import firm_by_uscc

    if not (uscc or "").strip():
        return None
    firm = firm_by_uscc(uscc, field="firm_uscc")
    if firm is None:
        raise DomainError(
            "HOTLINE_FIRM_NOT_FOUND",
            _("未找到该统一社会信用代码对应的企业"),
            details={"field": "firm_uscc"},
        )
    return firm


@staff_required(Role.HOTLINE_OPERATOR, Role.ADMIN)
def console(request):
    form = ConsoleForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        mode = request.POST.get("mode", "dispatch")
        try:
            with transaction.atomic():
                order = services.workorder_register(
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
                    services.workorder_dispatch(
                        actor=request.user,
                        order=order,
                        main_unit=unit,
                        co_units=d["co_units"],
                        suggested_unit_id=d["suggested_unit"],
                    )
                elif mode == "answer":
                    services.workorder_answer_directly(
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
        suggestions = suggest_units(text) if len(text) >= 4 else []
        topic = None
        if q.get("topic", "").isdigit():
            topic = Topic.objects.filter(pk=q["topic"]).select_related("default_unit").first()
        return render(
            request, "hotline/_suggest.html", {"suggestions": suggestions, "topic": topic}
        )
    raise Http404
