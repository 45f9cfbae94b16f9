"""Pages of 好差评: the public rating pages (signed link, window QR, my cases), the window pad
kiosk, the staff pages (ratings, rectifications, appeals, statistics) and the public page.

The click is the rating (peers.md §3): every rating page posts the level from one big button and
records it at once; the page that follows only offers optional details."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yingshang.errors import DomainError
from yingshang.org import scope
from yingshang.org.masking import mask_name, mask_phone
from yingshang.org.models import Window
from yingshang.org.roles import COUNTYWIDE_ROLES, Role
from yingshang.org.scope import grants
from yingshang.ratings import links, ratelimit, rectifications, selectors, services
from yingshang.ratings import targets as T
from yingshang.ratings.models import (
    BAD_LEVELS,
    Appeal,
    Channel,
    Level,
    Outcome,
    Point,
    Rating,
    Rectification,
    WindowVisit,
)
from yingshang.workbench.access import login_required_view, staff_required

STAFF_ROLES = (Role.DEPT_HANDLER, Role.DEPT_HEAD, *COUNTYWIDE_ROLES, Role.ADMIN)
SESSION_KEY = "ratings_given"
LEVELS = [(value, label) for value, label in Level.choices]  # 5 → 1, as shown on every pad


def _int(value) -> int:
    """A posted id, or 0 (matches nothing) when it is not a number: bad input is no 500."""
    return int(value) if value and str(value).isdigit() else 0


def _remember(request, rating: Rating) -> None:
    """The giver may add details on the next page; the session remembers which rating is theirs
    (an anonymous rating is linked to nobody in the database)."""
    given = request.session.get(SESSION_KEY, [])[-9:]
    request.session[SESSION_KEY] = [*given, rating.pk]


def _error_page(request, exc: DomainError, *, template="ratings/message.html", status=None):
    return render(
        request,
        template,
        {"title": _("无法评价"), "message": exc.message, "error": True},
        status=status or exc.status,
    )


# --- the one-click pages (public) ------------------------------------------------------------
def link_rate(request, token: str):
    """The signed link of an SMS invitation or a case's QR code."""
    try:
        data = links.read_token(token)
    except DomainError as exc:
        return _error_page(request, exc)
    target = T.load(data["k"], data["i"])
    if target is None:
        raise Http404
    point = data["p"]
    channel = (
        Channel.QR
        if request.GET.get("via") == "qr" or request.POST.get("via") == "qr"
        else Channel.SMS
    )
    if request.method == "POST":
        try:
            ratelimit.check(request, obj_key=f"{target.kind}:{target.pk}")
            rating = services.rating_submit(
                actor=request.user if request.user.is_authenticated else None,
                target=target,
                level=request.POST.get("level"),
                channel=channel,
                point=point,
                anonymous=request.POST.get("anonymous") == "1",
                link_token=token,
            )
        except DomainError as exc:
            return _error_page(request, exc)
        _remember(request, rating)
        return redirect("ratings:details", pk=rating.pk)
    already = Rating.objects.filter(**target.rating_filter(point)).exists()
    return render(
        request,
        "ratings/rate.html",
        {
            "target": target,
            "point_label": Point(point).label,
            "levels": LEVELS,
            "already": already,
            "show_anonymous": target.kind != T.KIND_VISIT,
            "via": "qr" if channel == Channel.QR else "",
        },
    )


def window_rate(request, window_id: int):
    """The QR code on a window (or the self-service terminal with ?via=terminal): rates the
    visit being served there now (一次一评)."""
    window = get_object_or_404(Window, pk=window_id, is_active=True)
    channel = (
        Channel.TERMINAL
        if (request.GET.get("via") or request.POST.get("via")) == "terminal"
        else Channel.QR
    )
    if request.method == "POST":
        visit = WindowVisit.objects.filter(
            pk=_int(request.POST.get("visit")), window=window
        ).first()
        if visit is None:
            return _error_page(
                request,
                DomainError(
                    "RATING_VISIT_TOKEN_INVALID", _("本次服务已结束，请重新扫码"), status=400
                ),
            )
        try:
            ratelimit.check(request, obj_key=f"window:{window.pk}")
            rating = services.rating_submit(
                actor=request.user if request.user.is_authenticated else None,
                target=T.for_visit(visit),
                level=request.POST.get("level"),
                channel=channel,
                visit_token=request.POST.get("token", ""),
            )
        except DomainError as exc:
            return _error_page(request, exc)
        _remember(request, rating)
        return redirect("ratings:details", pk=rating.pk)
    visit = services.current_visit(window)
    return render(
        request,
        "ratings/rate.html",
        {
            "window": window,
            "visit": visit,
            "levels": LEVELS,
            "point_label": Point.VISIT.label,
            "no_visit": visit is None,
            "via": "terminal" if channel == Channel.TERMINAL else "",
        },
    )


