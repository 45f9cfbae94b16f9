"""The public rating pages: the one-click pages (signed link, window QR code, my cases), the
window pad kiosk and the QR images.

The click is the rating (peers.md §3): every rating page posts the level from one big button and
records it at once; the page that follows only offers optional details."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yingshang.errors import DomainError
from yingshang.org import scope
from yingshang.org.models import Window
from yingshang.org.roles import Role
from yingshang.org.scope import grants
from yingshang.ratings import links, ratelimit, services
from yingshang.ratings import targets as T
from yingshang.ratings.models import (
    BAD_LEVELS,
    Channel,
    Point,
    Rating,
    WindowVisit,
)
from yingshang.ratings.scopes import serves_at
from yingshang.ratings.views.common import LEVELS
from yingshang.workbench.access import login_required_view, staff_required

SESSION_KEY = "ratings_given"


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
            # the address pays for its attempts; the window's own allowance only for attempts
            # that hold the current visit's token (a stranger's refused tries must not use up
            # the allowance of the person being served)
            ratelimit.check(request)
            if constant_time_compare(request.POST.get("token", ""), visit.token):
                ratelimit.check(request, obj_key=f"window:{window.pk}", per_ip=False)
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
    visit = services.visit_current(window)
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
    rating = get_object_or_404(Rating.objects.select_related("scheme"), pk=pk)
    # the browser that just gave it, or (later, from 我的评价) its real-name rater; for anyone
    # else the rating does not exist
    if pk not in request.session.get(SESSION_KEY, []) and not services.is_own_rating(
        request.user, rating
    ):
        raise Http404
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
            "expired": not services.details_open(rating),
            "until": services.details_until(rating),
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
    given = list(given)
    for r in given:
        r.may_complete = services.details_open(r)
        r.until = services.details_until(r)
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
    if not serves_at(request.user, grants(request.user), window):
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
    return {"window": window, "visit": services.visit_current(window), "levels": LEVELS}


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
                pad=True,  # the pad page itself: the person served holds the pad
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
