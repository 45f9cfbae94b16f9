"""The portal's hotline pages: submit, look up by number and phone (and rate the reply), and
我的诉求 for a logged-in person or firm."""

from django.conf import settings as django_settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from yingshang import workflow
from yingshang.apiaccess import ratelimit
from yingshang.apiaccess.ratelimit import request_ip
from yingshang.errors import DomainError
from yingshang.hotline import selectors, services
from yingshang.hotline.forms import LookupForm, PortalSubmitForm
from yingshang.hotline.models import WorkOrder
from yingshang.hotline.views._common import attachment_response
from yingshang.org import identifiers, masking, scope
from yingshang.ratings import services as rating_services
from yingshang.ratings import targets
from yingshang.ratings.models import Point, Rating
from yingshang.workbench.access import login_required_view

# abuse limits of the public form, fixed windows counted in the database (apiaccess.ratelimit)
IP_LIMIT, IP_WINDOW = 5, 3600
PHONE_LIMIT, PHONE_WINDOW = 3, 86400
LOOKUP_LIMIT, LOOKUP_WINDOW = 20, 3600


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
        ip_key = f"hotline:ip:{request_ip(request)}"
        phone_key = f"hotline:phone:{d['caller_phone']}"
        if d["website"]:  # honeypot filled: a bot; answer as if accepted, store nothing
            return render(request, "hotline/portal_done.html", {"order": None})
        if (
            ratelimit.peek(ip_key, window=IP_WINDOW) >= IP_LIMIT
            or ratelimit.peek(phone_key, window=PHONE_WINDOW) >= PHONE_LIMIT
        ):
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
            order = services.workorder_register_with_files(
                actor=request.user if request.user.is_authenticated else workflow.SYSTEM,
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
            ratelimit.hit(ip_key, limit=IP_LIMIT, window=IP_WINDOW)
            ratelimit.hit(phone_key, limit=PHONE_LIMIT, window=PHONE_WINDOW)
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
        key = f"hotline:lookup:{request_ip(request)}"
        if not ratelimit.hit(key, limit=LOOKUP_LIMIT, window=LOOKUP_WINDOW):
            form.add_error(None, _("查询过于频繁，请一小时后再试。"))
            return render(request, "hotline/portal_lookup.html", {"form": form}, status=429)
        number = form.cleaned_data["number"].strip().upper()
        phone = identifiers.normalize_mobile(form.cleaned_data["phone"])
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
                order = services.workorder_portal_rate(
                    order=order, satisfied=request.POST["rate"] == "1"
                )
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


@login_required_view
def portal_mine_file(request, pk: int, att: int):
    order = _my_order(request, pk)
    item = order.attachments.filter(pk=att, uploaded_by=request.user).first()
    if item is None:
        raise Http404
    return attachment_response(item)