def details(request, pk: int):
    """Optional details after the click: dimensions, problems (for a 差评), comment."""
    if pk not in request.session.get(SESSION_KEY, []):
        raise Http404
    rating = get_object_or_404(Rating.objects.select_related("scheme"), pk=pk)
    scheme = rating.scheme
    values = {"problems": [], "comment": "", "dimensions": {}}
    if request.method == "POST":
        values = {
            "problems": request.POST.getlist("problems"),
            "comment": request.POST.get("comment", ""),
            "dimensions": {
                d["code"]: request.POST.get(f"dim_{d['code']}", "") for d in scheme.dimensions
            },
        }
        try:
            services.rating_add_details(
                rating=rating,
                dimensions=values["dimensions"],
                problems=values["problems"],
                comment=values["comment"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            return render(
                request,
                "ratings/message.html",
                {
                    "title": _("感谢您的评价"),
                    "message": _("补充内容已提交。您的意见将用于改进政务服务。"),
                    "done": True,
                    "back": request.GET.get("back", ""),
                },
            )
    return render(
        request,
        "ratings/details.html",
        {
            "rating": rating,
            "scheme": scheme,
            "is_bad": rating.level in BAD_LEVELS,
            "values": values,
            "dim_rows": [
                {
                    "code": d["code"],
                    "label": d["label"],
                    "value": str(values["dimensions"].get(d["code"], "")),
                }
                for d in scheme.dimensions
            ],
            "closed": rating.details_added_at is not None,
            "levels": LEVELS,
            "back": request.GET.get("back", ""),
        },
    )


@login_required_view
def mine(request):
    """An applicant's delivered cases still waiting for their 办结 rating (web channel)."""
    Case = T.case_model()
    pending = []
    if Case is not None and not grants(request.user).is_staff_member:
        rated = Rating.objects.filter(case__isnull=False, point=Point.DELIVER).values("case_id")
        pending = list(
            scope.visible_to(request.user, Case)
            .filter(status__in=("delivered", "closed"), delivered_at__isnull=False)
            .filter(**_own_cases(request.user))
            .exclude(pk__in=rated)
            .order_by("-delivered_at")[:50]
        )
    given = (
        scope.visible_to(request.user, Rating)
        .filter(rater=request.user)
        .select_related("unit")
        .order_by("-created_at")[:50]
    )
    return render(
        request, "ratings/mine.html", {"pending": pending, "given": given, "levels": LEVELS}
    )


def _own_cases(user) -> dict:
    return (
        {"firm_id": user.firm_id} if user.kind == "firm" and user.firm_id else {"applicant": user}
    )


@login_required_view
@require_POST
def rate_case(request, case_id: int):
    Case = T.case_model()
    if Case is None:
        raise Http404
    case = scope.get_for(request.user, Case, case_id)
    try:
        rating = services.rating_submit(
            actor=request.user,
            target=T.for_case(case),
            level=request.POST.get("level"),
            channel=Channel.WEB,
            point=request.POST.get("point") or Point.DELIVER,
            anonymous=request.POST.get("anonymous") == "1",
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("ratings:mine")
    _remember(request, rating)
    return redirect(reverse("ratings:details", args=[rating.pk]) + "?back=mine")


def qr_png(request, kind: str, pk: int):
    """A PNG QR code served locally: per window (public) and per case (its staff or applicant)."""
    from django.conf import settings

    from yingshang.ratings.qr import png

    if kind == "window":
        window = get_object_or_404(Window, pk=pk)
        url = reverse("ratings:window", args=[window.pk])
    elif kind == "case":
        Case = T.case_model()
        if Case is None or not request.user.is_authenticated:
            raise Http404
        case = scope.get_for(request.user, Case, pk)
        url = services.invitation_link(T.for_case(case), Point.DELIVER) + "?via=qr"
    else:
        raise Http404
    response = HttpResponse(png(settings.SITE_URL + url), content_type="image/png")
    response["Cache-Control"] = "private, max-age=300"
    return response


# --- the window pad (kiosk) ------------------------------------------------------------------
def _pad_window(request, window_id: int) -> Window:
    window = get_object_or_404(Window, pk=window_id)
    g = grants(request.user)
    if window.clerk_id != request.user.pk and window.hall_id not in g.units(Role.WINDOW_CLERK):
        raise Http404
    return window


@staff_required(Role.WINDOW_CLERK)
def pad_home(request):
    """The clerk's own window's pad (the menu entry)."""
    g = grants(request.user)
    window = (
        Window.objects.filter(clerk=request.user, is_active=True).first()
        or Window.objects.filter(hall_id__in=g.units(Role.WINDOW_CLERK), is_active=True)
        .order_by("number")
        .first()
    )
    if window is None:
        messages.error(request, _("您尚未绑定窗口，请联系管理员"))
        return redirect("workbench:home")
    return redirect("ratings:pad", window_id=window.pk)


@staff_required(Role.WINDOW_CLERK)
def pad(request, window_id: int):
    window = _pad_window(request, window_id)
    return render(request, "ratings/pad.html", {"window": window, **_pad_state(window)})


def _pad_state(window) -> dict:
    return {"window": window, "visit": services.current_visit(window), "levels": LEVELS}


@staff_required(Role.WINDOW_CLERK)
def pad_state(request, window_id: int):
    """Polled by the pad (htmx): the visit waiting for its rating, or the idle screen. It never
    shows a rating that was given."""
    window = _pad_window(request, window_id)
    return render(request, "ratings/_pad_state.html", _pad_state(window))


@staff_required(Role.WINDOW_CLERK)
@require_POST
def pad_rate(request, window_id: int):
    window = _pad_window(request, window_id)
    visit = WindowVisit.objects.filter(pk=_int(request.POST.get("visit")), window=window).first()
    error = ""
    if visit is None:
        error = _("本次服务已结束，请等待下一位")
    else:
        try:
            services.rating_submit(
                actor=request.user,
                target=T.for_visit(visit),
                level=request.POST.get("level"),
                channel=Channel.WINDOW_PAD,
                visit_token=request.POST.get("token", ""),
            )
        except DomainError as exc:
            error = exc.message
    # The thank-you screen does not say which button was pressed: the clerk beside the pad
    # must not learn the rating (staff cannot see a rating before it is submitted or after).
    template = "ratings/_pad_thanks.html" if request.htmx else "ratings/pad.html"
    # htmx swaps only 2xx responses by default: the error is shown on the same screen
    return render(request, template, {"window": window, "error": error, "thanks": True})


@staff_required(Role.WINDOW_CLERK)
@require_POST
def pad_next(request, window_id: int):
    window = _pad_window(request, window_id)
    try:
        services.visit_start(actor=request.user, window=window)
    except DomainError as exc:
        messages.error(request, exc.message)
    if request.htmx:
        return render(request, "ratings/_pad_state.html", _pad_state(window))
    return redirect("ratings:pad", window_id=window.pk)


# --- staff: ratings -------------------------------------------------------------------------
def _rater_display(rating: Rating) -> str:
    if rating.anonymous:
        return _("匿名")
    name = mask_name(rating.rater.display_name) if rating.rater_id else ""
    return " ".join(p for p in (name, mask_phone(rating.rater_phone)) if p) or _("实名")


def _object_display(rating: Rating) -> str:
    # An anonymous rating shows no case or work-order number: the number leads to the person.
    if rating.anonymous and rating.visit_id is None:
        return _("（匿名，不显示办件信息）")
    if rating.case_id:
        return rating.case.number
    if rating.work_order_id:
        return rating.work_order.number
    return _("窗口服务")


@staff_required(*STAFF_ROLES)
def rating_list(request):
    qs, applied = selectors.filter_ratings(request.user, request.GET)
    if request.GET.get("export") == "xlsx":
        from yingshang.spreadsheets import xlsx_response

        rows = (
            (
                r.pk,
                timezone.localtime(r.created_at).strftime("%Y-%m-%d %H:%M"),
                r.get_level_display(),
                r.get_channel_display(),
                r.get_point_display(),
                r.unit.name,
                r.matter.name_cache if r.matter_id else "",
                r.staff.display_name if r.staff_id else "",
                str(r.window) if r.window_id else "",
                _object_display(r),
                _rater_display(r),
                "、".join(r.problem_labels),
                r.comment,
                _("是") if r.excluded else "",
            )
            for r in qs[:100000]
        )
        return xlsx_response(
            f"好差评-{timezone.localdate():%Y%m%d}.xlsx",
            _("好差评"),
            [
                _("编号"),
                _("时间"),
                _("等级"),
                _("渠道"),
                _("节点"),
                _("单位"),
                _("事项"),
                _("人员"),
                _("窗口"),
                _("对象"),
                _("评价人"),
                _("问题"),
                _("意见建议"),
                _("申诉核减"),
            ],
            rows,
        )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    for r in page.object_list:
        r.rater_display, r.object_display = _rater_display(r), _object_display(r)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "ratings/staff/list.html",
        {
            "page": page,
            "query": query.urlencode(),
            "applied": applied,
            "levels": LEVELS,
            "channels": Channel.choices,
        },
    )


@staff_required(*STAFF_ROLES)
def rating_detail(request, pk: int):
    return _rating_detail(request, pk)


def _rating_detail(request, pk: int, typed=None):
    rating = scope.get_for(
        request.user,
        Rating,
        pk,
        queryset=Rating.objects.select_related(
            "unit", "matter", "staff", "window", "rater", "case", "work_order", "scheme"
        ),
    )
    rect = Rectification.objects.filter(rating=rating).first()
    return render(
        request,
        "ratings/staff/detail.html",
        {
            "rating": rating,
            "rect": rect,
            "appeals": rating.appeals.select_related("submitted_by", "decided_by"),
            "rater_display": _rater_display(rating),
            "object_display": _object_display(rating),
            "dimension_rows": [
                (d["label"], Level(rating.dimensions[d["code"]]).label)
                for d in rating.scheme.dimensions
                if d["code"] in rating.dimensions
            ],
            # every 差评 has its rectification; the appeal is allowed while the loop is open
            "can_appeal": rect is not None and scope.abilities(request.user, rect)["appeal"],
            "appeal_kinds": Appeal.Kind.choices,
            "typed": typed or {},
        },
    )


@staff_required(Role.DEPT_HANDLER, Role.DEPT_HEAD)
@require_POST
def appeal_submit(request, pk: int):
    rating = scope.get_for(request.user, Rating, pk)
    try:
        rectifications.appeal_submit(
            actor=request.user,
            rating=rating,
            kind=request.POST.get("kind", ""),
            reason=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return _rating_detail(request, pk, typed=request.POST)  # what was typed stays in the form
    messages.success(request, _("申诉已提交，等待督查人员审核"))
    return redirect("ratings:detail", pk=rating.pk)


# --- staff: rectifications ------------------------------------------------------------------
@staff_required(*STAFF_ROLES)
def rectification_list(request):
    qs = scope.visible_to(request.user, Rectification).select_related("unit", "rating")
    status = request.GET.get("status", "open")
    if status == "open":
        qs = qs.filter(
            status__in=[
                Rectification.Status.VERIFYING,
                Rectification.Status.RECTIFYING,
                Rectification.Status.REVIEWING,
            ]
        )
    elif status in Rectification.Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs.order_by("reply_due_at", "pk"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "ratings/staff/rectifications.html",
        {
            "page": page,
            "status": status,
            "statuses": Rectification.Status.choices,
            "now": timezone.now(),
            "query": f"status={status}",
        },
    )


ACTIONS = ("verify", "reply", "callback", "close", "send_back")


@staff_required(*STAFF_ROLES)
def rectification_detail(request, pk: int):
    rect = scope.get_for(
        request.user,
        Rectification,
        pk,
        queryset=Rectification.objects.select_related(
            "rating__scheme",
            "rating__unit",
            "rating__rater",
            "rating__case",
            "rating__work_order",
            "unit",
            "callback_by",
        ),
    )
    can = scope.abilities(request.user, rect)
    typed = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ACTIONS or not can.get(action):
            raise PermissionDenied
        typed = request.POST
        try:
            if action == "verify":
                rectifications.rectification_verify(
                    actor=request.user, rectification=rect, note=typed.get("note", "")
                )
            elif action == "reply":
                rectifications.rectification_reply(
                    actor=request.user,
                    rectification=rect,
                    outcome=typed.get("outcome", ""),
                    reply=typed.get("reply", ""),
                )
            elif action == "callback":
                rectifications.rectification_callback(
                    actor=request.user,
                    rectification=rect,
                    result=typed.get("result", ""),
                    note=typed.get("note", ""),
                )
            elif action == "close":
                rectifications.rectification_close(
                    actor=request.user, rectification=rect, note=typed.get("note", "")
                )
            else:
                rectifications.rectification_send_back(
                    actor=request.user, rectification=rect, reason=typed.get("reason", "")
                )
        except DomainError as exc:
            messages.error(request, exc.message)
            rect.refresh_from_db()
            can = scope.abilities(request.user, rect)
        else:
            messages.success(request, _("已保存"))
            return redirect("ratings:rectification", pk=rect.pk)
    rating = rect.rating
    # the unit needs the number to call back a real-name rater (回访); nobody else sees it whole
    g = grants(request.user)
    show_phone = (
        rect.callback_required
        and rect.is_open
        and not rating.anonymous
        and (rectifications.is_unit_staff(g, rect.unit_id) or rectifications.is_supervisor(g))
    )
    return render(
        request,
        "ratings/staff/rectification.html",
        {
            "rect": rect,
            "rating": rating,
            "can": can,
            "typed": typed,
            "outcomes": Outcome.choices,
            "callback_results": Rectification.CallbackResult.choices,
            "rater_display": _rater_display(rating),
            "object_display": _object_display(rating),
            "phone": rating.rater_phone if show_phone else "",
            "now": timezone.now(),
        },
    )


# --- staff: appeals -------------------------------------------------------------------------
@staff_required(*STAFF_ROLES)
def appeal_list(request):
    qs = scope.visible_to(request.user, Appeal).select_related(
        "rating", "unit", "submitted_by", "decided_by"
    )
    status = request.GET.get("status", "pending")
    if status in Appeal.Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs.order_by("-submitted_at"), 50).get_page(request.GET.get("page"))
    for a in page.object_list:
        a.can = scope.abilities(request.user, a)
    return render(
        request,
        "ratings/staff/appeals.html",
        {
            "page": page,
            "status": status,
            "statuses": Appeal.Status.choices,
            "query": f"status={status}",
        },
    )


@staff_required(Role.SUPERVISOR)
@require_POST
def appeal_decide(request, pk: int):
    appeal = scope.get_for(request.user, Appeal, pk)
    decision = request.POST.get("decision")
    if decision not in ("upheld", "rejected"):
        messages.error(request, _("请选择审核结论"))
        return redirect("ratings:appeals")
    try:
        rectifications.appeal_decide(
            actor=request.user,
            appeal=appeal,
            upheld=decision == "upheld",
            reason=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("申诉已审核"))
    return redirect("ratings:appeals")


# --- staff: statistics ----------------------------------------------------------------------
def _period(request):
    import datetime as dt

    start_raw, end_raw = request.GET.get("start", ""), request.GET.get("end", "")
    try:
        start, end = dt.date.fromisoformat(start_raw), dt.date.fromisoformat(end_raw)
        if end < start or (end - start).days > 731:
            raise ValueError
    except ValueError:
        start, end = selectors.month_bounds(request.GET.get("month"))
    return start, end


@staff_required(*STAFF_ROLES)
def stats(request):
    start, end = _period(request)
    group = request.GET.get("group", "unit")
    if group not in selectors.GROUPS:
        group = "unit"
    rows = selectors.stats(request.user, group=group, start=start, end=end)
    points = selectors.trend(request.user, start=start, end=end)
    drill_key = {"channel": "channel"}.get(group, group)
    for r in rows:
        r.drill = f"{reverse('ratings:list')}?start={start}&end={end}" + (
            f"&{drill_key}={r.key}" if r.key is not None else ""
        )
    if request.GET.get("export") == "xlsx":
        from yingshang.spreadsheets import xlsx_response

        data = (
            (
                r.label,
                r.total,
                r.satisfaction,
                r.bad,
                r.rectified_rate,
                r.on_time_rate,
                r.callback_rate,
                r.coverage,
                r.excluded,
            )
            for r in rows
        )
        return xlsx_response(
            f"好差评统计-{start}-{end}.xlsx",
            _("好差评统计"),
            [
                _("对象"),
                _("评价数"),
                _("满意率%"),
                _("差评数"),
                _("差评整改率%"),
                _("按时整改率%"),
                _("回访率%"),
                _("评价覆盖率%"),
                _("申诉核减"),
            ],
            data,
        )
    return render(
        request,
        "ratings/staff/stats.html",
        {
            "rows": rows,
            "total": selectors.totals(rows),
            "group": group,
            "start": start,
            "end": end,
            "groups": [
                ("unit", _("单位")),
                ("matter", _("事项")),
                ("staff", _("人员")),
                ("window", _("窗口")),
                ("channel", _("渠道")),
            ],
            "chart": selectors.trend_chart(points, reverse("ratings:list")),
        },
    )


# --- public page (51号: ratings and rectifications published) --------------------------------
def public(request):
    start, end = selectors.month_bounds(request.GET.get("month"))
    units = selectors.public_unit_satisfaction(start, end)
    return render(
        request,
        "ratings/public.html",
        {
            "start": start,
            "end": end,
            "units": units,
            "matters": selectors.public_matter_satisfaction(start, end),
            "rects": selectors.public_rectifications(start, end),
            "month": f"{start:%Y-%m}",
            "chart": {
                "tooltip": {"trigger": "axis"},
                "grid": {"left": 120, "right": 30, "top": 10, "bottom": 30},
                "xAxis": {"type": "value", "min": 0, "max": 100},
                "yAxis": {"type": "category", "data": [u["unit__name"] for u in units[:15]][::-1]},
                "series": [
                    {
                        "type": "bar",
                        "name": "满意率(%)",
                        "barMaxWidth": 28,
                        "data": [u["satisfaction"] for u in units[:15]][::-1],
                    }
                ],
            },
        },
    )


# --- settings ---------------------------------------------------------------------------------
@staff_required(Role.ADMIN, Role.SUPERVISOR)
def settings_page(request):
    from yingshang.ratings.models import RatingSettings

    row = RatingSettings.current()
    fields = [
        (name, RatingSettings._meta.get_field(name).verbose_name)
        for name in services.SETTINGS_FIELDS
    ]
    values = {name: getattr(row, name) for name in services.SETTINGS_FIELDS}
    if request.method == "POST":
        typed = {name: request.POST.get(name, "").strip() for name in services.SETTINGS_FIELDS}
        values = typed
        try:
            parsed = {}
            for name, raw in typed.items():
                if not raw.isdigit():
                    raise DomainError("RATING_SETTINGS_INVALID", _("设置值必须是1到1000之间的整数"))
                parsed[name] = int(raw)
            services.settings_update(
                actor=request.user, reason=request.POST.get("reason", ""), **parsed
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已保存，新的时限适用于此后收到的差评"))
            return redirect("ratings:settings")
    return render(
        request,
        "ratings/staff/settings.html",
        {
            "rows": [(name, label, values[name]) for name, label in fields],
            "can_edit": True,
        },
    )


@staff_required(Role.WINDOW_CLERK, Role.ADMIN, Role.SUPERVISOR, Role.DEPT_HEAD)
def qr_sheet(request):
    """Printable QR codes, one per window (posted at the counter: 一次一评 by phone)."""
    windows = (
        scope.visible_to(request.user, Window)
        .filter(is_active=True)
        .select_related("hall", "clerk")
    )
    g = grants(request.user)
    if not (g.countywide or g.has(Role.ADMIN)):
        windows = windows.filter(hall_id__in=g.units())
    return render(
        request,
        "ratings/staff/qr_sheet.html",
        {"windows": windows.order_by("hall__sort_order", "number")},
    )
